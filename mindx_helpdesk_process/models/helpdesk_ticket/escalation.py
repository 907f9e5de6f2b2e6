# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
