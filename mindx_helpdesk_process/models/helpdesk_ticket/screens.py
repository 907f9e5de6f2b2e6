# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicket(models.Model):
    """What the agents' screens read, made cheap at 100,000 tickets.

    The form reads helpdesk_mgmt's duplicates of the ticket (its smart button
    and the duplicates' list): a search of the tickets whose "Duplicate of" is
    this one, which helpdesk_mgmt does not index, so every ticket opened read
    the whole ticket table (60 to 90 ms at 100,000 tickets, more with this
    addon's wider rows than helpdesk_mgmt's). Few tickets are duplicates: a
    partial index of those that are.
    """

    _inherit = "helpdesk.ticket"

    duplicate_id = fields.Many2one(index="btree_not_null")
