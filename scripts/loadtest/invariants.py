"""The invariants checked after every phase: nothing lost, nothing doubled.

Each check returns the list of its violations (readable lines); the run fails
when one is not empty. They read the database through Odoo as a library (the
gate is judged by the addon's own rules, process_rules) and compare it with the
actors' `Ledger`. A request that ended without an answer (timeout, connection
lost, 5xx, a traceback) may or may not have been committed: the checks allow
either, never a half or a double.
"""

from collections import Counter

from .client import AMBIGUOUS

STEP_EMAILS = ("ack", "update", "resolve", "close")
BREACH_NOTE = "%SLA breached:%"


def check_all(run):
    """{check name: [violations]} for both databases."""
    results = {}
    with run.odoo.env("mindx") as env:
        cr = env.cr
        results["steps recorded exactly once"] = steps_once(cr, run)
        results["stages allowed by the steps"] = stages_allowed(env, run)
        results["one breach per deadline, one notice each"] = breaches(cr, run.since)
        results["no activity lost or doubled"] = activities(cr)
        results["one delivery per escalation"] = escalations(cr, run)
        results["customer emails queued once"] = customer_emails(cr, run.since)
        results["reminders once"] = reminders(cr, run)
    for key in run.dbs:
        with run.odoo.env(key) as env:
            results[f"inbound emails stored once ({key})"] = inbound(env.cr, run, key)
            results[f"notifications queued once ({key})"] = notifications(env.cr)
    return results


def steps_once(cr, run):
    """Every step an agent performed is one row of the step log: as many rows
    per (ticket, step, agent) as calls that succeeded, plus at most the calls
    whose answer was lost; none for a refused call; no message logged twice."""
    uids = [uid for _login, _pw, uid in run.cast["mindx"]["agents"]]
    cr.execute(
        "SELECT ticket_id, step, user_id, count(*) FROM helpdesk_ticket_step "
        "WHERE user_id = ANY(%s) AND create_date >= %s GROUP BY 1, 2, 3",
        [uids, run.since],
    )
    found = {(t, s, u): n for t, s, u, n in cr.fetchall()}
    wrong = []
    keys = {k[1:] for k in run.ledger.steps if k[0] == "mindx"} | set(found)
    for key in sorted(keys):
        outcomes = run.ledger.steps.get(("mindx", *key), Counter())
        ok = outcomes["ok"]
        unsure = sum(outcomes[kind] for kind in AMBIGUOUS)
        rows = found.get(key, 0)
        if not ok <= rows <= ok + unsure:
            wrong.append(
                f"ticket {key[0]} step {key[1]} by uid {key[2]}: {rows} rows for "
                f"{ok} successful calls and {unsure} without an answer"
            )
    cr.execute(
        "SELECT message_id, count(*) FROM helpdesk_ticket_step WHERE message_id "
        "IS NOT NULL GROUP BY 1 HAVING count(*) > 1"
    )
    wrong += [f"message {m} logged as {n} steps" for m, n in cr.fetchall()]
    return wrong


def stages_allowed(env, run):
    """No ticket of the run (made at its set-up or by its emails: the demo's
    were made before the process) stands in a stage its steps do not allow
    (process_rules: the forward path from New to its stage), unless a forced
    move was logged."""
    from odoo.addons.mindx_helpdesk_process.models import process_rules

    env.cr.execute(
        "SELECT DISTINCT res_id FROM mail_message WHERE model = 'helpdesk.ticket' "
        "AND body::text ILIKE %s",
        ["%Forced move%"],
    )
    forced = {row[0] for row in env.cr.fetchall()}
    wrong = []
    tickets = env["helpdesk.ticket"].search(
        [
            ("process_role", "in", process_rules.FORWARD_PATH[1:]),
            ("id", ">=", run.cast["mindx"]["first_ticket"]),
        ]
    )
    for ticket in tickets:
        if ticket.id in forced:
            continue
        _rule, missing = process_rules.missing_for_move(
            ticket, "new", ticket.process_role
        )
        if missing:
            wrong.append(f"{ticket.number} in {ticket.process_role} without {missing}")
    return wrong


