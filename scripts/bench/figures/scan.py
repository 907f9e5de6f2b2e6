"""Figure 1: the breach scan, as its scheduled action runs it."""

from datetime import datetime, timedelta

from ..harness import BULK_CONTEXT, PRIORITY_USERS, log
from ..report import fmt_count, fmt_time, ratio, tq
from .base import Figure

# the "due" tickets: received long enough ago for their ACK (Priority: 15 minutes) to
# be 5 minutes late, not long enough for their resolution (240 minutes) to be due
DUE_AGE = timedelta(minutes=20)
IDLE = (
    ("nothing to flag", "nothing to flag, {big}"),
    ("nothing to flag, backlog", "nothing to flag, {big}, half breached earlier"),
)


def scan(env):
    return env["helpdesk.ticket"]._cron_flag_sla_breaches()


def is_scan_select(query):
    """The scan's own SELECTs: the two locking ones and the count of the rest."""
    return query.startswith("SELECT id FROM helpdesk_ticket WHERE") or (
        query.startswith("SELECT COUNT(*)") and "sla_next_deadline" in query
    )


def backlog(env):
    """Half the background tickets breached long ago, as the scan leaves them
    (flagged, breached, no deadline pending, at risk since long), by SQL in
    the measuring transaction (rolled back), then ANALYZE."""
    env.cr.execute(
        "UPDATE helpdesk_ticket SET sla_status = 'breached', sla_breached = true, "
        "sla_ack_flagged = true, sla_resolve_flagged = true, "
        "sla_next_deadline = NULL, "
        "sla_at_risk_date = now() at time zone 'utc' - interval '2 days' "
        "WHERE sla_status = 'on_track' AND id % 2 = 0"
    )
    env.cr.execute("ANALYZE helpdesk_ticket")


