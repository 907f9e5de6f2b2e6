"""Two real transactions on the same ticket at once: agents and the breach scan.

Odoo runs every transaction in REPEATABLE READ: a transaction that changes (or
locks) a row another transaction changed and committed after its snapshot fails
with a serialization failure. What happens next differs:

* an RPC call (the web client's too) is retried: odoo/service/model.py `retrying`
  rolls back and calls again, up to 5 times, on a serialization failure, a
  deadlock or a lock not available. The retry sees the other transaction's work
  and goes through the process gate again against it;
* a cron job is not: odoo/addons/base/models/ir_cron.py `_callback` logs the
  exception and rolls the whole run back (and counts a failure; enough of them
  deactivate the job).

So the breach scan locks the tickets it flags (FOR NO KEY UPDATE SKIP LOCKED),
never waits for an agent, and leaves a ticket it could not lock to its next run
(five minutes later) rather than failing the run.

Measured by these tests (and fixed where the scan failed):

* an agent's ACK on a ticket the scan holds waits for the lock, fails once with
  SerializationFailure when the scan commits, and its retry succeeds (and closes
  the ACK breach the scan just flagged);
* a ticket an agent changed and committed after the scan's snapshot made the
  scan's SKIP LOCKED query fail with SerializationFailure: the whole run was
  lost, now only that ticket waits for the next run;
* every notification about a ticket rewrote its customer's contact (auth_signup's
  signup type, via the portal link), so the scan flagging one ticket waited for
  an agent emailing the same customer about another, then failed: no longer;
* two agents on one ticket: the second waits, fails once, and its retry is judged
  on the first one's result (a move refused from Cancelled; a step logged twice
  keeps its first time and both notes);
* two runs of the escalation outbox at once (helpdesk.escalation.delivery
  ._cron_deliver) post a delivery once: the second skips the row the first holds
  while it posts, and a run whose snapshot predates the first one's commit skips
  it too (a serialization failure on its lock, not a second post).

These tests run two real transactions on a committed database with the addon
(created by subprocess; the test database's own transaction is never committed):
cursors of the database's registry, one per transaction, ordered by hand; where one
side has to wait for a row lock it runs in a thread, and the test checks in
pg_stat_activity that it waits before letting the other side commit.
"""

import json
import threading
import time
from contextlib import closing, contextmanager
from datetime import timedelta
from unittest.mock import patch

import pytest
from psycopg2.errors import SerializationFailure

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.sql_db import close_db

from odoo.addons.mindx_helpdesk_process.tests.webhook_sink import webhook_sink

from ._system import addon_database, sql

CRON_XMLID = "mindx_helpdesk_process.ir_cron_flag_sla_breaches"
OUTBOX_CRON_XMLID = "mindx_helpdesk_process.ir_cron_deliver_escalations"
ALLOW_PRIVATE = "mindx_helpdesk_process.webhook_allow_private"
# how long a side may take to reach the lock it must wait for (a guard, not a
# measurement: it returns as soon as the other side waits)
LOCK_WAIT_GUARD = 30


@pytest.fixture(scope="module")
def system(request):
    db, cast = addon_database(request)
    # pytest-odoo turns test_enable on: loading a registry would then run every
    # module's at_install tests (odoo/modules/loading.py), not ours to run here
    with patch.dict(odoo.tools.config.options, test_enable=False):
        registry = Registry(db)
    yield registry, cast
    Registry.delete(db)
    close_db(db)


@contextmanager
def _cursor(registry):
    """A cursor of its own transaction, closed at the end (uncommitted work is
    rolled back). A lock waited for longer than the guard fails the statement:
    a test that waits for itself must fail, not hang."""
    with closing(registry.cursor()) as cr:
        cr.execute("SET lock_timeout = %s", [f"{LOCK_WAIT_GUARD}s"])
        try:
            yield cr
        finally:
            if not cr.closed:
                cr.rollback()
                cr.execute("RESET lock_timeout")


def _env(cr, uid=SUPERUSER_ID):
    # queue the customer emails: there is no SMTP server, and a step counts when
    # its message is posted
    return api.Environment(cr, uid, {"mail_notify_force_send": False})


def _create_ticket(registry, cast, **values):
    """A committed ticket of the support team (created as the superuser)."""
    vals = {
        "name": "LMS performance issue",
        "description": "<p>Students cannot submit assignments.</p>",
        "team_id": cast["team"],
        "partner_id": cast["customer"],
        "user_id": cast["agent"],
    }
    vals.update(values)
    with _cursor(registry) as cr:
        ticket_id = _env(cr)["helpdesk.ticket"].create(vals).id
        cr.commit()
    return ticket_id


