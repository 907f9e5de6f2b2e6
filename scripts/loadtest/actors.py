"""Who loads the hosts: agents, customers' emails, a manager, the crons' clock.

Each actor is a thread that works while the run's `Floor` is open, waits with
think times between its actions, and stops by itself when the run ends. What an
agent does is what the web client posts for it (kanban and list loads, form
opens with the chatter, the step dialogs and composers, stage drags); what the
actors did that must leave a trace in the database is kept in the `Ledger` that
the invariants compare the database with.
"""

import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from email.utils import formatdate

from .client import AMBIGUOUS, Browser, RequestFailed, xmlrpc_call

KANBAN_FIELDS = ["number", "name", "priority", "kanban_state"]
MINDX_KANBAN_FIELDS = ["class_of_service", "sla_status", "sla_next_deadline"]
FORM_FIELDS = ["description", "team_id", "create_date", "channel_id", "tag_ids"]
MINDX_FORM_FIELDS = [
    "process_next_step",
    "process_checklist_html",
    "users_affected",
    "sla_breach_count",
    "sla_ack_deadline",
    "process_role",
]
# what each internal step's dialog is filled with (its required inputs)
DIALOG_TEXT = {
    "assess": {"assessment_note": "Class blocked, students cannot submit."},
    "investigate": {
        "investigation_findings": "Slow queries on submissions.",
        "investigation_decision": "Escalate to the Dev Team.",
    },
    "escalate": {
        "investigation_findings": "Slow queries on submissions.",
        "escalation_request": "Please add an index on submissions.",
    },
    "dev_response": {
        "root_cause": "Missing index.",
        "resolution_summary": "Index added.",
    },
    "confirm": {"customer_confirmation": "The teacher confirms it works."},
    "summary": {"lessons_learned": "Watch the slow query log."},
}
CUSTOMER_STEPS = ("ack", "update", "resolve", "close")
STEPS = ("assess", "ack", "investigate", "escalate", "update", "dev_response")
STEPS += ("resolve", "confirm", "close", "summary")
FORWARD = ("new", "in_progress", "waiting", "resolved", "closed")


def _spec(names, relational=()):
    spec = {name: {} for name in names}
    for name in relational:
        spec[name] = {"fields": {"display_name": {}}}
    return spec


class Floor:
    """The run's switch: actors work while it is open; `quiesce` closes it and
    waits until no actor is inside a request (the invariants then read a
    database no request of theirs is still writing)."""

    def __init__(self):
        self.open = threading.Event()
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.busy = 0

    def enter(self):
        """Wait for the floor to open; False once the run is over."""
        while not self.open.wait(0.2):
            if self.stopped.is_set():
                return False
        with self.lock:
            self.busy += 1
        return not self.stopped.is_set() or self.leave()

    def leave(self):
        with self.lock:
            self.busy -= 1
        return False

    def quiesce(self, timeout=120):
        self.open.clear()
        deadline = time.monotonic() + timeout
        while self.busy and time.monotonic() < deadline:
            time.sleep(0.1)

    def think(self, low, high):
        """A think time; cut short when the run ends."""
        self.stopped.wait(random.uniform(low, high))


class Ledger:
    """What the actors did that the database must show exactly once.

    steps[(db, ticket, step, uid)]: Counter of outcomes of the step's last call
    (ok, or an ambiguous outcome: may or may not have been committed);
    emails[(db, message_id)]: the outcome of posting that inbound email."""

    def __init__(self):
        self.lock = threading.Lock()
        self.steps = defaultdict(Counter)
        self.emails = {}

    def step(self, db, ticket, step, uid, outcome):
        with self.lock:
            self.steps[(db, ticket, step, uid)][outcome] += 1

    def email(self, db, message_id, outcome, new):
        with self.lock:
            self.emails[(db, message_id)] = (outcome, new)


