# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.helpdesk_cos_policy import CLASSES_OF_SERVICE
from ..models.process_rules import PROCESS_ROLES
from . import analysis_data

# measures whose aggregate is not the field's own function over the rows:
# on-time rates weighted by what was due, and percentiles of a duration
RATES = {
    "ack_rate": ("ack_met", "ack_due"),
    "update_rate": ("update_met", "update_due"),
    "resolve_rate": ("resolve_met", "resolve_due"),
    "satisfaction_rate": ("rating_positive", "rating_count"),
}
PERCENTILES = {
    "ack_minutes_median": ("ack_minutes", 0.5),
    "ack_minutes_p90": ("ack_minutes", 0.9),
    "resolve_minutes_median": ("resolve_minutes", 0.5),
    "resolve_minutes_p90": ("resolve_minutes", 0.9),
}


class MeasuredFloat(fields.Float):
    """A float that reads empty, not 0, when nothing was measured yet.

    The view leaves a rate or a duration NULL until there is something to measure
    (no deadline behind us yet, no ACK yet): averages skip it, and the list, the
    form and exports show it empty. An ordinary Float reads NULL as 0.0, which
    would say "0 % on time" or "acknowledged in 0 minutes".
    """

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_cache(value, record, validate=validate)

    def convert_to_record(self, value, record):
        return False if value is None else value

    def convert_to_export(self, value, record):
        return "" if value is None or value is False else value


