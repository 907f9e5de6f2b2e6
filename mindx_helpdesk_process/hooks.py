# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import json

from odoo.tools import sql

from .models.helpdesk_ticket.screens import DUPLICATE_INDEX
from .models.helpdesk_ticket_stage import RATING_TEMPLATES_PARAM
from .report import analysis_data


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
    """Give back helpdesk_mgmt's menus and groups, helpdesk_mgmt_rating's stage
    rating templates and our Resolved stage as they should be.

    helpdesk_mgmt's Reporting menu was opened to agents for the compliance
    analysis (and its ticket analysis kept for managers): both go back to
    helpdesk_mgmt's own groups.

    Our Resolved stage stays as an ordinary stage when tickets are in it.
    Deleting it would fail on the tickets (helpdesk_mgmt restricts stage deletion)
    and moving them elsewhere would rewrite history; forgetting its XML id leaves it
    to the admin, like any stage they created.

    The compliance analysis's stored rows go, and their triggers on the
    tables that stay (tickets, step logs' cascade aside, ratings); so does the
    index this addon put on helpdesk_mgmt's duplicates.
    """
    analysis_data.uninstall(env.cr)
    sql.drop_index(env.cr, DUPLICATE_INDEX, "helpdesk_ticket")
    _restore_reporting_menus(env)
    _restore_rating_templates(env)
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


def _restore_rating_templates(env):
    """helpdesk_mgmt_rating's Rating Email Templates removed at installation
    (the closure email asked for the rating) go back on their stages."""
    params = env["ir.config_parameter"].sudo()
    removed = json.loads(params.get_param(RATING_TEMPLATES_PARAM) or "{}")
    stages = env["helpdesk.ticket.stage"].with_context(active_test=False)
    for stage_id, template_id in removed.items():
        stage = stages.browse(int(stage_id)).exists()
        template = env["mail.template"].browse(template_id).exists()
        if stage and template and not stage.rating_mail_template_id:
            stage.rating_mail_template_id = template
    params.set_param(RATING_TEMPLATES_PARAM, False)


def _restore_reporting_menus(env):
    agents = env.ref("helpdesk_mgmt.group_helpdesk_user_own", raise_if_not_found=False)
    managers = env.ref("helpdesk_mgmt.group_helpdesk_manager", raise_if_not_found=False)
    reporting = env.ref(
        "helpdesk_mgmt.helpdesk_ticket_reporting_menu", raise_if_not_found=False
    )
    analysis = env.ref(
        "helpdesk_mgmt.helpdesk_ticket_reporting_analysis", raise_if_not_found=False
    )
    if reporting and agents:
        reporting.groups_id = [(3, agents.id)]
    if analysis and managers:
        analysis.groups_id = [(3, managers.id)]
