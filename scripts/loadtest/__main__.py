"""python -m loadtest: the load run (scripts/loadtest.sh sets up what it needs).

Set-up: both databases installed and filled, an SMTP sink and a webhook sink on
127.0.0.1, two hosts in prefork mode. Then four phases of equal length, the
actors working throughout: steady load, a cron worker killed mid-scan, a host
stopped and restarted, PostgreSQL restarted. After each phase the actors pause,
the escalation outbox is let to drain, and the invariants are checked.
"""

import argparse
import email
import os
import re
import socket
import sys
import threading
import time
import traceback
from collections import Counter
from datetime import datetime

from . import faults, invariants, report
from .actors import Agent, CronClock, Floor, Ledger, Mailer, Manager
from .client import FAILOVERS, Browser, RequestFailed, Stats
from .stack import (
    CRON_XMLIDS,
    MODULES,
    Odoo,
    OdooHost,
    install,
    log,
    setup_data,
    wait_until,
)

SIZES = {
    # agents on the addon; on helpdesk_mgmt alone (the reference); open tickets;
    # due at the start; silent resolved; due at once for the cron kill
    "full": {
        "agents": 20,
        "mgmt_agents": 5,
        "tickets": 5000,
        "due": 300,
        "resolved": 40,
        "scan": 1500,
        "seconds": 240,
    },
    "quick": {
        "agents": 20,
        "mgmt_agents": 4,
        "tickets": 2000,
        "due": 100,
        "resolved": 20,
        "scan": 800,
        "seconds": 32,
    },
}
# the addon's jobs as their log lines name them ("Job '<name>' (<id>) starting")
CRON_NAMES = {
    "scan": "flag SLA breaches",
    "reminders": "remind silent customers of resolved tickets",
    "outbox": "deliver escalations to webhooks",
}
PHASES = ("steady", "cron worker killed", "host restarted", "PostgreSQL restarted")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Run:
    """The run's shared state: hosts, sinks, actors' floor, stats and ledger."""

    def __init__(self, args):
        self.args = args
        self.kind = "quick" if args.quick else "full"
        self.sizes = dict(SIZES[self.kind])
        for key in ("agents", "tickets", "seconds"):
            if getattr(args, key) is not None:
                self.sizes[key] = getattr(args, key)
        quick = args.quick
        # brisk agents (people read for 5 to 30 s); the cron workers run at
        # nice 10 and starve on a saturated machine (README: Deployment)
        self.think_time = (2.0, 6.0)
        self.mail_think_time = (1.0, 3.0)
        self.manager_think_time = (2.0, 4.0)
        self.poke_every = 4 if quick else 10
        self.dbs = {key: f"{args.db_prefix}_{key}" for key in MODULES}
        self.floor, self.stats, self.ledger = Floor(), Stats(), Ledger()
        self.cast, self.hosts_, self.since, self.odoo = {}, [], None, None
        self.smtp = self.webhook = None

    @property
    def hosts(self):
        return [host.url for host in self.hosts_]

    def start_sinks(self):
        from odoo.addons.mindx_helpdesk_process.tests.smtp_sink import SmtpSink
        from odoo.addons.mindx_helpdesk_process.tests.webhook_sink import WebhookSink

        self.smtp, self.webhook = SmtpSink(), WebhookSink()
        for sink in (self.smtp, self.webhook):
            threading.Thread(target=sink.serve_forever, daemon=True).start()

    def smtp_figures(self):
        """What the SMTP sink received: emails, and Message-IDs received twice
        (an email sent again)."""
        ids = Counter(
            email.message_from_bytes(raw).get("Message-Id")
            for raw in self.smtp.messages
        )
        return {
            "received": len(self.smtp.messages),
            "sent_twice": sorted(mid for mid, n in ids.items() if n > 1)[:20],
        }

    def cron_runs(self):
        """How many times each host's cron workers started the addon's jobs
        (from the hosts' logs): both hosts run them."""
        runs = {}
        for host in self.hosts_:
            with open(host.logfile, encoding="utf-8", errors="replace") as log_file:
                text = log_file.read()
            runs[host.name] = {
                job: len(
                    re.findall(
                        rf"Job 'Helpdesk process: {name}' \(\d+\) starting", text
                    )
                )
                for job, name in CRON_NAMES.items()
            }
        return runs

    def webhook_deliveries(self):
        with self.webhook.lock:
            return [r["headers"].get("X-Mindx-Delivery") for r in self.webhook.requests]

    def trigger_crons(self, names=("scan", "reminders")):
        """ir.cron._trigger() of these jobs: the cron workers are woken at commit."""
        with self.odoo.env("mindx") as env:
            for name in names:
                env.ref(CRON_XMLIDS[name])._trigger()

    def probe(self, host):
        """True once `host` answers a request that reads the database."""
        browser = Browser([host], self.dbs["mindx"], "admin", "admin")
        try:
            browser.authenticate()
            browser.call("res.users", "read", [browser.uid], ["login"])
        except RequestFailed:
            return False
        return True

    def setup(self):
        install(self.args, self.dbs)
        self.odoo = Odoo(self.args, self.dbs)
        self.start_sinks()
        for key in MODULES:
            sizes = dict(
                self.sizes,
                agents=self.sizes["agents" if key == "mindx" else "mgmt_agents"],
            )
            self.cast[key] = setup_data(self.odoo, key, sizes, self.webhook.url())
        extra = ["--smtp=127.0.0.1", f"--smtp-port={self.smtp.port}"]
        for name in ("A", "B"):
            self.hosts_.append(
                OdooHost(self.args, name, self.dbs, (free_port(), free_port()), extra)
            )
        for host in self.hosts_:
            host.start()
            log(
                f"host {host.name}: {host.url}, {self.args.workers} HTTP workers "
                "+ 1 cron worker"
            )
        with self.odoo.env("mindx") as env:
            env.cr.execute("SELECT now() AT TIME ZONE 'UTC'")
            self.since = env.cr.fetchone()[0]

    def actors(self):
        actors = [
            Agent(self, "mindx", login, pw)
            for login, pw, _uid in self.cast["mindx"]["agents"]
        ]
        actors += [
            Agent(self, "mgmt", login, pw)
            for login, pw, _uid in self.cast["mgmt"]["agents"]
        ]
        actors += [
            Mailer(self, "mindx"),
            Mailer(self, "mgmt"),
            Manager(self),
            CronClock(self),
        ]
        return actors

    def drain_outbox(self, timeout=90):
        """Let the escalation outbox post what is due (its cron, triggered);
        a delivery waiting for its retry (1 to 8 minutes after a failure) is
        made due now, once: rewriting a row the cron is locking would only
        make the cron skip it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.odoo.reconnect()
            with self.odoo.env("mindx") as env:
                Delivery = env["helpdesk.escalation.delivery"]
                if not Delivery.search_count([("state", "=", "pending")]):
                    return True
                now = datetime.utcnow()
                Delivery.search(
                    [("state", "=", "pending"), ("next_attempt_date", ">", now)]
                ).write({"next_attempt_date": now})
                env.ref(CRON_XMLIDS["outbox"])._trigger()
            time.sleep(2)
        log(f"  escalation deliveries still pending after {timeout}s")
        return False

    def phase(self, name, seconds):
        """`seconds` of load with this phase's fault, then the invariants."""
        log(f"phase: {name} ({seconds:.0f} s)")
        self.stats.phase = name
        self.floor.open.set()
        started = time.monotonic()
        time.sleep(min(seconds / 4, 5))
        fault = {
            "cron worker killed": lambda: faults.kill_cron_mid_scan(self),
            "host restarted": lambda: faults.restart_host(self, self.hosts_[1]),
            "PostgreSQL restarted": lambda: faults.restart_pg(self),
        }.get(name, lambda: None)()
        time.sleep(max(0, seconds - (time.monotonic() - started)))
        self.floor.quiesce()
        loaded = time.monotonic() - started
        self.drain_outbox()
        checks = invariants.check_all(self)
        broken = {k: v[:5] for k, v in checks.items() if v}
        for check, lines in broken.items():
            log(f"  BROKEN {check}: {len(checks[check])}: {lines}")
        return {
            "name": name,
            "fault": fault,
            "load_seconds": loaded,
            "invariants": {k: v[:20] for k, v in checks.items()},
        }

    def load(self):
        actors = self.actors()
        for actor in actors:
            actor.start()
        self.warm_up(actors)
        phases = PHASES if not self.args.no_faults else PHASES[:1]
        seconds = self.sizes["seconds"] / len(PHASES)
        results = [self.phase(name, seconds) for name in phases]
        self.floor.stopped.set()
        self.floor.open.set()
        for actor in actors:
            actor.join(timeout=90)
        return results

    def warm_up(self, actors, timeout=120):
        """Every user logged in (20 password checks at once take seconds)
        before the phases: the "warm-up" phase, outside the steady figures."""
        self.stats.phase = "warm-up"
        self.floor.open.set()
        browsers = [actor.browser for actor in actors if hasattr(actor, "browser")]
        wait_until(
            lambda: all(browser.uid for browser in browsers),
            "every user to log in",
            timeout,
        )

    def stop(self):
        for host in self.hosts_:
            host.stop()

    def results(self, started, setup_s, phases):
        """What the run writes as JSON (report.table prints it)."""
        load_s = sum(p["load_seconds"] for p in phases)
        ops, errors = report.figures(self.stats, load_s)
        operations = sum(len(s) for s in self.stats.samples.values())
        return {
            "run": {
                "kind": self.kind,
                "started": started.isoformat(timespec="seconds"),
                "stamp": started.strftime("%Y%m%d-%H%M%S"),
                "command": os.environ.get("MINDX_LOADTEST_COMMAND", ""),
                "machine": report.machine(),
                "setup_seconds": round(setup_s),
                "load_seconds": load_s,
                "workers": self.args.workers,
                **{key: self.sizes[key] for key in ("agents", "mgmt_agents")},
                **{key: self.sizes[key] for key in ("tickets", "scan")},
            },
            "operations": ops,
            "requests_per_s": round(FAILOVERS["requests"] / load_s, 1),
            "total_per_s": round(operations / load_s, 1),
            "ratio_vs_mgmt": report.ratios(ops),
            "errors_by_phase": errors,
            "error_samples": report.error_samples(self.stats.errors),
            "phases": phases,
            "smtp": self.smtp_figures(),
            "failovers": FAILOVERS["count"],
            "webhook_posts": len(self.webhook_deliveries()),
            "cron_runs_by_host": self.cron_runs(),
        }


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="~30 s of load (CI)")
    parser.add_argument("--seconds", type=int, help="load time, all phases")
    parser.add_argument("--agents", type=int, help="simulated agents on the addon")
    parser.add_argument("--tickets", type=int, help="open tickets made at set-up")
    parser.add_argument("--workers", type=int, default=3, help="HTTP workers per host")
    parser.add_argument(
        "--no-faults", action="store_true", help="the steady phase only"
    )
    for name in ("config", "odoo-bin", "db-prefix", "log-dir", "out-dir", "pg-restart"):
        parser.add_argument(f"--{name}", required=True)
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    run = Run(args)
    started = datetime.now()
    try:
        t0 = time.monotonic()
        run.setup()
        setup_s = time.monotonic() - t0
        phases = run.load()
    except Exception:  # noqa: BLE001 - a set-up or fault failure: say so, exit 2
        traceback.print_exc()
        run.stop()
        return 2
    run.stop()
    results = run.results(started, setup_s, phases)
    print(report.table(results))
    path = report.write(results, args.out_dir, run.kind)
    log(f"figures written to {path}")
    broken = any(v for p in phases for v in p["invariants"].values())
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
