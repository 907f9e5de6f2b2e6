"""Odoo as a library, the benchmark's databases and the measuring of the figures."""

import importlib
import os
import re
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]

# Set-up data is made with tracking and mail notifications off.
BULK_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}
CUSTOMERS = 50
ALIAS_DOMAIN = "bench.example.com"
ALIAS_NAME = "support"
PRIORITY_USERS = 5  # Priority under the default policy (Standard: 1 to 4)

SIZES = {
    "full": {"big": 100_000, "due": 1_000, "n": 1_000, "batch": 2_000},
    "quick": {"big": 5_000, "due": 1_000, "n": 200, "batch": 1_000},
}
# the databases, by key: what each has installed
MODULES = {
    "mgmt": "helpdesk_mgmt",
    "sla": "helpdesk_mgmt,helpdesk_mgmt_sla",
    "mindx": "mindx_helpdesk_process",
}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def summary(values):
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": list(values),
    }


class Harness:
    """The three databases (keys of MODULES) and the measuring done on them.

    ``results`` is what the run writes as JSON: ``run`` (sizes, runs), ``setup``
    (the time of each set-up step, outside the figures) and ``figures`` (filled by
    the figures, one key each)."""

    def __init__(self, args):
        self.args = args
        self.sizes = dict(SIZES["quick" if args.quick else "full"])
        for key in ("big", "due", "n", "batch"):
            if getattr(args, key) is not None:
                self.sizes[key] = getattr(args, key)
        self.results = {
            "run": {
                "started": datetime.now().isoformat(timespec="seconds"),
                "kind": "quick" if args.quick else "full",
                "sizes": self.sizes,
                "runs": args.runs,
                "warmup": args.warmup,
            },
            "setup": {},
            "figures": {},
        }
        self.dbs = {key: f"{args.db_prefix}_{key}" for key in MODULES}
        self.registries = {}
        self.ctxs = {}
        self.postgresql = None

    # -- Odoo as a library -------------------------------------------------------

    def init_odoo(self):
        import odoo

        odoo.tools.config.parse_config(
            [
                "-c",
                self.args.config,
                f"--logfile={self.args.log_dir}/odoo.log",
                "--log-level=warn",
            ]
        )
        self.odoo = odoo
        self._no_outgoing_email()

    def _no_outgoing_email(self):
        """No email leaves the benchmark (committed set-up steps could send some)."""
        from odoo.addons.base.models.ir_mail_server import IrMailServer

        def connect(self, *args, **kwargs):
            return None

        def send_email(self, message, *args, **kwargs):
            return message["Message-Id"]

        IrMailServer.connect = connect
        IrMailServer.send_email = send_email

    @property
    def web_client(self):
        """The web client's requests for a view (the addon's
        tools/web_client.py), importable once Odoo knows its addons path."""
        return importlib.import_module(
            "odoo.addons.mindx_helpdesk_process.tools.web_client"
        )

    def registry(self, key):
        from odoo.modules.registry import Registry

        if key not in self.registries:
            self.registries[key] = Registry(self.dbs[key])
        return self.registries[key]

    @contextmanager
    def env(self, key, commit=True, context=None):
        from odoo import SUPERUSER_ID, api

        with self.registry(key).cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, dict(context or {}))
            if not commit:
                cr.rollback()

    # -- measuring ---------------------------------------------------------------

    def measure_once(self, key, action, prepare=None, context=None):
        """One run of `action(env, prepared)` in a transaction rolled back after."""
        from odoo import SUPERUSER_ID, api

        with self.registry(key).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, dict(context or {}))
            prepared = prepare(env) if prepare else None
            cr.flush()
            env.invalidate_all()
            q0 = self.odoo.sql_db.sql_counter
            c0 = time.process_time()
            t0 = time.perf_counter()
            result = action(env, prepared)
            cr.flush()
            elapsed = time.perf_counter() - t0
            cpu = time.process_time() - c0
            queries = self.odoo.sql_db.sql_counter - q0
            cr.rollback()
        return elapsed, cpu, queries, result

    def measure(self, specs, runs=None):
        """Measure each spec {name: (db key, action, prepare, context)}: warm-up runs
        then `runs` runs, interleaved (each spec once per round, the order rotating
        from round to round). Returns {name: {time, cpu, queries, result, load}}."""
        names = list(specs)
        raw = {name: {"time": [], "cpu": [], "queries": []} for name in names}
        results = {}
        loads = [os.getloadavg()[0]]
        total = self.args.warmup + (runs or self.args.runs)
        for round_ in range(total):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                key, action, prepare, context = specs[name]
                elapsed, cpu, queries, result = self.measure_once(
                    key, action, prepare, context
                )
                results[name] = result
                if round_ >= self.args.warmup:
                    raw[name]["time"].append(elapsed)
                    raw[name]["cpu"].append(cpu)
                    raw[name]["queries"].append(queries)
            loads.append(os.getloadavg()[0])
        load = {"min": min(loads), "max": max(loads)}
        return {
            name: {
                "time": summary(raw[name]["time"]),
                "cpu": summary(raw[name]["cpu"]),
                "queries": summary(raw[name]["queries"]),
                "result": results[name],
                "load_1min": load,
            }
            for name in names
        }

    @contextmanager
    def capture_sql(self, cr):
        """The SQL the ORM sends on `cr` (as sent, parameters included)."""
        from odoo.sql_db import Cursor

        queries = []
        original = Cursor.execute

        def execute(this, query, params=None, log_exceptions=True):
            res = original(this, query, params, log_exceptions)
            if this is cr:
                queries.append(this._obj.query.decode())
            return res

        Cursor.execute = execute
        try:
            yield queries
        finally:
            Cursor.execute = original

    def explain(self, cr, query):
        cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
        plan = "\n".join(row[0] for row in cr.fetchall())
        return {
            "query": query,
            "plan": plan,
            "indexes": sorted(
                set(re.findall(r"Index (?:Only )?Scan(?: Backward)? using (\w+)", plan))
                | set(re.findall(r"Bitmap Index Scan on (\w+)", plan))
            ),
            "seq_scans": sorted(set(re.findall(r"Seq Scan on (\w+)", plan))),
            "execution_ms": float(
                re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)
            ),
        }

    def explain_action(self, key, action, keep, prepare=None):
        """EXPLAIN ANALYZE of the SELECTs `action(env)` sends that `keep` matches,
        in a transaction rolled back after (`prepare(env)` first)."""
        with self.env(key, commit=False) as env:
            if prepare:
                prepare(env)
                env.cr.flush()
            env.invalidate_all()
            with self.capture_sql(env.cr) as sql:
                action(env)
            return [self.explain(env.cr, q) for q in sql if keep(q)]

    # -- databases ---------------------------------------------------------------

    @contextmanager
    def setup_step(self, label):
        """Time a set-up step (outside the figures) as results["setup"][label]."""
        t0 = time.perf_counter()
        yield
        self.results["setup"][label] = time.perf_counter() - t0

    def setup(self):
        """Odoo, then the three databases installed and given their common data."""
        self.init_odoo()
        for key in MODULES:
            self.install(key)
        for key in MODULES:
            self.setup_common(key)
        with self.env("mindx", commit=False) as env:
            env.cr.execute("SHOW server_version")
            self.postgresql = env.cr.fetchone()[0]

    def install(self, key):
        db, modules = self.dbs[key], MODULES[key]
        log(f"installing {modules} into {db}")
        with self.setup_step(f"install {modules} ({key})"):
            subprocess.run(
                [
                    sys.executable,
                    self.args.odoo_bin,
                    "-c",
                    self.args.config,
                    "-d",
                    db,
                    "-i",
                    modules,
                    "--stop-after-init",
                    "--without-demo=all",
                    "--log-level=warn",
                    f"--logfile={self.args.log_dir}/install_{key}.log",
                ],
                check=True,
            )

    def setup_common(self, key):
        """An agent (team leader), a team reached by email, 50 customers; on the
        sla database, the team's SLA."""
        with (
            self.setup_step(f"set-up: team, alias, users ({key})"),
            self.env(key, context=BULK_CONTEXT) as env,
        ):
            domain = env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
            env.company.alias_domain_id = domain
            agent = self._create_agent(env)
            team = env["helpdesk.ticket.team"].create(
                {
                    "name": "Support",
                    "alias_name": ALIAS_NAME,
                    "user_ids": [(6, 0, agent.ids)],
                    "user_id": agent.id,
                }
            )
            alias = team.alias_id.alias_full_name
            assert alias == f"{ALIAS_NAME}@{ALIAS_DOMAIN}", alias
            customers = env["res.partner"].create(
                [
                    {"name": f"Customer {i}", "email": f"customer{i}@example.com"}
                    for i in range(CUSTOMERS)
                ]
            )
            stages = {
                name: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{name}").id
                for name in ("new", "in_progress", "done")
            }
            if key == "sla":
                self._create_sla(env, team, stages["done"])
            self.ctxs[key] = {
                "agent": agent.id,
                "team": team.id,
                "alias": alias,
                "customers": customers.ids,
                "stages": stages,
            }

    @staticmethod
    def _create_agent(env):
        return Harness.create_user(
            env,
            "helpdesk_mgmt.group_helpdesk_user",
            name="Bench Agent",
            login="bench_agent",
            email="agent@bench.example.com",
            notification_type="inbox",
        )

    @staticmethod
    def create_user(env, group, **values):
        """An internal user of the helpdesk `group` (an XML id)."""
        groups = env.ref("base.group_user") | env.ref(group)
        return (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create({**values, "groups_id": [(6, 0, groups.ids)]})
        )

    @staticmethod
    def _create_sla(env, team, done_stage_id):
        """helpdesk_mgmt_sla's rule: the team's tickets Done within 4 hours."""
        team.use_sla = True
        env["helpdesk.sla"].create(
            {
                "name": "Done within 4 hours",
                "team_ids": [(6, 0, team.ids)],
                "hours": 4,
                "stage_id": done_stage_id,
            }
        )

    def ticket_vals(self, key, i, **extra):
        ctx = self.ctxs[key]
        vals = {
            "name": f"LMS is slow for class {i}",
            "description": "<p>Students cannot submit their assignments.</p>",
            "team_id": ctx["team"],
            "partner_id": ctx["customers"][i % CUSTOMERS],
            "user_id": ctx["agent"],
        }
        vals.update(extra)
        return vals

    def create_tickets(self, key, count, label, start=0, **extra):
        """Create `count` tickets through the ORM in batches, committed."""
        batch = self.sizes["batch"]
        ids = []
        t0 = time.perf_counter()
        with self.setup_step(label):
            for offset in range(0, count, batch):
                size = min(batch, count - offset)
                with self.env(key, context=BULK_CONTEXT) as env:
                    tickets = env["helpdesk.ticket"].create(
                        [
                            self.ticket_vals(key, start + offset + i, **extra)
                            for i in range(size)
                        ]
                    )
                    ids += tickets.ids
                done = offset + size
                if done % (batch * 10) == 0 or done == count:
                    elapsed = time.perf_counter() - t0
                    log(f"  {label}: {done}/{count} ({done / elapsed:.0f} tickets/s)")
        return ids

    def analyze(self, key):
        with self.setup_step(f"ANALYZE ({key})"), self.env(key) as env:
            env.cr.execute("ANALYZE")