class HelpdeskProcessAnalysis(models.Model):
    """How each ticket did against its targets, one row per ticket.

    A deadline counts once it is behind us: answered (on time or late) or passed
    without an answer, so open tickets still within their targets do not lower
    the rates. Updates are counted per deadline: each update sent answers one,
    each update window missed that no update answered (an update breach counts
    them) is one more late.
    """

    _name = "helpdesk.process.analysis"
    _description = "Helpdesk Process Compliance Analysis"
    _auto = False
    _rec_name = "ticket_id"
    _order = "received_date desc"

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    stage_id = fields.Many2one("helpdesk.ticket.stage", readonly=True)
    process_role = fields.Selection(PROCESS_ROLES, readonly=True)
    class_of_service = fields.Selection(CLASSES_OF_SERVICE, readonly=True)
    received_date = fields.Datetime(string="Received", readonly=True)
    ack_due = fields.Integer(string="ACK deadlines", readonly=True)
    ack_met = fields.Integer(string="ACK on time", readonly=True)
    ack_rate = MeasuredFloat(
        string="% ACK on time", aggregator="avg", readonly=True, digits=(16, 1)
    )
    update_due = fields.Integer(string="Update deadlines", readonly=True)
    update_met = fields.Integer(string="Updates on time", readonly=True)
    update_rate = MeasuredFloat(
        string="% updates on time", aggregator="avg", readonly=True, digits=(16, 1)
    )
    resolve_due = fields.Integer(string="Resolution deadlines", readonly=True)
    resolve_met = fields.Integer(string="Resolved on time", readonly=True)
    resolve_rate = MeasuredFloat(
        string="% resolved on time", aggregator="avg", readonly=True, digits=(16, 1)
    )
    ack_minutes = MeasuredFloat(
        string="Time to ACK (minutes)", aggregator="avg", readonly=True
    )
    ack_minutes_median = MeasuredFloat(
        string="Median time to ACK (minutes)", aggregator="avg", readonly=True
    )
    ack_minutes_p90 = MeasuredFloat(
        string="P90 time to ACK (minutes)", aggregator="avg", readonly=True
    )
    resolve_minutes = MeasuredFloat(
        string="Time to resolve (minutes)", aggregator="avg", readonly=True
    )
    resolve_minutes_median = MeasuredFloat(
        string="Median time to resolve (minutes)", aggregator="avg", readonly=True
    )
    resolve_minutes_p90 = MeasuredFloat(
        string="P90 time to resolve (minutes)", aggregator="avg", readonly=True
    )
    breach_count = fields.Integer(string="Breaches", readonly=True)
    breach_ack_count = fields.Integer(string="ACK breaches", readonly=True)
    breach_update_count = fields.Integer(string="Update breaches", readonly=True)
    breach_escalation_count = fields.Integer(
        string="Escalation breaches", readonly=True
    )
    breach_resolve_count = fields.Integer(string="Resolution breaches", readonly=True)
    rating_count = fields.Integer(
        string="Ratings",
        readonly=True,
        help="Satisfaction ratings the customer gave (one click on a face of the "
        "closure email's rating request).",
    )
    rating_positive = fields.Integer(
        string="Satisfied ratings",
        readonly=True,
        help="Ratings with the happy face (Satisfied, 5).",
    )
    satisfaction_rate = MeasuredFloat(
        string="% satisfied",
        aggregator="avg",
        readonly=True,
        digits=(16, 1),
        help="Share of the ratings that are Satisfied (the happy face, 5); Okay "
        "(3) and Not satisfied (1) are not. Empty while no customer has rated.",
    )

    @property
    def _table_query(self):
        """The stored rows (helpdesk_process_analysis_data, one a ticket), and
        what depends on the time of reading: which deadlines are behind us."""
        return SQL(
            """
            SELECT
                t.ticket_id AS id, t.ticket_id, t.company_id, t.team_id,
                t.user_id, t.partner_id, t.stage_id, t.process_role,
                t.class_of_service, t.received_date,
                d.ack_due, t.ack_met,
                CASE WHEN d.ack_due = 1 THEN 100.0 * t.ack_met END AS ack_rate,
                d.update_due, t.update_met,
                CASE WHEN d.update_due > 0
                    THEN 100.0 * t.update_met / d.update_due END AS update_rate,
                d.resolve_due, t.resolve_met,
                CASE WHEN d.resolve_due = 1
                    THEN 100.0 * t.resolve_met END AS resolve_rate,
                t.ack_minutes, t.ack_minutes AS ack_minutes_median,
                t.ack_minutes AS ack_minutes_p90,
                t.resolve_minutes, t.resolve_minutes AS resolve_minutes_median,
                t.resolve_minutes AS resolve_minutes_p90,
                t.breach_count, t.breach_ack_count, t.breach_update_count,
                t.breach_escalation_count, t.breach_resolve_count,
                t.rating_count, t.rating_positive,
                CASE WHEN t.rating_count > 0
                    THEN 100.0 * t.rating_positive / t.rating_count END
                    AS satisfaction_rate
            FROM %(data)s t
            CROSS JOIN LATERAL (%(figures)s) d
            """,
            data=SQL.identifier(analysis_data.TABLE),
            figures=self._figures_query(),
        )

    def _figures_query(self):
        """Per ticket: which deadlines count yet (met or not, and the durations,
        are stored: they do not change with the time of reading)."""
        return SQL(
            """
            SELECT
                CASE WHEN t.sla_ack_deadline IS NOT NULL AND (
                    t.ack_date IS NOT NULL OR (
                        t.sla_ack_deadline <= %(now)s
                        AND t.process_role IS DISTINCT FROM 'cancelled'))
                THEN 1 ELSE 0 END AS ack_due,
                t.update_answered + t.update_unanswered AS update_due,
                CASE WHEN t.sla_resolve_deadline IS NOT NULL AND (
                    t.resolution_date IS NOT NULL OR (
                        t.sla_resolve_deadline <= %(now)s
                        AND t.process_role IS DISTINCT FROM 'cancelled'))
                THEN 1 ELSE 0 END AS resolve_due
            """,
            # the transaction's time, as the ORM reads it (cr.now(): frozen
            # with the clock in tests, like the deadlines written in Python)
            now=self.env.cr.now(),
        )

    def init(self):
        """The stored rows, their triggers, and all of them computed again
        (after an upgrade, the rows follow the code that computes them)."""
        analysis_data.install(self.env.cr)

    def _read_group_select(self, aggregate_spec, query):
        fname, __, func = models.parse_read_group_spec(aggregate_spec)
        if func == "avg" and fname in RATES:
            met, due = RATES[fname]
            return SQL(
                "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, met, query),
                self._field_to_sql(self._table, due, query),
            )
        if func == "avg" and fname in PERCENTILES:
            source, fraction = PERCENTILES[fname]
            return SQL(
                "PERCENTILE_CONT(%s) WITHIN GROUP (ORDER BY %s)",
                fraction,
                self._field_to_sql(self._table, source, query),
            )
        return super()._read_group_select(aggregate_spec, query)
