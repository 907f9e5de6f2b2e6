# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SLA of a ticket: its deadlines from its class's targets (sla_rules, one
row per kind), its status, the pause, and the managers' SLA actions. The breach
scan reads tickets from helpdesk.sla.breach; tickets never drive it."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index

from ...tools.working_time import WorkingClock, minutes_between
from .. import sla_rules


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    next_update_due = fields.Datetime(
        compute="_compute_next_update_due",
        # compute_sudo: promised to the customer; read from the policy's cadence
        compute_sudo=True,
        help="When the customer expects the next update, from the class's update "
        "cadence.",
    )
    # -- SLA: deadlines (recomputed on events), status (also moved by the cron) --
    sla_ack_deadline = fields.Datetime(
        string="ACK due", compute="_compute_sla_deadlines", store=True, index=True
    )
    sla_update_deadline = fields.Datetime(
        string="Next update due",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
    )
    sla_escalation_deadline = fields.Datetime(
        string="Escalation due",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
    )
    sla_resolve_deadline = fields.Datetime(
        string="Resolution due",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
    )
    sla_next_deadline = fields.Datetime(
        string="Next SLA deadline",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
        help="The earliest deadline still pending: the breach scan looks here.",
    )
    sla_next_kind = fields.Selection(
        selection=sla_rules.KIND_SELECTION,
        string="Next deadline for",
        compute="_compute_sla_deadlines",
        store=True,
        help="What the next SLA deadline is for (ACK, update, escalation, "
        "resolution): the countdown on cards and lists names it.",
    )
    sla_due_soon = fields.Boolean(
        string="Due soon or overdue",
        compute="_compute_sla_due_soon",
        search="_search_sla_due_soon",
        help="The next SLA deadline is within the hour, or passed.",
    )
    sla_at_risk_date = fields.Datetime(
        string="At risk from",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
    )
    sla_status = fields.Selection(
        selection=[
            ("on_track", "On track"),
            ("at_risk", "At risk"),
            ("breached", "Breached"),
            ("met", "Met"),
        ],
        string="SLA",
        default="on_track",
        index=True,
        readonly=True,
        copy=False,
    )
    sla_breached = fields.Boolean(string="SLA breached", readonly=True, copy=False)
    # kinds already flagged: the scan no longer looks at their deadline
    sla_ack_flagged = fields.Boolean(readonly=True, copy=False)
    sla_escalation_flagged = fields.Boolean(readonly=True, copy=False)
    sla_resolve_flagged = fields.Boolean(readonly=True, copy=False)
    sla_update_missed = fields.Integer(
        string="Updates missed in a row",
        readonly=True,
        copy=False,
        help="Update deadlines flagged since the last customer update; the next "
        "one is due one cadence after the last missed one.",
    )
    sla_update_promised = fields.Datetime(
        string="Next update promised",
        readonly=True,
        copy=False,
        help="The next update the last ACK or update email promised the customer: "
        "the update deadline.",
    )
    sla_paused_minutes = fields.Integer(readonly=True, copy=False)
    sla_pause_start = fields.Datetime(readonly=True, copy=False)
    sla_breach_ids = fields.One2many(
        comodel_name="helpdesk.sla.breach",
        inverse_name="ticket_id",
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    # stored: the form's stat button reads it at every opening (a count query
    # per form otherwise); the scan that adds breaches writes the ticket anyway
    # (_mark_flagged), and a new ticket's breaches are known to be none.
    # compute_sudo: the count shows on the form of whoever reads the ticket
    sla_breach_count = fields.Integer(
        compute="_compute_sla_breach_count", store=True, compute_sudo=True
    )

    @api.depends(
        "sla_update_deadline", "cos_policy_id", "class_of_service", "process_role"
    )
    @api.depends_context("mindx_update_promise")
    def _compute_next_update_due(self):
        """The update the customer is promised: the SLA's update deadline, or, in
        the ACK or update email being written, the one that email promises (the
        composer puts it in the context: mail_compose_message); before the ACK, one
        cadence from now. None once the ticket is resolved, closed or cancelled
        (the updates are over)."""
        promise = fields.Datetime.to_datetime(
            self.env.context.get("mindx_update_promise")
        )
        for ticket in self:
            if ticket.process_role in ("resolved", "closed", "cancelled"):
                ticket.next_update_due = False
            elif promise:
                ticket.next_update_due = promise
            elif ticket.sla_update_deadline:
                ticket.next_update_due = ticket.sla_update_deadline
            else:
                ticket.next_update_due = ticket._sla_update_promise(
                    fields.Datetime.now()
                )

    def _sla_update_promise(self, sent):
        """The next update an ACK or update email sent at `sent` promises: one
        cadence of the class later, on its clock (working hours or 24/7)."""
        self.ensure_one()
        line = self.cos_policy_id._line_for(self.class_of_service)
        if not line:
            return False
        company = self.company_id or self.env.company
        return line._sla_add(sent, line.update_minutes, company)

    @api.depends(
        "received_date",
        "class_of_service",
        "cos_policy_id",
        "stage_id",
        "ack_date",
        "last_update_date",
        "investigation_date",
        "escalation_date",
        "dev_response_date",
        "resolution_date",
        "sla_update_missed",
        "sla_update_promised",
        "sla_paused_minutes",
        "sla_pause_start",
        "sla_ack_flagged",
        "sla_escalation_flagged",
        "sla_resolve_flagged",
    )
    def _compute_sla_deadlines(self):
        clock = WorkingClock()
        for ticket in self:
            ticket.update(ticket._sla_deadline_values(clock))

    def _compute_sla_due_soon(self):
        soon = fields.Datetime.now() + sla_rules.DUE_SOON
        for ticket in self:
            deadline = ticket.sla_next_deadline
            ticket.sla_due_soon = bool(deadline and deadline <= soon)

    def _search_sla_due_soon(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search 'Due soon or overdue' with = or !=."))
        domain = [
            ("sla_next_deadline", "<=", fields.Datetime.now() + sla_rules.DUE_SOON)
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("sla_breach_ids")
    def _compute_sla_breach_count(self):
        for ticket in self:
            ticket.sla_breach_count = len(ticket.sla_breach_ids)

    def init(self):
        res = super().init()
        # the breach scan's at-risk query: breached tickets keep their past at-risk
        # date, only those on track can enter the window
        create_index(
            self.env.cr,
            indexname="helpdesk_ticket_sla_at_risk_on_track_index",
            tablename=self._table,
            expressions=["sla_at_risk_date"],
            where="sla_status = 'on_track'",
        )
        return res

    def _sla_mark_passed_before_install(self):
        """Deadlines that passed before the addon existed: breached, not announced.

        The team did not work under these targets yet. The tickets show as breached
        (they are, by the class's targets) but the first scan must not open a note
        and an activity on every old open ticket (most of them, in a helpdesk in
        use): their deadlines are marked as already flagged.
        """
        now = fields.Datetime.now()
        self.flush_recordset()
        by_flags = {}
        for ticket in self:
            if ticket.process_role in ("closed", "cancelled"):
                continue  # done before the targets existed: nothing pending
            flags = tuple(
                kind.flag_field
                for kind in sla_rules.KINDS
                if kind.flag_field
                and ticket[kind.deadline_field]
                and ticket[kind.deadline_field] <= now
                and sla_rules.still_pending(ticket, kind)
            )
            if flags:
                by_flags.setdefault(flags, []).append(ticket.id)
        for flags, ids in by_flags.items():
            values = dict.fromkeys(flags, True)
            values.update(sla_breached=True, sla_status="breached")
            self.browse(ids).write(values)

    def _sla_deadline_values(self, clock):
        """Every deadline of the ticket (one per sla_rules kind), the earliest one
        still watched, and when the ticket gets at risk (a share of the pending
        targets' time used)."""
        self.ensure_one()
        values = dict.fromkeys(sla_rules.DEADLINE_FIELDS, False)
        line = self.cos_policy_id._line_for(self.class_of_service)
        if not line or not self.received_date:
            return values
        company = self.company_id or self.env.company
        # a closed or cancelled ticket waits for no step: nothing is pending
        stopped = self.stage_id.process_role in ("closed", "cancelled")
        pending = []  # (deadline, start, target minutes, kind)
        for kind in sla_rules.KINDS:
            window = self._sla_window(kind, line, company, clock)
            if not window:
                continue
            values[kind.deadline_field] = window[0]
            windowed = kind.start_field is None  # pending as long as it exists
            if windowed or (not stopped and sla_rules.still_pending(self, kind)):
                pending.append((*window, kind))
        watched = [
            p for p in pending if not (p[3].flag_field and self[p[3].flag_field])
        ]
        first = min(watched, key=lambda p: p[0], default=None)
        if first:
            values["sla_next_deadline"], values["sla_next_kind"] = (
                first[0],
                first[3].code,
            )
        ratio = self.cos_policy_id._sla_at_risk_ratio()
        values["sla_at_risk_date"] = min(
            (
                line._sla_add(start, minutes * ratio, company, clock)
                for _deadline, start, minutes, _kind in pending
            ),
            default=False,
        )
        return values

    def _sla_window(self, kind, line, company, clock):
        """(deadline, start, target minutes) of `kind` for this ticket, or None
        when its clock has not started (or is paused)."""
        minutes = line[kind.target_field]
        if kind.start_field is None:
            role = self.stage_id.process_role or "new"
            if not self.ack_date or role not in sla_rules.UPDATE_ROLES:
                return None
            return (*self._sla_update_window(line, company, clock), minutes)
        start = self[kind.start_field]
        if not start or (kind.pausable and self.sla_pause_start):
            return None
        if kind.pausable:
            minutes += self.sla_paused_minutes
        return line._sla_add(start, minutes, company, clock), start, minutes

    def _sla_update_window(self, line, company, clock):
        """(deadline, start) of the update window the ticket is in.

        The first deadline is the one the last ACK or update email promised;
        each window missed since (sla_update_missed, counted by the scan) adds
        one cadence.
        """
        base = self.last_update_date or self.ack_date
        first = self.sla_update_promised or line._sla_add(
            base, line.update_minutes, company, clock
        )
        missed = self.sla_update_missed
        if not missed:
            return first, base
        minutes = line.update_minutes
        return (
            line._sla_add(first, minutes * missed, company, clock),
            line._sla_add(first, minutes * (missed - 1), company, clock),
        )

    def _sla_refresh_status(self, now=None):
        """Put each ticket's SLA status in line with its deadlines at `now`."""
        now = now or fields.Datetime.now()
        by_status = {}
        for ticket in self:
            role = ticket.process_role
            if role == "cancelled":
                status = False  # no service was owed: neither met nor breached
            elif ticket.sla_breached:
                status = "breached"
            elif role in ("resolved", "closed") or (
                ticket.resolution_date and not ticket.sla_at_risk_date
            ):
                status = "met"  # final: finished work is never on track
            elif ticket.sla_at_risk_date and ticket.sla_at_risk_date <= now:
                status = "at_risk"
            else:
                status = "on_track"
            if status != ticket.sla_status:
                by_status.setdefault(status, self.browse())
                by_status[status] |= ticket
        for status, tickets in by_status.items():
            # sudo: the SLA bookkeeping is the process's (_check_process_record)
            tickets.sudo().write({"sla_status": status})

    def _sla_on_stage_change(self, stage):
        """Stop the resolution clock in pause stages, restart it when leaving;
        a cancelled ticket's open breaches are closed."""
        if stage.process_role == "cancelled":
            self.env["helpdesk.sla.breach"]._close_cancelled(self)
        now = fields.Datetime.now()
        for ticket in self:
            pausing = ticket.cos_policy_id._sla_pauses_in(stage)
            # sudo: the SLA bookkeeping is the process's (_check_process_record)
            if pausing and not ticket.sla_pause_start:
                ticket.sudo().sla_pause_start = now
            elif not pausing and ticket.sla_pause_start:
                ticket.sudo().write(
                    {
                        "sla_paused_minutes": ticket.sla_paused_minutes
                        + ticket._sla_minutes_between(ticket.sla_pause_start, now),
                        "sla_pause_start": False,
                    }
                )

    def _sla_minutes_between(self, start, end):
        """Minutes between two moments on the ticket's clock (working time or not)."""
        line = self.cos_policy_id._line_for(self.class_of_service)
        company = self.company_id or self.env.company
        return minutes_between(
            line.working_hours and line._sla_calendar(company), start, end
        )

    @api.model
    def _cron_flag_sla_breaches(self, batch_size=500):
        """The scheduled action "flag SLA breaches" (its code names this model):
        the scan itself is the breach log's (helpdesk.sla.breach._scan)."""
        return self.env["helpdesk.sla.breach"]._scan(batch_size)

    def action_sla_flag_now(self):
        """Server action for managers: run the breach scan now."""
        self._check_sla_manager()
        self._cron_flag_sla_breaches()

    def action_sla_recompute(self):
        """Server action for managers: recompute the deadlines of these tickets."""
        self._check_sla_manager()
        # the action's records come from the client: only tickets the manager may
        # change (their companies), as for the scan below
        self.check_access("write")
        for fname in sla_rules.DEADLINE_FIELDS:
            self.env.add_to_compute(self._fields[fname], self)
        self.flush_recordset()
        self._sla_refresh_status()

    def _check_sla_manager(self):
        if not self.env.user.has_group("helpdesk_mgmt.group_helpdesk_manager"):
            raise UserError(
                self.env._("Only helpdesk managers can run the SLA actions.")
            )
