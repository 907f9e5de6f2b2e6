# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class HelpdeskTicketIncidentLinkWizard(models.TransientModel):
    """Link reports to a major incident's main ticket, or unlink one with a
    reason: both are writes of the reports' `major_incident_id`, checked and
    logged by the ticket (models/helpdesk_ticket/major_incident.py)."""

    _name = "helpdesk.ticket.incident.link.wizard"
    _description = "Helpdesk Ticket Major Incident Link Wizard"

    ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket", string="Reports", required=True
    )
    mode = fields.Selection(
        selection=[("link", "Link"), ("unlink", "Unlink")],
        required=True,
        default="link",
    )
    main_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Main ticket",
        domain="[('major_incident_id', '=', False)]",
        help="The ticket the agent works for everyone: one of the selected "
        "reports, or another open ticket.",
    )
    reason = fields.Text(help="Why the report leaves the major incident (logged).")

    @api.model
    def default_get(self, fields_list):
        """From the list's selection: the reports the action was run on."""
        values = super().default_get(fields_list)
        active_ids = self.env.context.get("active_ids")
        if (
            "ticket_ids" in fields_list
            and not values.get("ticket_ids")
            and self.env.context.get("active_model") == "helpdesk.ticket"
            and active_ids
        ):
            values["ticket_ids"] = [(6, 0, active_ids)]
        return values

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "unlink":
            return self._unlink_reports()
        main = self.main_ticket_id
        if not main:
            raise UserError(self.env._("Choose the main ticket of the major incident."))
        reports = self.ticket_ids - main
        if not reports:
            raise UserError(
                self.env._(
                    "Select the reports to link to %(main)s, other than itself.",
                    main=main.display_name,
                )
            )
        reports.write({"major_incident_id": main.id})
        return {"type": "ir.actions.act_window_close"}

    def _unlink_reports(self):
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Write why the report leaves the major incident.")
            )
        self.ticket_ids.with_context(mindx_unlink_reason=reason).write(
            {"major_incident_id": False}
        )
        return {"type": "ir.actions.act_window_close"}
