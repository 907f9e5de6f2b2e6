# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .helpdesk_cos_policy import CLASSES_OF_SERVICE
from .sla_rules import KIND_SELECTION


class HelpdeskSlaBreach(models.Model):
    """A missed SLA deadline of a ticket, found by the breach scan, open until
    the step that answers it is done.

    At most one open breach per ticket and kind (a unique index): one note, one
    activity and one email per problem, however often the scan runs and however
    many update windows the customer waits through (counted on the breach).
    """

    _name = "helpdesk.sla.breach"
    _description = "Helpdesk SLA Breach"
    _order = "detected_date desc, id desc"
    _sql_constraints = [
        (
            "breach_unique",
            "UNIQUE (ticket_id, kind, deadline)",
            "This deadline of this ticket is already flagged.",
        ),
    ]

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(selection=KIND_SELECTION, required=True, index=True)
    deadline = fields.Datetime(required=True)
    detected_date = fields.Datetime(
        string="Detected at", required=True, default=fields.Datetime.now
    )
    minutes_late = fields.Integer(
        compute="_compute_minutes_late",
        store=True,
        aggregator="avg",
        help="Between the deadline and the detection.",
    )
    windows_missed = fields.Integer(
        string="Updates missed",
        default=1,
        aggregator="sum",
        help="For an update breach: the update windows missed while it was open "
        "(one record however long the customer waits). 1 for the other kinds.",
    )
    done_date = fields.Datetime(string="Step done on", readonly=True)
    done_user_id = fields.Many2one(
        comodel_name="res.users", string="Step done by", readonly=True
    )
    activity_id = fields.Many2one(comodel_name="mail.activity", ondelete="set null")
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    team_id = fields.Many2one(related="ticket_id.team_id", store=True)
    user_id = fields.Many2one(
        related="ticket_id.user_id", string="Assigned user", store=True
    )
    class_of_service = fields.Selection(
        selection=CLASSES_OF_SERVICE,
        compute="_compute_class_of_service",
        store=True,
        help="The ticket's class when the breach was found.",
    )

    def init(self):
        res = super().init()
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS helpdesk_sla_breach_one_open_per_kind "
            "ON helpdesk_sla_breach (ticket_id, kind) WHERE done_date IS NULL"
        )
        return res

    @api.depends("deadline", "detected_date")
    def _compute_minutes_late(self):
        for breach in self:
            delta = breach.detected_date - breach.deadline
            breach.minutes_late = max(0, round(delta.total_seconds() / 60))

    @api.depends("ticket_id")
    def _compute_class_of_service(self):
        for breach in self:
            breach.class_of_service = breach.ticket_id.class_of_service

    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for breach in self:
            breach.display_name = f"{breach.ticket_id.number} - {labels[breach.kind]}"

    def _kind_label(self):
        self.ensure_one()
        return dict(self._fields["kind"]._description_selection(self.env))[self.kind]
