# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .helpdesk_cos_policy import CLASSES_OF_SERVICE, TICKET_PRIORITIES


class HelpdeskCosPolicyLine(models.Model):
    """What one class of service means under a policy (priority; SLA targets next)."""

    _name = "helpdesk.cos.policy.line"
    _description = "Helpdesk Class of Service Policy Line"
    _order = "policy_id, sequence, id"
    _sql_constraints = [
        (
            "class_unique_per_policy",
            "UNIQUE (policy_id, class_of_service)",
            "A policy has one line per class of service.",
        ),
    ]

    policy_id = fields.Many2one(
        comodel_name="helpdesk.cos.policy",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    sequence = fields.Integer(compute="_compute_sequence", store=True, readonly=False)
    class_of_service = fields.Selection(
        selection=CLASSES_OF_SERVICE, string="Class", required=True
    )
    update_minutes = fields.Integer(
        string="Update every (minutes)",
        default=15,
        help="How often the customer gets an update while the ticket is open; the "
        "ACK and update emails promise the next one.",
    )
    priority = fields.Selection(
        selection=TICKET_PRIORITIES,
        required=True,
        default="1",
        help="The ticket priority (stars) a ticket of this class gets, unless an "
        "agent sets the priority by hand.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.policy_id._reclassify_open_tickets()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if {"priority", "class_of_service"} & set(vals):
            self.policy_id._reclassify_open_tickets()
        return res

    @api.constrains("update_minutes")
    def _check_update_minutes(self):
        for line in self:
            if line.update_minutes <= 0:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s, class %(cls)s: the update cadence must be "
                        "a positive number of minutes.",
                        policy=line.policy_id.display_name,
                        cls=line.class_of_service,
                    )
                )

    @api.depends("class_of_service")
    def _compute_sequence(self):
        order = [code for code, _label in CLASSES_OF_SERVICE]
        for line in self:
            line.sequence = (
                order.index(line.class_of_service) if line.class_of_service else 10
            )
