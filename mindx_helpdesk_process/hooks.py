# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tools import sql

# helpdesk_mgmt's stages (and ours) and the process role each one plays. Looked up
# by XML id, not by name: admins rename stages, and a stage deleted before we were
# installed is simply not there to map.
HELPDESK_MGMT_STAGE_ROLES = {
    "helpdesk_mgmt.helpdesk_ticket_stage_new": "new",
    "helpdesk_mgmt.helpdesk_ticket_stage_in_progress": "in_progress",
    "helpdesk_mgmt.helpdesk_ticket_stage_awaiting": "waiting",
    "helpdesk_mgmt.helpdesk_ticket_stage_done": "closed",
    "helpdesk_mgmt.helpdesk_ticket_stage_cancelled": "cancelled",
    "helpdesk_mgmt.helpdesk_ticket_stage_rejected": "cancelled",
    "mindx_helpdesk_process.helpdesk_ticket_stage_resolved": "resolved",
}


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


def post_init_hook(env):
    """Give every stage that existed before installation its process role.

    The new column was filled with the field's default; helpdesk_mgmt's stages get
    the role they play, stages an admin created get the best guess from their flags
    (so no stage is left outside the process gates), and our Resolved stage is put
    between Waiting and Closed. Every company gets its default Class of Service
    policy, and the tickets already there are classified under it.
    """
    stages = env["helpdesk.ticket.stage"]
    stages._map_process_roles(HELPDESK_MGMT_STAGE_ROLES)
    resolved = env.ref("mindx_helpdesk_process.helpdesk_ticket_stage_resolved")
    stages._place_after(resolved, "waiting")
    env["res.company"].with_context(active_test=False).search(
        []
    )._cos_ensure_default_policy()
    env["helpdesk.ticket"].with_context(active_test=False).search(
        []
    )._cos_classify_existing()
    _drop_duplicate_closing_email(env)


def _drop_duplicate_closing_email(env):
    """The process closes with its own closure email (summary, follow-up plan).

    helpdesk_mgmt's Done stage would send a second, bare "ticket closed" email when
    the ticket enters it right after; it is unhooked from that stage only (the
    template stays, and Cancelled/Rejected keep theirs).
    """
    done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done", raise_if_not_found=False)
    template = env.ref("helpdesk_mgmt.closed_ticket_template", raise_if_not_found=False)
    if done and template and done.mail_template_id == template:
        done.mail_template_id = False


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