def _due_ticket(registry, cast):
    """Expedite (30 users) and received three hours ago: its ACK (10 minutes) and
    resolution (2 hours) deadlines, counted around the clock, have passed."""
    received = fields.Datetime.now() - timedelta(hours=3)
    return _create_ticket(registry, cast, users_affected=30, received_date=received)


def _run_cron(env):
    """The breach scan as ir.cron runs it: the job's server action, by _callback."""
    cron = env.ref(CRON_XMLID)
    cron._callback(cron.cron_name, cron.ir_actions_server_id.id)


def _send_ack(env, ticket_id):
    """The agent's ACK: the step's composer, sent (what the Send ACK button does)."""
    action = env["helpdesk.ticket"].browse(ticket_id).action_process_ack()
    composer = env[action["res_model"]].with_context(**action["context"]).create({})
    composer.action_send_mail()


def _breaches(db, ticket_id):
    return sql(
        db,
        "SELECT kind, done_date IS NOT NULL FROM helpdesk_sla_breach "
        "WHERE ticket_id = %s ORDER BY kind",
        [ticket_id],
    )


def _leader_emails(db, ticket_id):
    """The breach emails to the team leader (Expedite tickets only)."""
    return sql(
        db,
        "SELECT subject FROM mail_mail m JOIN mail_message msg "
        "ON msg.id = m.mail_message_id WHERE msg.model = 'helpdesk.ticket' "
        "AND msg.res_id = %s AND m.email_to LIKE %s",
        [ticket_id, "%sys_manager@%"],
    )


def _steps(db, ticket_id, step):
    return sql(
        db,
        "SELECT date, user_id FROM helpdesk_ticket_step "
        "WHERE ticket_id = %s AND step = %s ORDER BY id",
        [ticket_id, step],
    )


class Transaction(threading.Thread):
    """One side's work in a thread of its own, on a cursor of its own.

    retry=True: an agent's RPC call, retried on serialization failures exactly as
    Odoo retries one (service.model.retrying). retry=False: a cron run, called
    once and committed, rolled back on error (ir.cron._callback).
    `failures` holds the exception of each failed attempt, `error` the final one.
    """

    def __init__(self, registry, uid, func, retry=True):
        super().__init__(daemon=True)
        self.registry, self.uid, self.func, self.retry = registry, uid, func, retry
        self.failures, self.error, self.pid = [], None, None
        self.connected = threading.Event()

    def run(self):
        with _cursor(self.registry) as cr:
            self.pid = cr._cnx.info.backend_pid
            self.connected.set()
            env = _env(cr, self.uid)

            def attempt():
                try:
                    self.func(env)
                    env.flush_all()  # the writes reach the database here
                except Exception as exc:
                    self.failures.append(exc)
                    raise

            try:
                if self.retry:
                    retrying(attempt, env)
                else:
                    attempt()
                    cr.commit()
            except Exception as exc:  # noqa: BLE001 - checked by the test
                self.error = exc

    def waits_for_a_lock(self, db):
        """True once this side waits for a lock another transaction holds; False
        if it finished without waiting."""
        assert self.connected.wait(LOCK_WAIT_GUARD)
        deadline = time.monotonic() + LOCK_WAIT_GUARD
        while time.monotonic() < deadline and self.is_alive():
            state = sql(
                db,
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                [self.pid],
            )
            if state and state[0][0] == "Lock":
                return True
            time.sleep(0.02)
        assert not self.is_alive(), "neither waiting nor done: see the guard"
        return False

    def finish(self):
        self.join(2 * LOCK_WAIT_GUARD)
        assert not self.is_alive()
        return self


# -- (a) the breach scan and an agent on the same ticket ---------------------------


def _scan(registry):
    """One run of the breach scan, committed."""
    with _cursor(registry) as cr:
        _run_cron(_env(cr))
        cr.commit()


def _scan_while_held(registry, db):
    """A scan run while the test holds rows: it must finish without waiting."""
    scan = Transaction(registry, SUPERUSER_ID, _run_cron, retry=False)
    scan.start()
    waited = scan.waits_for_a_lock(db)
    return scan, waited