def breaches(cr, since):
    """One breach per deadline episode (a deadline flagged once, one open
    breach per kind); for each breach one note on the ticket and, Expedite,
    one email to the team leader."""
    wrong = []
    cr.execute(
        "SELECT ticket_id, kind, deadline, count(*) FROM helpdesk_sla_breach "
        "GROUP BY 1, 2, 3 HAVING count(*) > 1"
    )
    wrong += [
        f"ticket {t}: {k} due {d} flagged {n} times" for t, k, d, n in cr.fetchall()
    ]
    cr.execute(
        "SELECT ticket_id, kind, count(*) FROM helpdesk_sla_breach "
        "WHERE done_date IS NULL GROUP BY 1, 2 HAVING count(*) > 1"
    )
    wrong += [f"ticket {t}: {n} open {k} breaches" for t, k, n in cr.fetchall()]
    return wrong + breach_notices(cr, since)


def breach_notices(cr, since):
    """Per ticket, as many breach notes as breaches, as many emails to the
    leader as Expedite breaches (flagged since the run began)."""
    cr.execute(
        """SELECT b.ticket_id, b.n, b.expedite,
                  COALESCE(notes.n, 0), COALESCE(mails.n, 0)
             FROM (SELECT ticket_id, count(*) AS n,
                          count(*) FILTER (
                              WHERE class_of_service = 'expedite') AS expedite
                     FROM helpdesk_sla_breach WHERE detected_date >= %(since)s
                    GROUP BY 1) b
        LEFT JOIN (SELECT res_id, count(*) AS n FROM mail_message
                    WHERE model = 'helpdesk.ticket' AND message_type = 'comment'
                      AND body::text LIKE %(note)s AND create_date >= %(since)s
                    GROUP BY 1) notes ON notes.res_id = b.ticket_id
        LEFT JOIN (SELECT res_id, count(*) AS n FROM mail_message
                    WHERE model = 'helpdesk.ticket' AND message_type = 'email_outgoing'
                      AND subject LIKE %(note)s AND create_date >= %(since)s
                    GROUP BY 1) mails ON mails.res_id = b.ticket_id
            WHERE b.n <> COALESCE(notes.n, 0) OR b.expedite <> COALESCE(mails.n, 0)""",
        {"since": since, "note": BREACH_NOTE},
    )
    return [
        f"ticket {t}: {n} breaches ({e} Expedite) but {notes} notes, "
        f"{mails} leader emails"
        for t, n, e, notes, mails in cr.fetchall()
    ]


def activities(cr):
    """Each open breach keeps its activity; no open activity doubled (the same
    summary for the same user on the same record)."""
    cr.execute(
        "SELECT b.id, b.ticket_id, b.kind FROM helpdesk_sla_breach b "
        "LEFT JOIN mail_activity a ON a.id = b.activity_id "
        "WHERE b.done_date IS NULL AND a.id IS NULL"
    )
    wrong = [
        f"open breach {b} ({k}) of ticket {t} has no activity"
        for b, t, k in cr.fetchall()
    ]
    cr.execute(
        "SELECT res_model, res_id, user_id, summary, count(*) FROM mail_activity "
        "WHERE automated GROUP BY 1, 2, 3, 4 HAVING count(*) > 1"
    )
    wrong += [
        f"{m} {r}: {n} open activities '{s}' for user {u}"
        for m, r, u, s, n in cr.fetchall()
    ]
    return wrong


def escalations(cr, run):
    """Each escalation (an escalate step) is one delivery of the outbox, and the
    webhook received each sent delivery once."""
    cr.execute(
        """SELECT COALESCE(s.ticket_id, d.ticket_id), COALESCE(s.n, 0), COALESCE(d.n, 0)
             FROM (SELECT ticket_id, count(*) AS n FROM helpdesk_ticket_step
                    WHERE step = 'escalate' AND create_date >= %(since)s GROUP BY 1) s
        FULL JOIN (SELECT ticket_id, count(*) AS n FROM helpdesk_escalation_delivery
                    WHERE create_date >= %(since)s GROUP BY 1) d
               ON d.ticket_id = s.ticket_id
            WHERE COALESCE(s.n, 0) <> COALESCE(d.n, 0)""",
        {"since": run.since},
    )
    wrong = [
        f"ticket {t}: {s} escalations, {d} deliveries" for t, s, d in cr.fetchall()
    ]
    received = Counter(run.webhook_deliveries())
    cr.execute(
        "SELECT id, state FROM helpdesk_escalation_delivery WHERE create_date >= %s",
        [run.since],
    )
    for delivery_id, state in cr.fetchall():
        expected = 1 if state == "sent" else 0
        if received[str(delivery_id)] != expected:
            wrong.append(
                f"delivery {delivery_id} ({state}) received "
                f"{received[str(delivery_id)]} times"
            )
    return wrong