class Actor(threading.Thread):
    def __init__(self, run, name):
        super().__init__(name=name, daemon=True)
        self.run_, self.floor, self.stats = run, run.floor, run.stats
        self.think_time = run.think_time

    def run(self):
        while self.floor.enter():
            try:
                self.act()
            except RequestFailed as failure:
                # recorded by Stats; the user tries something else, after
                # logging in again when Odoo logged the session out
                if failure.kind == "logged_out" and hasattr(self, "browser"):
                    self.browser.uid = None
            except Exception as error:  # noqa: BLE001 - the load generator's own
                # bug: counted (the report shows it), the actor goes on
                self.stats.record("loadgen", self.name, 0, "actor_error", repr(error))
            finally:
                self.floor.leave()
            self.floor.think(*self.think_time)

    def act(self):
        raise NotImplementedError


class Agent(Actor):
    """A helpdesk agent in the web client, on the hosts in turn."""

    def __init__(self, run, key, login, password):
        super().__init__(run, f"{key}:{login}")
        self.key = key
        self.browser = Browser(run.hosts, run.dbs[key], login, password)
        self.cast = run.cast[key]
        self.mine = []  # the ids of the last kanban load
        self.current = None  # the ticket the agent works through, step by step
        self.mindx = key == "mindx"

    def timed(self, op, func):
        return self.stats.timed(self.key, op, func)

    def act(self):
        if self.browser.uid is None:
            self.timed("login", self.browser.authenticate)
        roll = random.random()
        if self.current and roll < 0.7:
            roll = 0.5  # back to the ticket at hand
        if roll < 0.2 or not self.mine:
            self.timed("kanban", self.kanban)
        elif roll < 0.3:
            self.timed("list", self.list_view)
        elif roll < 0.85:
            ticket_id = self.current or random.choice(self.mine)
            ticket = self.timed("form open", lambda: self.form(ticket_id))
            self.current = None
            if ticket and self.mindx:
                self.floor.think(0.2, 0.6)
                self.work_on(ticket)
        else:
            ticket = self.timed(
                "form open", lambda: self.form(random.choice(self.mine))
            )
            if ticket:
                self.drag(ticket)

    def kanban(self):
        """My open tickets grouped by stage, then the records of the columns."""
        call = self.browser.call
        domain = [("user_id", "=", self.browser.uid), ("stage_id.closed", "=", False)]
        call("helpdesk.ticket", "web_read_group", domain, ["stage_id"], ["stage_id"])
        fields = KANBAN_FIELDS + (MINDX_KANBAN_FIELDS if self.mindx else [])
        spec = _spec(fields, ("stage_id", "user_id", "partner_id"))
        result = call("helpdesk.ticket", "web_search_read", domain, spec, limit=80)
        self.mine = [record["id"] for record in result["records"]]
        # another agent's tickets (or a new one from an email) now and then:
        # two agents on one ticket
        if random.random() < 0.1:
            others = call(
                "helpdesk.ticket",
                "search",
                [
                    ("stage_id.closed", "=", False),
                    "|",
                    ("user_id", "=", False),
                    ("user_id.login", "=like", f"{self.key}agent%"),
                ],
                limit=40,
                offset=random.randrange(400),
            )
            self.mine += others[:5]

    def list_view(self):
        fields = KANBAN_FIELDS + ["create_date"]
        spec = _spec(fields, ("stage_id", "user_id", "partner_id", "team_id"))
        self.browser.call(
            "helpdesk.ticket",
            "web_search_read",
            [("stage_id.closed", "=", False)],
            spec,
            limit=80,
            order="create_date desc",
            count_limit=10001,
        )

    def form(self, ticket_id):
        """The form's record, then its chatter (what opening a ticket loads)."""
        fields = KANBAN_FIELDS + FORM_FIELDS + (MINDX_FORM_FIELDS if self.mindx else [])
        spec = _spec(fields, ("stage_id", "user_id", "partner_id"))
        records = self.browser.call("helpdesk.ticket", "web_read", [ticket_id], spec)
        self.browser.json(
            "/mail/thread/messages",
            {"thread_model": "helpdesk.ticket", "thread_id": ticket_id, "limit": 30},
        )
        return records[0] if records else None

    def work_on(self, ticket):
        """The next step the ticket's header offers, through its dialog or
        composer; now and then one that does not fit where it stands (refused).

        Timed as the user waits: the button that opens the dialog ("open step
        dialog"), then, after typing, the confirmation ("step <name>": the
        dialog saved and its button)."""
        step = ticket.get("process_next_step")
        if random.random() < 0.08 or not step:
            step = random.choice(STEPS)
        uid = self.browser.uid
        context = {"lang": "en_US", "tz": "Asia/Ho_Chi_Minh", "uid": uid}
        action = self.timed(
            "open step dialog",
            lambda: self.browser.json(
                f"/web/dataset/call_button/helpdesk.ticket/action_process_{step}",
                {
                    "model": "helpdesk.ticket",
                    "method": f"action_process_{step}",
                    "args": [[ticket["id"]]],
                    "kwargs": {"context": context},
                },
            ),
        )
        self.floor.think(0.3, 1.0)  # typing in the dialog
        context.update(action["context"])
        self.timed(
            f"step {step}",
            lambda: self.confirm(ticket["id"], step, action["res_model"], context),
        )
        # on with the same ticket next time, mostly (it goes through the steps)
        if random.random() < 0.8:
            self.current = ticket["id"]

    def confirm(self, ticket_id, step, model, context):
        """The dialog saved with its inputs, then its button (Confirm, Send);
        the outcome in the ledger (the invariants count the step log)."""
        values = {}
        if step == "assess":
            values["users_affected"] = random.choice((2, 2, 2, 3, 10, 12, 30))
        values.update(DIALOG_TEXT.get(step, {}))
        saved = self.browser.call(
            model, "web_save", [], values, specification={}, context=context
        )
        button = "action_send_mail" if step in CUSTOMER_STEPS else "action_confirm"
        uid = self.browser.uid
        try:
            self.browser.json(
                f"/web/dataset/call_button/{model}/{button}",
                {
                    "model": model,
                    "method": button,
                    "args": [[saved[0]["id"]]],
                    "kwargs": {"context": context},
                },
            )
        except RequestFailed as failure:
            if failure.kind in AMBIGUOUS or failure.kind == "concurrency":
                self.run_.ledger.step(self.key, ticket_id, step, uid, failure.kind)
            raise
        self.run_.ledger.step(self.key, ticket_id, step, uid, "ok")

    def drag(self, ticket):
        """A stage drag in the kanban: forward (the gate refuses it unless the
        steps allow it), or from Waiting back to In Progress."""
        stages = self.cast["stages"]
        current = [r for r, sid in stages.items() if sid == ticket["stage_id"]["id"]]
        role = current[0] if current else "new"
        if self.mindx and role == "waiting" and random.random() < 0.5:
            target = "in_progress"
        elif role in FORWARD[:-1]:
            ahead = FORWARD.index(role) + 1 + (random.random() < 0.2)
            target = FORWARD[min(ahead, len(FORWARD) - 1)]
            target = target if target in stages else FORWARD[-1]
        else:
            return
        self.timed(
            "stage drag",
            lambda: self.browser.call(
                "helpdesk.ticket",
                "web_save",
                [ticket["id"]],
                {"stage_id": stages[target]},
                specification={"stage_id": {}},
            ),
        )