def test_ack_while_the_scan_holds_the_ticket_waits_then_is_retried(system):
    """The scan locks the due ticket and flags the missed ACK; the agent's ACK
    waits for the lock, fails to serialize once the scan commits, and is retried:
    the retry sees the breach and closes it. One ACK, one breach per deadline."""
    registry, cast = system
    db = registry.db_name
    ticket_id = _due_ticket(registry, cast)
    with _cursor(registry) as scan_cr:
        _run_cron(_env(scan_cr))  # holds the row lock until it commits

        def ack(env):
            _send_ack(env, ticket_id)

        agent = Transaction(registry, cast["agent"], ack)
        agent.start()
        assert agent.waits_for_a_lock(db), "the ACK waits for the scan's lock"
        scan_cr.commit()
    agent.finish()
    assert agent.error is None, agent.error
    assert [type(exc) for exc in agent.failures] == [SerializationFailure]
    assert _breaches(db, ticket_id) == [("ack", True), ("resolve", False)]
    assert len(_leader_emails(db, ticket_id)) == 2, "one email per breach"
    assert len(_steps(db, ticket_id, "ack")) == 1, "the failed attempt left nothing"
    acks = sql(
        db,
        "SELECT count(*) FROM mail_message WHERE model = 'helpdesk.ticket' "
        "AND res_id = %s AND message_type = 'comment' AND author_id = "
        "(SELECT partner_id FROM res_users WHERE id = %s)",
        [ticket_id, cast["agent"]],
    )
    assert acks == [(1,)], "one ACK email to the customer"


def test_scan_skips_a_ticket_an_agent_is_writing_and_the_next_run_flags_it(system):
    """The agent holds the ticket's row (an uncommitted edit): the scan does not
    wait for it (SKIP LOCKED), and flags it on its next run."""
    registry, cast = system
    db = registry.db_name
    ticket_id = _due_ticket(registry, cast)
    with _cursor(registry) as agent_cr:
        env = _env(agent_cr, cast["agent"])
        env["helpdesk.ticket"].browse(ticket_id).description = "<p>Also slow</p>"
        env.flush_all()
        scan, waited = _scan_while_held(registry, db)
        agent_cr.commit()
    scan.finish()
    assert not waited and scan.error is None, scan.error
    assert _breaches(db, ticket_id) == [], "skipped, not waited for"
    _scan(registry)
    assert _breaches(db, ticket_id) == [("ack", False), ("resolve", False)]
    assert len(_leader_emails(db, ticket_id)) == 2


def test_ack_sent_while_the_scan_runs_neither_waits(system):
    """The agent's ACK (uncommitted) holds the ticket when the scan runs: the scan
    skips it, and flags the customer's other due ticket without waiting for
    anything the ACK touched (the ticket, the customer's contact). Once the ACK
    is committed there is no ACK left to flag (it was late: its step says so)."""
    registry, cast = system
    db = registry.db_name
    ticket_id, other = _due_ticket(registry, cast), _due_ticket(registry, cast)
    with _cursor(registry) as agent_cr:
        agent_env = _env(agent_cr, cast["agent"])
        _send_ack(agent_env, ticket_id)
        agent_env.flush_all()
        scan, waited = _scan_while_held(registry, db)
        agent_cr.commit()
    scan.finish()
    assert not waited, "the scan waited for the agent's transaction"
    assert scan.error is None, scan.error
    assert _breaches(db, ticket_id) == []
    assert _breaches(db, other) == [("ack", False), ("resolve", False)]
    _scan(registry)
    assert _breaches(db, ticket_id) == [("resolve", False)]
    late = sql(
        db,
        "SELECT target_state FROM helpdesk_ticket_step WHERE ticket_id = %s "
        "AND step = 'ack'",
        [ticket_id],
    )
    assert late == [("missed",)]


def test_scan_started_before_an_agent_commit_skips_that_ticket_only(system):
    """Under REPEATABLE READ the scan cannot lock a ticket an agent changed and
    committed after the scan's snapshot (SKIP LOCKED does not skip it: it is not
    locked any more; PostgreSQL raises a serialization failure). Crons are not
    retried: that ticket is left to the next run, the others are flagged now."""
    registry, cast = system
    db = registry.db_name
    changed, other = _due_ticket(registry, cast), _due_ticket(registry, cast)
    with _cursor(registry) as scan_cr:
        scan_env = _env(scan_cr)
        scan_env.ref(CRON_XMLID).read(["code"])  # the run's snapshot, as ir.cron
        with _cursor(registry) as agent_cr:
            ticket = _env(agent_cr, cast["agent"])["helpdesk.ticket"].browse(changed)
            ticket.description = "<p>Also slow</p>"
            agent_cr.commit()
        _run_cron(scan_env)
        scan_cr.commit()
    assert _breaches(db, changed) == [], "left to the next run"
    assert _breaches(db, other) == [("ack", False), ("resolve", False)]
    _scan(registry)
    assert _breaches(db, changed) == [("ack", False), ("resolve", False)]