def customer_emails(cr, since):
    """Each customer step's email (ACK, update, resolution, closure) is queued
    once for the ticket's customer: one email notification of its message."""
    cr.execute(
        """SELECT s.id, s.ticket_id, s.step, count(n.id)
             FROM helpdesk_ticket_step s
             JOIN helpdesk_ticket t ON t.id = s.ticket_id
        LEFT JOIN mail_notification n ON n.mail_message_id = s.message_id
              AND n.res_partner_id = t.partner_id AND n.notification_type = 'email'
            WHERE s.step = ANY(%s) AND s.create_date >= %s AND s.user_id <> 1
            GROUP BY 1, 2, 3 HAVING count(n.id) <> 1""",
        [list(STEP_EMAILS), since],
    )
    return [
        f"ticket {t}: the {step} email (step {s}) queued {n} times"
        for s, t, step, n in cr.fetchall()
    ]


def reminders(cr, run):
    """The silent resolved tickets: one reminder each, or one confirmation by
    timeout (never two, whichever cron worker ran them)."""
    cr.execute(
        """SELECT t.id,
                  (SELECT count(*) FROM mail_message m WHERE m.model = 'helpdesk.ticket'
                      AND m.res_id = t.id AND m.message_type = 'comment'
                      AND m.create_date >= %(since)s AND m.author_id =
                      (SELECT partner_id FROM res_users WHERE id = 1)
                      AND m.subtype_id = (SELECT res_id FROM ir_model_data
                          WHERE module = 'mail' AND name = 'mt_comment')),
                  (SELECT count(*) FROM helpdesk_ticket_step s WHERE s.ticket_id = t.id
                      AND s.step = 'confirm' AND s.create_date >= %(since)s)
             FROM helpdesk_ticket t WHERE t.id = ANY(%(ids)s)""",
        {"since": run.since, "ids": run.cast["mindx"]["resolved"]},
    )
    wrong = []
    for ticket_id, reminded, confirmed in cr.fetchall():
        if reminded > 1 or confirmed > 1:
            wrong.append(
                f"ticket {ticket_id}: {reminded} reminders, {confirmed} confirmations"
            )
    return wrong


def inbound(cr, run, key):
    """Each customer email the gateway took is stored once (and a new request
    opened one ticket); one whose answer was lost at most once."""
    sent = {
        mid: outcome
        for (db, mid), (outcome, _new) in run.ledger.emails.items()
        if db == key
    }
    if not sent:
        return []
    cr.execute(
        "SELECT message_id, count(*), count(DISTINCT res_id) FROM mail_message "
        "WHERE message_id = ANY(%s) GROUP BY 1",
        [list(sent)],
    )
    stored = {mid: (n, tickets) for mid, n, tickets in cr.fetchall()}
    wrong = []
    for mid, outcome in sent.items():
        count, _tickets = stored.get(mid, (0, 0))
        allowed = {1} if outcome == "ok" else {0, 1} if outcome in AMBIGUOUS else {0}
        if count not in allowed:
            wrong.append(f"email {mid} ({outcome}) stored {count} times")
    return wrong


def notifications(cr):
    """No message is queued twice for the same recipient."""
    cr.execute(
        "SELECT mail_message_id, res_partner_id, count(*) FROM mail_notification "
        "WHERE notification_type = 'email' GROUP BY 1, 2 HAVING count(*) > 1"
    )
    return [f"message {m}: {n} emails to partner {p}" for m, p, n in cr.fetchall()]
