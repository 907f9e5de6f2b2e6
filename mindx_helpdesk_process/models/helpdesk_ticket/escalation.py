# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    """The escalation's deliveries to the Dev Team's webhook (the outbox,
    helpdesk.escalation.delivery): shown to agents on the ticket, written by the
    process only."""

    _inherit = "helpdesk.ticket"

    escalation_delivery_ids = fields.One2many(
        comodel_name="helpdesk.escalation.delivery",
        inverse_name="ticket_id",
        string="Escalation deliveries",
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    # Stored: the form shows the deliveries behind a stat button, and opening a
    # ticket should not search them (nor list them: a technical record that
    # most tickets never have, issue #24). Written when an escalation creates
    # its delivery, which is rare. No field groups: a count says no more than
    # the escalation's date does, and the view shows the button to agents only.
    escalation_delivery_count = fields.Integer(
        string="Deliveries",
        compute="_compute_escalation_delivery_count",
        store=True,
        compute_sudo=True,
    )

    @api.depends("escalation_delivery_ids")
    def _compute_escalation_delivery_count(self):
        for ticket in self:
            ticket.escalation_delivery_count = len(ticket.escalation_delivery_ids)

    def action_view_escalation_deliveries(self):
        """The ticket's deliveries, whatever their state (the menu's action
        opens on the failed ones of every ticket)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mindx_helpdesk_process.helpdesk_escalation_delivery_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        if self.escalation_delivery_count == 1:
            action.update(
                views=[(False, "form")],
                view_mode="form",
                res_id=self.escalation_delivery_ids.id,
            )
        return action