# -- (b) two agents on the same ticket ---------------------------------------------


def _in_progress_ticket(registry, cast, *steps):
    """A Standard ticket in In Progress (assessed, ACK sent), `steps` done too."""
    ticket_id = _create_ticket(registry, cast)
    now = fields.Datetime.now()
    with _cursor(registry) as cr:
        ticket = _env(cr)["helpdesk.ticket"].browse(ticket_id)
        # the superuser may set the step dates (set-up, as data files do)
        ticket.write({f"{step}_date": now for step in ("assessment", "ack", *steps)})
        ticket.stage_id = cast["stages"]["in_progress"]
        cr.commit()
    return ticket_id


def _stage_moves(db, ticket_id):
    return sql(
        db,
        "SELECT old_value_char, new_value_char FROM mail_tracking_value v "
        "JOIN mail_message m ON m.id = v.mail_message_id "
        "JOIN ir_model_fields f ON f.id = v.field_id "
        "WHERE m.model = 'helpdesk.ticket' AND m.res_id = %s AND f.name = 'stage_id' "
        "ORDER BY v.id",
        [ticket_id],
    )


def test_two_agents_moving_one_ticket_second_is_judged_on_the_first_move(system):
    """The team leader cancels (a duplicate) while an agent resolves: the agent waits,
    fails to serialize, and its retry meets the gate again, from Cancelled this
    time, which refuses it. No move is lost and none is made on stale data."""
    registry, cast = system
    db = registry.db_name
    ticket_id = _in_progress_ticket(registry, cast, "investigation", "dev_response")
    with _cursor(registry) as first_cr:
        first = _env(first_cr, cast["manager"])
        first = first(context=dict(first.context, mindx_move_reason="Duplicate"))
        ticket = first["helpdesk.ticket"].browse(ticket_id)
        ticket.stage_id = cast["stages"]["cancelled"]
        first.flush_all()

        def resolve(env):
            ticket = env["helpdesk.ticket"].browse(ticket_id)
            ticket.stage_id = cast["stages"]["resolved"]

        second = Transaction(registry, cast["agent"], resolve)
        second.start()
        assert second.waits_for_a_lock(db), "the second move waits for the first"
        first_cr.commit()
    second.finish()
    # the retry's refusal: a UserError (the addon's, carrying the way forward)
    assert [type(exc) for exc in second.failures][0] is SerializationFailure
    assert isinstance(second.failures[1], UserError)
    assert len(second.failures) == 2
    assert isinstance(second.error, UserError), second.error
    assert "does not go from Cancelled to Resolved" in str(second.error)
    assert _stage_moves(db, ticket_id) == [
        ("New", "In Progress"),
        ("In Progress", "Cancelled"),
    ]


def test_two_agents_logging_one_step_both_notes_kept_one_date(system):
    """Leader and agent log the investigation at once: the second waits, is retried;
    the step keeps the first time, both logs and both notes stay."""
    registry, cast = system
    db = registry.db_name
    ticket_id = _in_progress_ticket(registry, cast)

    def investigate(findings):
        def log(env):
            action = (
                env["helpdesk.ticket"].browse(ticket_id).action_process_investigate()
            )
            wizard = (
                env[action["res_model"]]
                .with_context(**action["context"])
                .create(
                    {
                        "investigation_findings": findings,
                        "investigation_decision": "Fix",
                    }
                )
            )
            wizard.action_confirm()

        return log

    with _cursor(registry) as first_cr:
        first = _env(first_cr, cast["manager"])
        investigate("Slow query on submissions")(first)
        first.flush_all()
        second = Transaction(registry, cast["agent"], investigate("CPU at 100% on db1"))
        second.start()
        assert second.waits_for_a_lock(db), "the second log waits for the first"
        first_cr.commit()
    second.finish()
    assert second.error is None, second.error
    assert [type(exc) for exc in second.failures] == [SerializationFailure]
    logs = _steps(db, ticket_id, "investigate")
    assert [user for _date, user in logs] == [cast["manager"], cast["agent"]]
    kept = sql(
        db, "SELECT investigation_date FROM helpdesk_ticket WHERE id = %s", [ticket_id]
    )
    assert kept == [(logs[0][0],)], "the step's date is the first log's"
    notes = sql(
        db,
        "SELECT body FROM mail_message WHERE model = 'helpdesk.ticket' AND res_id = %s "
        "AND body LIKE %s ORDER BY id",
        [ticket_id, "%Log investigation%"],
    )
    assert len(notes) == 2
    assert "Slow query" in notes[0][0] and "CPU at 100%" in notes[1][0]


