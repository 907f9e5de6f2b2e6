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
    main_choice = fields.Selection(
        selection=[
            ("existing", "An existing ticket"),
            ("new", "A new main ticket"),
        ],
        string="Main ticket is",
        required=True,
        default="existing",
        help="A new main ticket is the team's own ticket for the incident, "
        "without a customer: its emails go to every report's customer, its class "
        "counts the reports' users.",
    )
    new_main_name = fields.Char(
        string="New main ticket's title", help="E.g. LMS slow for block A classes"
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
        main = self._main_ticket()
        reports = self.ticket_ids - main
        if not reports:
            raise UserError(
                self.env._(
                    "Select the reports to link to %(main)s, other than itself.",
                    main=main.display_name,
                )
            )
        reports.write({"major_incident_id": main.id})
        if self.main_choice == "new":
            return main.get_formview_action()
        return {"type": "ir.actions.act_window_close"}

    def _main_ticket(self):
        """The chosen main ticket, or the new one opened for the incident in the
        first report's team and company."""
        if self.main_choice == "existing":
            if not self.main_ticket_id:
                raise UserError(
                    self.env._("Choose the main ticket of the major incident.")
                )
            return self.main_ticket_id
        name = (self.new_main_name or "").strip()
        if not name:
            raise UserError(
                self.env._(
                    "Give the new main ticket a title that names the incident, "
                    "e.g. 'LMS slow for block A classes'."
                )
            )
        first = self.ticket_ids[:1]
        return self.env["helpdesk.ticket"].create(
            {
                "name": name,
                "team_id": first.team_id.id,
                "company_id": first.company_id.id,
                "description": first.description,
            }
        )

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
