# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.numbers import check_whole_numbers
from ..tools.working_time import WorkingClock
from .helpdesk_cos_policy import CLASSES_OF_SERVICE, TICKET_PRIORITIES

SLA_TARGET_FIELDS = (
    "ack_minutes",
    "update_minutes",
    "escalation_minutes",
    "resolve_minutes",
)
# 100 days: more is a typo (and beyond what resource.calendar plans in working time)
MAX_SLA_MINUTES = 144_000


# update windows counted one by one on a working-hours clock (a year of a
# one-hour cadence): beyond, the count stops growing
MAX_WINDOWS_COUNTED = 2000


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
    ack_minutes = fields.Integer(
        string="ACK within (minutes)",
        default=15,
        help="From receipt to the acknowledgement email.",
    )
    update_minutes = fields.Integer(
        string="Update every (minutes)",
        default=15,
        help="How often the customer gets an update while the ticket is open; the "
        "ACK and update emails promise the next one.",
    )
    escalation_minutes = fields.Integer(
        string="Escalate within (minutes)",
        default=20,
        help="From the start of the investigation to the escalation to the Dev "
        "Team (met too when the fix comes without escalation).",
    )
    resolve_minutes = fields.Integer(
        string="Resolve within (minutes)",
        default=240,
        help="From receipt to the resolution email.",
    )
    working_hours = fields.Boolean(
        string="Working hours only",
        help="Count the targets in working time of the calendar below (holidays "
        "and leaves excluded). Unticked: around the clock.",
    )
    calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working hours",
        help="Empty: the company's working hours.",
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
        for vals in vals_list:
            self._check_line_vals(vals)
        lines = super().create(vals_list)
        lines.policy_id._clear_policy_cache()
        lines.policy_id._reclassify_open_tickets()
        return lines

    def write(self, vals):
        self._check_line_vals(vals)
        res = super().write(vals)
        if {"policy_id", "class_of_service"} & set(vals):
            self.policy_id._clear_policy_cache()
        if {
            "priority",
            "class_of_service",
            *SLA_TARGET_FIELDS,
            "working_hours",
            "calendar_id",
        } & set(vals):
            self.policy_id._reclassify_open_tickets()
        return res

    @api.constrains(
        "ack_minutes", "update_minutes", "escalation_minutes", "resolve_minutes"
    )
    def _check_sla_minutes(self):
        max_minutes = f"{MAX_SLA_MINUTES:,}"  # not in the call: babel evals f-strings
        for line in self:
            for fname in SLA_TARGET_FIELDS:
                if not 0 < line[fname] <= MAX_SLA_MINUTES:
                    raise ValidationError(
                        self.env._(
                            "Policy %(policy)s, class %(cls)s: '%(target)s' must be "
                            "between 1 and %(max)s minutes (100 days), not %(value)s.",
                            policy=line.policy_id.display_name,
                            cls=line.class_of_service,
                            target=line._fields[fname].get_description(self.env)[
                                "string"
                            ],
                            max=max_minutes,
                            value=line[fname],
                        )
                    )

    def _sla_calendar(self, company):
        return self.calendar_id or company.resource_calendar_id

    def _sla_add(self, start, minutes, company, clock=None):
        """`start` plus `minutes` on this class's clock (working time or 24/7).

        Working time comes from resource.calendar (its time zone, holidays and
        leaves); pass one WorkingClock for a batch of tickets.
        """
        self.ensure_one()
        calendar = self.working_hours and self._sla_calendar(company)
        if not calendar:
            return start + timedelta(minutes=minutes)
        return (clock or WorkingClock()).add(calendar, start, minutes)

    def _sla_windows_passed(self, deadline, now, company, clock=None):
        """How many update windows ended from `deadline` (the first missed one,
        counted) to `now`: after two hours without a scan, a 15-minute cadence
        missed 8 windows, flagged at once, not one per scan."""
        self.ensure_one()
        if deadline > now:
            return 0
        calendar = self.working_hours and self._sla_calendar(company)
        if not calendar:
            elapsed = (now - deadline).total_seconds()
            return 1 + int(elapsed // (self.update_minutes * 60))
        count, end = 0, deadline
        while end <= now and count < MAX_WINDOWS_COUNTED:
            count += 1
            end = self._sla_add(end, self.update_minutes, company, clock)
        return count

    def unlink(self):
        policies = self.policy_id
        res = super().unlink()
        policies._clear_policy_cache()
        return res

    def _check_line_vals(self, vals):
        check_whole_numbers(self, vals, SLA_TARGET_FIELDS)
        if "company_id" in vals and not self.env.su:
            # a related field: written, it would move the whole policy
            raise UserError(
                self.env._(
                    "A Class of Service line belongs to its policy's company: "
                    "change the company on the policy, not on one of its lines."
                )
            )

    @api.depends("class_of_service")
    def _compute_sequence(self):
        order = [code for code, _label in CLASSES_OF_SERVICE]
        for line in self:
            line.sequence = (
                order.index(line.class_of_service) if line.class_of_service else 10
            )