# -- (c) two scans at once ---------------------------------------------------------


def test_two_scans_at_once_flag_and_email_once(system):
    """The second scan runs while the first holds the ticket (skipped), then starts
    before the first commits and locks after (left alone): one breach per
    deadline, one email per breach, and no failed run."""
    registry, cast = system
    db = registry.db_name
    ticket_id = _due_ticket(registry, cast)
    with _cursor(registry) as first_cr, _cursor(registry) as late_cr:
        _run_cron(_env(first_cr))
        late_env = _env(late_cr)
        late_env.ref(CRON_XMLID).read(["code"])  # snapshot before the commit
        second, waited = _scan_while_held(registry, db)  # skips the locked ticket
        second.finish()
        assert not waited and second.error is None, second.error
        first_cr.commit()
        _run_cron(late_env)  # its snapshot misses the flags: must not flag again
        late_cr.commit()
    assert _breaches(db, ticket_id) == [("ack", False), ("resolve", False)]
    assert len(_leader_emails(db, ticket_id)) == 2


# -- (d) two runs of the escalation outbox at once ------------------------------------


def _run_outbox(env):
    """The outbox's cron job as ir.cron runs it (one delivery a call)."""
    cron = env.ref(OUTBOX_CRON_XMLID)
    cron._callback(cron.cron_name, cron.ir_actions_server_id.id)


@contextmanager
def _private_addresses_allowed(registry):
    """The test's endpoint is on 127.0.0.1: allowed while the test runs."""
    with _cursor(registry) as cr:
        _env(cr)["ir.config_parameter"].set_param(ALLOW_PRIVATE, "True")
        cr.commit()
    try:
        yield
    finally:
        with _cursor(registry) as cr:
            _env(cr)["ir.config_parameter"].set_param(ALLOW_PRIVATE, "False")
            cr.commit()


def _pending_delivery(registry, cast, url):
    """A committed delivery due since long ago (first in the outbox's order)."""
    ticket_id = _create_ticket(registry, cast)
    with _cursor(registry) as cr:
        delivery = _env(cr)["helpdesk.escalation.delivery"].create(
            {
                "ticket_id": ticket_id,
                "team_id": cast["team"],
                "kind": "generic",
                "url": url,
                "payload": json.dumps({"event": "helpdesk.escalation"}),
                "next_attempt_date": "2000-01-01 00:00:00",
            }
        )
        cr.commit()
    return delivery.id


def test_two_outbox_runs_post_a_delivery_once(system):
    """The first run holds the delivery while its endpoint answers; a second run
    meanwhile skips it without waiting; a third, whose snapshot was taken before
    the first run committed, runs after that commit and skips it too (its lock
    fails to serialize). The endpoint hears the escalation once."""
    registry, cast = system
    db = registry.db_name
    with webhook_sink() as sink, _private_addresses_allowed(registry):
        delivery_id = _pending_delivery(registry, cast, sink.url("/escalations"))
        answer_now = threading.Event()
        sink.answer(200, hold=answer_now)
        with _cursor(registry) as late_cr:
            late_env = _env(late_cr)
            late_env.ref(OUTBOX_CRON_XMLID).read(["code"])  # its snapshot, now
            first = Transaction(registry, SUPERUSER_ID, _run_outbox, retry=False)
            first.start()
            assert sink.arrived.wait(LOCK_WAIT_GUARD), "the first run posts"
            second = Transaction(registry, SUPERUSER_ID, _run_outbox, retry=False)
            second.start()
            assert not second.waits_for_a_lock(db), "the second run does not wait"
            second.finish()
            assert second.error is None, second.error
            answer_now.set()
            first.finish()
            assert first.error is None, first.error
            _run_outbox(late_env)  # a snapshot from before the first run's commit
            late_cr.commit()
    assert len(sink.requests) == 1, "posted once"
    assert sql(
        db,
        "SELECT state, attempt_count FROM helpdesk_escalation_delivery WHERE id = %s",
        [delivery_id],
    ) == [("sent", 1)]