class ScanFigure(Figure):
    """``_cron_flag_sla_breaches`` on the mindx database: `due` tickets past their
    ACK deadline among `due`, then `big`, open tickets (one run, and runs until
    nothing is left); then, all flagged, a run that finds nothing to flag."""

    number = 1
    key = "scan"
    label = "1. breach scan"
    title = "1. breach scan (ours)"

    def setup(self):
        """The default policy's Standard class made lenient, then the due tickets
        (Priority), their ACK deadline 5 minutes past."""
        due = self.sizes["due"]
        with self.bench.env("mindx") as env:
            # the background tickets (Standard) stay on track for a day whatever
            # the time of day and the length of the set-up: 24/7, ACK within a day
            policy = env.company.helpdesk_cos_policy_id
            standard = policy.line_ids.filtered(
                lambda line: line.class_of_service == "standard"
            )
            standard.write(
                {
                    "working_hours": False,
                    "ack_minutes": 1440,
                    "update_minutes": 1440,
                    "escalation_minutes": 1440,
                    "resolve_minutes": 10080,
                }
            )
        self.due_ids = self.bench.create_tickets(
            "mindx",
            due,
            f"create {due} due tickets, Priority (mindx)",
            users_affected=PRIORITY_USERS,
            received_date=datetime.now() - DUE_AGE,
        )
        self.bench.analyze("mindx")
        self.age_due()

    def run(self):
        """The scan among `due` open tickets; the background tickets added (set-up
        steps between two measurements), the scan among `big`; then the scan run
        for real until done, and the idle runs."""
        big, due = self.sizes["big"], self.sizes["due"]
        out = {f"{due} open": self.measure_scan(f"{due} open")}
        self.bench.create_tickets(
            "mindx",
            big - due,
            f"create {big - due} background tickets, Standard (mindx)",
            start=due,
        )
        self.bench.analyze("mindx")
        self.age_due()
        out[f"{big} open"] = self.measure_scan(f"{big} open")
        assert self.flag_all() >= due
        out.update(self.measure_idle())
        return out

    def age_due(self):
        """Put the due tickets' ACK deadline 5 minutes in the past (ORM write)."""
        with self.bench.env("mindx", context=BULK_CONTEXT) as env:
            tickets = env["helpdesk.ticket"].browse(self.due_ids)
            tickets.write({"received_date": datetime.now() - DUE_AGE})
            env.flush_all()
            now = datetime.now()
            assert all(t.sla_ack_deadline < now for t in tickets)
            assert all(t.sla_resolve_deadline > now for t in tickets)

    def measure_scan(self, label):
        """One run, and runs until one finds nothing; the plans of one run."""

        def one_run(env, _prepared):
            return len(scan(env))

        def until_done(env, _prepared):
            flagged = runs = 0
            while True:
                runs += 1
                found = scan(env)
                flagged += len(found)
                if not found:
                    return flagged, runs

        measure = self.bench.measure
        one = measure({"one run": ("mindx", one_run, None, None)})["one run"]
        log(
            f"  breach scan, one run, {label}: {one['result']} tickets, "
            f"{fmt_count(one['queries'])}, {fmt_time(one['time'])}"
        )
        done = measure({"until done": ("mindx", until_done, None, None)})
        done = done["until done"]
        done["result"], done["scan_runs"] = done["result"]
        log(
            f"  breach scan until done, {label}: {done['result']} tickets in "
            f"{done['scan_runs']} runs, {fmt_count(done['queries'])}, "
            f"{fmt_time(done['time'])}"
        )
        one["explain"] = self.bench.explain_action("mindx", scan, is_scan_select)
        return {"one run": one, "until done": done}

    def flag_all(self):
        """Run the scan for real (committed) until nothing is left to flag."""
        flagged = 0
        with self.bench.setup_step("scan for real until done (mindx)"):
            while True:
                with self.bench.env("mindx") as env:
                    found = scan(env)
                    flagged += len(found)
                if not found:
                    break
        return flagged

    def measure_idle(self):
        """The scan with nothing to flag, without and with a backlog of breached
        tickets: its queries (as sent) and their plans."""

        def action(env, _prepared):
            return len(scan(env))

        out = self.bench.measure(
            {
                "nothing to flag": ("mindx", action, None, None),
                "nothing to flag, backlog": ("mindx", action, backlog, None),
            }
        )
        for name, data in out.items():
            assert data["result"] == 0, (name, data["result"])
            prepare = backlog if name.endswith("backlog") else None
            with self.bench.env("mindx", commit=False) as env:
                if prepare:
                    prepare(env)
                env.invalidate_all()
                with self.bench.capture_sql(env.cr) as sql:
                    scan(env)
            data["sql"] = sql
            data["explain"] = self.bench.explain_action(
                "mindx", scan, is_scan_select, prepare
            )
            log(
                f"  breach scan, {name}: {fmt_count(data['queries'])}, "
                f"{fmt_time(data['time'])}"
            )
        return out

    def rows(self, results):
        """One run (target: the same queries among `big` as among `due`), until
        done (information), nothing to flag (target: a few cheap queries)."""
        sizes, scans = results["run"]["sizes"], results["figures"][self.key]
        small, big = f"{sizes['due']} open", f"{sizes['big']} open"
        s1, s2 = scans[small]["one run"], scans[big]["one run"]
        qr = ratio(s2["queries"]["median"], s1["queries"]["median"])
        rows = [
            self.row(f"one run, {small}: {s1['result']} flagged", tq(s1)),
            self.row(
                f"one run, {big}: {s2['result']} flagged",
                tq(s2),
                f"{small}: {fmt_count(s1['queries'])}",
                f"q ×{qr:.2f}",
                "< 5 s; q ≤ 1.1 × q(1k)",
                s2["time"]["median"] < 5 and qr <= 1.1,
            ),
        ]
        for size in (small, big):
            d = scans[size]["until done"]
            runs = f"{d['result']} flagged in {d['scan_runs']} runs"
            rows.append(
                self.row(
                    f"until done, {size}: {runs}",
                    tq(d),
                    target="(information)",
                )
            )
        for name, what in IDLE:
            idle = scans[name]
            pg_ms = sum(p["execution_ms"] for p in idle["explain"])
            rows.append(
                self.row(
                    what.format(big=big),
                    tq(idle),
                    f"PostgreSQL runs its SELECTs in {pg_ms:.2f} ms",
                    "",
                    "≤ 10 q, < 100 ms",
                    idle["queries"]["median"] <= 10 and idle["time"]["median"] < 0.1,
                )
            )
        return rows

    def explains(self, results):
        scans = results["figures"][self.key]
        big = f"{results['run']['sizes']['big']} open"
        return [
            (f"1. breach scan, one run, {big}", scans[big]["one run"]["explain"]),
            ("1. breach scan, nothing to flag", scans["nothing to flag"]["explain"]),
            (
                "1. breach scan, nothing to flag, half the open tickets breached "
                "earlier",
                scans["nothing to flag, backlog"]["explain"],
            ),
        ]
