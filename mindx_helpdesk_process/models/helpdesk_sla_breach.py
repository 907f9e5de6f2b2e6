# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL, format_datetime

from . import sla_rules
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

    # -- the scan: passed deadlines and tickets entering the at-risk window -------

    @api.model
    def _scan(self, batch_size=500):
        """Flag passed deadlines and tickets entering the at-risk window.

        Finds its work through the indexed sla_next_deadline / sla_at_risk_date
        columns of the tickets, one batch at a time with the rows locked (SKIP
        LOCKED: a second worker takes other tickets), and reports progress so that
        Odoo's cron runner commits and calls again while work remains.
        """
        now = fields.Datetime.now()
        due = self._lock_tickets(
            SQL("sla_next_deadline <= %s", now), batch_size, "sla_next_deadline"
        )
        self._flag(due, now)
        at_risk = self._lock_tickets(
            SQL("sla_at_risk_date <= %s AND sla_status = 'on_track'", now),
            batch_size,
            "sla_at_risk_date",
        )
        self._flag_at_risk(at_risk)
        # more may be due only when the batch came back full; else no count (with
        # LIMIT 1 and nothing due, PostgreSQL may read the whole table to say 0)
        remaining = len(due) >= batch_size and self.env["helpdesk.ticket"].search_count(
            [("sla_next_deadline", "<=", now)], limit=1
        )
        self.env["ir.cron"]._notify_progress(
            done=len(due) + len(at_risk), remaining=remaining
        )
        return due | at_risk

    @api.model
    def _lock_tickets(self, condition, limit, order="id"):
        """Lock up to `limit` tickets matching `condition`; skip those busy.

        Tickets come in the order of `order`, the indexed column that `condition`
        bounds: PostgreSQL then reads that index's range and stops at `limit`,
        whatever its statistics say (ordered by id, it may instead walk the primary
        key through the whole table).

        SKIP LOCKED leaves the tickets an agent's transaction holds to the next
        run. A ticket changed and committed since this transaction's snapshot
        cannot be locked at all (REPEATABLE READ: serialization failure) and crons
        are not retried, so the whole run would fail: then each ticket is locked
        on its own and those that fail are left to the next run too.
        """
        self.env.flush_all()
        if not self.env.su:
            # a manager's "Flag now": their companies only, else another company's
            # earlier deadlines could fill the batch and be locked for nothing
            condition = SQL(
                "%s AND (company_id IS NULL OR company_id = ANY(%s))",
                condition,
                self.env.companies.ids,
            )
        query = SQL(
            "SELECT id FROM helpdesk_ticket WHERE %s ORDER BY %s, id LIMIT %s "
            "FOR NO KEY UPDATE SKIP LOCKED",
            condition,
            SQL.identifier(order),
            limit,
        )
        try:
            rows = self._lock_query(query)
        except SerializationFailure:
            rows = []
            candidates = self.env.execute_query(
                SQL(
                    "SELECT id FROM helpdesk_ticket WHERE %s ORDER BY %s, id LIMIT %s",
                    condition,
                    SQL.identifier(order),
                    limit,
                )
            )
            for (ticket_id,) in candidates:
                try:
                    rows += self._lock_query(
                        SQL(
                            "SELECT id FROM helpdesk_ticket WHERE id = %s "
                            "FOR NO KEY UPDATE SKIP LOCKED",
                            ticket_id,
                        )
                    )
                except SerializationFailure:
                    continue
        # the cron (superuser) scans every company; a manager's "Flag now" only the
        # tickets they may change, not another company's they cannot even read
        tickets = self.env["helpdesk.ticket"].browse([row[0] for row in rows])
        return tickets._filtered_access("write")

    @api.model
    def _lock_query(self, query):
        """Run a locking query in a savepoint: its failure leaves the run usable."""
        with self.env.cr.savepoint(flush=False):
            self.env.cr.execute(query, log_exceptions=False)
            return self.env.cr.fetchall()

    @api.model
    def _flag(self, tickets, now):
        """One open breach per ticket and kind, however long it stays missed.

        A passed deadline opens a breach (note, activity, the leader's email
        for Expedite) unless one of its kind is open: then a missed update
        window is counted on it, nothing more is posted. After a downtime, each
        overdue kind is flagged once, with its real lateness and every update
        window missed meanwhile.
        """
        # sudo: the breach log and the SLA bookkeeping are the process's record,
        # also when a manager runs the scan ("Flag now")
        breach_log = self.sudo()
        open_breaches = {
            (breach.ticket_id.id, breach.kind): breach
            for breach in breach_log.search(
                [("ticket_id", "in", tickets.ids), ("done_date", "=", False)]
            )
        }
        to_create, passed = [], []
        for ticket in tickets:
            for kind, deadline, windows in self._passed_deadlines(ticket, now):
                passed.append((ticket, kind, windows))
                if (ticket.id, kind) not in open_breaches:
                    to_create.append((ticket, kind, deadline, windows))
        breaches = breach_log.create(
            [
                {
                    "ticket_id": t.id,
                    "kind": k,
                    "deadline": d,
                    "detected_date": now,
                    "windows_missed": w,
                }
                for t, k, d, w in to_create
            ]
        )
        self._mark_flagged(passed)
        for ticket, kind, _windows in passed:
            counting = open_breaches.get((ticket.id, kind))
            if counting and kind == "update":
                counting.windows_missed = ticket.sla_update_missed
        breaches.with_env(self.env)._announce()
        tickets._sla_refresh_status(now)
        return breaches

    @api.model
    def _passed_deadlines(self, ticket, now):
        """(kind, deadline, windows missed) of each deadline of `ticket` passed at
        `now` and not flagged yet."""
        passed = []
        for kind in sla_rules.KINDS:
            deadline = ticket[kind.deadline_field]
            flag = kind.flag_field
            if not deadline or deadline > now or (flag and ticket[flag]):
                continue
            if not flag:  # counted in windows until the step answers it
                line = ticket.cos_policy_id._line_for(ticket.class_of_service)
                company = ticket.company_id or self.env.company
                windows = line._sla_windows_passed(deadline, now, company)
                passed.append((kind.code, deadline, windows))
            elif sla_rules.still_pending(ticket, kind):
                passed.append((kind.code, deadline, 1))
        return passed

    @api.model
    def _mark_flagged(self, passed):
        """The tickets remember what was flagged: the scan does not flag it
        again, the deadlines move past it (update windows missed)."""
        for ticket, kind, windows in passed:
            values = {"sla_breached": True}
            if kind == "update":
                values["sla_update_missed"] = ticket.sla_update_missed + windows
            else:
                values[sla_rules.BY_CODE[kind].flag_field] = True
            # sudo: the SLA bookkeeping is the process's (_check_process_record)
            ticket.sudo().write(values)

    @api.model
    def _close_answered(self, tickets, step):
        """A step done closes the open breaches (and their activities) it answers."""
        kinds = sla_rules.CLOSED_BY_STEP.get(step, ())
        self._close_open(
            tickets,
            kinds,
            lambda env: env._("Done: %(step)s", step=tickets._process_step_label(step)),
        )

    @api.model
    def _close_cancelled(self, tickets):
        """A cancelled ticket (spam, a duplicate, a withdrawn request) owes no
        step: its open breaches and their activities are closed, not left to
        the agents' to-do lists."""
        self._close_open(
            tickets,
            [code for code, _label in sla_rules.KIND_SELECTION],
            lambda env: env._("The ticket was cancelled."),
        )

    @api.model
    def _close_open(self, tickets, kinds, feedback):
        # sudo: whoever may do the step (or cancel) closes the breaches, even
        # where the breach log's rules (another team's ticket) hide them
        breaches = tickets.sudo().sla_breach_ids.filtered(
            lambda b: b.kind in kinds and not b.done_date
        )
        if breaches:
            breaches.write(
                {"done_date": fields.Datetime.now(), "done_user_id": self.env.uid}
            )
            breaches.activity_id.with_env(self.env).action_feedback(
                feedback=feedback(self.env)
            )

    def _announce(self):
        """Internal note, activity for the assignee (else team leader), and for
        Expedite an email to the team leader, for each of these new breaches.

        The scan flags up to a batch of tickets at a time: the notes are logged,
        the activities and the emails created in one go, not one by one.
        """
        notes = {}  # ticket: its notes, one per breach
        activities = []  # (breach, ticket, user, summary, note)
        emails = []
        for breach in self:
            ticket = breach.ticket_id
            user = ticket._process_handler()
            note, summary = breach._texts_for(user)
            notes.setdefault(ticket, []).append(note)
            if user:
                activities.append((breach, ticket, user, summary, note))
            leader = ticket.team_id.user_id
            if ticket.class_of_service == "expedite" and leader.email:
                if leader != user:
                    note, _summary = breach._texts_for(leader)
                emails.append(breach._leader_email(leader, note))
        Ticket = self.env["helpdesk.ticket"]
        while notes:
            # internal notes (comment + mt_note, as _process_log_note posts them),
            # one INSERT per round: a ticket with two breaches gets two notes
            Ticket.browse([ticket.id for ticket in notes])._message_log_batch(
                {ticket.id: texts.pop(0) for ticket, texts in notes.items()},
                message_type="comment",
            )
            notes = {ticket: texts for ticket, texts in notes.items() if texts}
        created = self.env["mail.activity"]._mindx_schedule_batch(
            "mail.mail_activity_data_warning",
            [
                (ticket, user, summary, note)
                for _b, ticket, user, summary, note in activities
            ],
        )
        for (breach, *_values), activity in zip(activities, created, strict=False):
            breach.sudo().activity_id = activity
        if emails:
            # sudo: the scan runs as whoever triggers it; creating the outgoing
            # notice to the team leader is the system's doing
            self.env["mail.mail"].sudo().create(emails)

    def _leader_email(self, leader, note):
        """The Expedite breach's email to the team leader (an automatic one)."""
        ticket = self.ticket_id
        return {
            "subject": f"[{ticket.number}] {note}",
            "body_html": Markup("<p>{}</p><p>{}</p>").format(note, ticket.name),
            "email_to": leader.email_formatted,
            "model": ticket._name,
            "res_id": ticket.id,
            # no subtype: mail_autogenerated_header marks it Auto-Submitted
        }

    @api.model
    def _reader_env(self, ticket, user):
        """The language and time zone of an SLA notice: its reader's.

        The scan runs as OdooBot (English, UTC): a Ho Chi Minh team read its
        deadlines seven hours off. Without an assignee, the company's working time
        zone.
        """
        tz = (
            user.tz
            or (ticket.company_id or self.env.company).resource_calendar_id.tz
            or self.env.context.get("tz")
        )
        return self.with_context(lang=user.lang or self.env.lang, tz=tz).env

    @api.model
    def _when(self, env, value):
        """A deadline as the reader of `env` (_reader_env) reads it."""
        return format_datetime(env, value, tz=env.context.get("tz"), dt_format="short")

    def _texts_for(self, user):
        """(note, activity summary) of this breach, for `user` to read."""
        self.ensure_one()
        env = self._reader_env(self.ticket_id, user)
        kind = self.with_env(env)._kind_label()
        note = env._(
            "SLA breached: %(kind)s was due at %(deadline)s.",
            kind=kind,
            deadline=self._when(env, self.deadline),
        )
        return note, env._("SLA breached: %(kind)s", kind=kind)

    @api.model
    def _flag_at_risk(self, tickets):
        """One activity for each ticket entering the at-risk window."""
        items = []
        for ticket in tickets:
            user = ticket._process_handler()
            if user:
                env = self._reader_env(ticket, user)
                note = env._(
                    "Most of the time allowed is used: the next SLA deadline is "
                    "%(deadline)s.",
                    deadline=self._when(env, ticket.sla_next_deadline),
                )
                items.append((ticket, user, env._("SLA at risk"), note))
        self.env["mail.activity"]._mindx_schedule_batch(
            "mail.mail_activity_data_todo", items
        )
        # sudo: the SLA bookkeeping is the process's (_check_process_record)
        tickets.sudo().write({"sla_status": "at_risk"})