class Mailer(Actor):
    """Customers' emails through the mail gateway (XML-RPC message_process, as
    odoo-mailgate.py posts them), on the hosts in turn: new requests and replies
    to earlier ones (In-Reply-To / References)."""

    def __init__(self, run, key):
        super().__init__(run, f"{key}:mailer")
        self.key, self.db = key, run.dbs[key]
        self.cast = run.cast[key]
        self.sent = []  # (message id, customer) of new requests that went through
        self.turn = 0
        self.think_time = run.mail_think_time

    def act(self):
        self.turn += 1
        host = self.run_.hosts[self.turn % len(self.run_.hosts)]
        message_id = f"<{uuid.uuid4().hex}@customer.example.org>"
        new = not self.sent or random.random() < 0.6
        if new:
            customer = random.choice(self.cast["customers"])
            raw = self.email(message_id, customer, "LMS: cannot open the class", None)
        else:
            parent, customer = random.choice(self.sent)
            raw = self.email(
                message_id, customer, "Re: LMS: cannot open the class", parent
            )
        op = "email new" if new else "email reply"
        outcome = self.post(host, op, raw)
        if outcome in AMBIGUOUS:
            # a mail server retries a delivery whose pipe failed: once, later,
            # through the other host (Odoo skips a Message-ID it already has)
            self.floor.think(1.0, 2.0)
            host = self.run_.hosts[(self.turn + 1) % len(self.run_.hosts)]
            outcome = self.post(host, op + " (retried)", raw)
        self.run_.ledger.email(self.key, message_id, outcome, new)
        if new and outcome == "ok":
            self.sent.append((message_id, customer))

    def post(self, host, op, raw):
        """message_process of one raw email on `host`; the outcome."""
        try:
            self.stats.timed(
                self.key,
                op,
                lambda: xmlrpc_call(
                    [host, *self.run_.hosts],
                    self.db,
                    2,
                    "admin",
                    "mail.thread",
                    "message_process",
                    False,
                    raw,
                ),
            )
        except RequestFailed as failure:
            return failure.kind
        return "ok"

    def email(self, message_id, customer, subject, parent):
        headers = [
            f"From: {customer}",
            f"To: {self.cast['alias']}",
            f"Subject: {subject}",
            f"Date: {formatdate(localtime=False)}",
            f"Message-ID: {message_id}",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ]
        if parent:
            headers += [f"In-Reply-To: {parent}", f"References: {parent}"]
        body = "Hello,\n\n30 students cannot submit their assignment.\n\nThanks\n"
        return "\r\n".join(headers) + "\r\n\r\n" + body


