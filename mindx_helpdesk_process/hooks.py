# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tools import sql


def pre_init_hook(env):
    """Keep the stars agents chose before installation.

    Installing makes the ticket's priority follow its class, and the ORM computes
    the class of every existing ticket (Standard: one star) before any post-init
    code runs. Tickets whose stars differ from that are marked as set by hand
    first, so their stars survive.
    """
    cr = env.cr
    if not sql.column_exists(cr, "helpdesk_ticket", "priority_manual"):
        sql.create_column(cr, "helpdesk_ticket", "priority_manual", "boolean")
    cr.execute(
        "UPDATE helpdesk_ticket SET priority_manual = "
        "(priority IS DISTINCT FROM '1')"
    )


def uninstall_hook(env):
    """Keep our Resolved stage as an ordinary stage when tickets are in it.

    Deleting it would fail on the tickets (helpdesk_mgmt restricts stage deletion)
    and moving them elsewhere would rewrite history; forgetting its XML id leaves it
    to the admin, like any stage they created.
    """
    resolved = env.ref(
        "mindx_helpdesk_process.helpdesk_ticket_stage_resolved",
        raise_if_not_found=False,
    )
    tickets = env["helpdesk.ticket"].with_context(active_test=False)
    if resolved and tickets.search_count([("stage_id", "=", resolved.id)], limit=1):
        env["ir.model.data"].search(
            [
                ("module", "=", "mindx_helpdesk_process"),
                ("model", "=", "helpdesk.ticket.stage"),
                ("res_id", "=", resolved.id),
            ]
        ).unlink()
