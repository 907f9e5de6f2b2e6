# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .process_rules import STEP_SELECTION


class HelpdeskTicketStep(models.Model):
    """One performed step of the process: what, when, who, and the message it made.

    The ticket keeps the date of each step; this log keeps every occurrence (all
    the customer updates, a re-logged investigation) for the timeline and reports.
    """

    _name = "helpdesk.ticket.step"
    _description = "Helpdesk Ticket Process Step"
    _order = "date, id"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    step = fields.Selection(selection=STEP_SELECTION, required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Done by", default=lambda self: self.env.user
    )
    message_id = fields.Many2one(
        comodel_name="mail.message", string="Message", ondelete="set null"
    )