class Manager(Actor):
    """The team leader: the compliance analysis, the breach log, and an
    incident report printed now and then (the PDF)."""

    def __init__(self, run):
        super().__init__(run, "mindx:leader")
        login, password = run.cast["mindx"]["leader"]
        self.browser = Browser(run.hosts, run.dbs["mindx"], login, password)
        self.think_time = run.manager_think_time
        self.closed = []

    def act(self):
        if self.browser.uid is None:
            self.stats.timed("mindx", "login", self.browser.authenticate)
        roll = random.random()
        if roll < 0.45:
            op, func = "compliance analysis", self.analysis
        elif roll < 0.75:
            op, func = "breach log", self.breach_log
        else:
            op, func = "incident report (PDF)", self.print_report
        self.stats.timed("mindx", op, func)

    def analysis(self):
        """The compliance analysis by team and class (the pivot's read)."""
        return self.browser.call(
            "helpdesk.process.analysis",
            "web_read_group",
            [],
            ["ack_rate:avg", "update_rate:avg", "resolve_rate:avg"],
            ["team_id", "class_of_service"],
            lazy=False,
        )

    def breach_log(self):
        spec = _spec(["kind", "deadline", "minutes_late", "done_date"], ("ticket_id",))
        return self.browser.call(
            "helpdesk.sla.breach", "web_search_read", [], spec, limit=80
        )

    def print_report(self):
        """The incident report of a resolved or closed ticket, as a PDF."""
        if not self.closed:
            self.closed = self.browser.call(
                "helpdesk.ticket",
                "search",
                [("process_role", "in", ("resolved", "closed"))],
                limit=50,
            )
        report = "mindx_helpdesk_process.report_helpdesk_incident"
        return self.browser.get(f"/report/pdf/{report}/{random.choice(self.closed)}")


class CronClock(Actor):
    """The crons' schedule, compressed: the breach scan and the reminders are
    triggered (ir.cron._trigger, as Odoo does) every few seconds; the cron
    workers of both hosts race for them as they do in production."""

    def __init__(self, run):
        super().__init__(run, "cron clock")
        self.think_time = (run.poke_every, run.poke_every)

    def act(self):
        try:
            self.run_.trigger_crons()
        except Exception as error:  # noqa: BLE001 - a PostgreSQL restart
            self.stats.record("mindx", "cron trigger", 0, "connection", str(error))
            self.run_.odoo.reconnect()
