"""What the run drives: the two databases, their data, the Odoo hosts, PostgreSQL.

Odoo is also loaded here as a library (the configuration of the run) to fill the
databases through the ORM and to check the invariants afterwards; the hosts are
real `odoo-bin` servers in prefork mode, started and stopped by their own pid.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import timedelta

ADDON = "mindx_helpdesk_process"
# the database keys: the addon with its demo, and helpdesk_mgmt alone (the reference)
MODULES = {"mindx": ADDON, "mgmt": "helpdesk_mgmt"}
# set-up data is made with tracking and notifications off (as the benchmark does)
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}
ALIAS_DOMAIN = "load.example.com"
CUSTOMERS = 50
BATCH = 1000
CRON_XMLIDS = {
    "scan": f"{ADDON}.ir_cron_flag_sla_breaches",
    "reminders": f"{ADDON}.ir_cron_remind_silent_resolved",
    "outbox": f"{ADDON}.ir_cron_deliver_escalations",
}


def wait_until(condition, what, timeout, every=0.5):
    """condition()'s first true value, polled every `every` seconds; an error
    saying `what` did not happen after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise RuntimeError(f"{what}: not within {timeout}s")


def log(message):
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Odoo:
    """Odoo as a library on the run's configuration: the ORM on both databases."""

    def __init__(self, args, dbs):
        import odoo

        odoo.tools.config.parse_config(
            ["-c", args.config, f"--logfile={args.log_dir}/loadgen-odoo.log"]
            + ["--log-level=warn"]
        )
        self.odoo, self.dbs, self.registries = odoo, dbs, {}

    def registry(self, key):
        from odoo.modules.registry import Registry

        if key not in self.registries:
            self.registries[key] = Registry(self.dbs[key])
        return self.registries[key]

    @contextmanager
    def env(self, key, context=None):
        """A superuser environment in a transaction committed at the end."""
        from odoo import SUPERUSER_ID, api

        with self.registry(key).cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, dict(context or {}))

    def reconnect(self):
        """Forget pooled connections (after PostgreSQL restarted)."""
        self.odoo.sql_db.close_all()


def install(args, dbs):
    """Both databases at once (two processes: the machine has two cores)."""
    procs = {}
    for key, modules in MODULES.items():
        log(f"installing {modules} (with its demo data) into {dbs[key]}")
        procs[key] = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, args.odoo_bin, "-c", args.config, "-d", dbs[key]]
            + ["-i", modules, "--stop-after-init", "--log-level=warn"]
            + [f"--logfile={args.log_dir}/install_{key}.log"]
        )
    for key, proc in procs.items():
        if proc.wait() != 0:
            raise SystemExit(f"installing {MODULES[key]} failed: {args.log_dir}")


# -- the data -------------------------------------------------------------------


def setup_data(odoo, key, sizes, webhook_url):
    """Agents, customers and open tickets; on the addon's database also due
    tickets for the breach scan, silent resolved ones for the reminders, the
    Dev Team webhook on the load sink and the crons made frequent.

    Returns the cast the actors need (logins, team, stages, ticket pools)."""
    with odoo.env(key, QUIET) as env:
        if not env.company.alias_domain_id:
            env.company.alias_domain_id = env["mail.alias.domain"].create(
                {"name": ALIAS_DOMAIN}
            )
        team = _team(env, key, webhook_url)
        agents = _agents(env, key, team, sizes["agents"])
        customers = env["res.partner"].create(
            [
                {"name": f"Customer {i}", "email": f"customer{i}.{key}@example.org"}
                for i in range(CUSTOMERS)
            ]
        )
        cast = {
            "team": team.id,
            "alias": team.alias_id.alias_full_name,
            "agents": [(user.login, user.login, user.id) for user in agents],
            "customers": customers.mapped("email"),
            "stages": _stages(env, key),
        }
    cast["first_ticket"] = _tickets(odoo, key, sizes["tickets"], cast, agents.ids)[0]
    if key == "mindx":
        with odoo.env(key, QUIET) as env:
            _frequent_crons(env)
            cast["leader"] = ("leader", "leader")
            cast["leader_id"] = env.ref(f"{ADDON}.user_leader_demo").id
        cast["due"] = _tickets(
            odoo, key, sizes["due"], cast, [cast["leader_id"]], due=True
        )
        _silent_resolved(odoo, sizes["resolved"], cast)
    return cast


def _team(env, key, webhook_url):
    if key == "mindx":
        team = env.ref(f"{ADDON}.team_lms_support_demo")
        team.write(
            {
                "escalation_webhook_kind": "generic",
                "escalation_webhook_url": webhook_url,
            }
        )
        # the sink listens on 127.0.0.1: allowed here only (README: webhooks)
        env["ir.config_parameter"].set_param(f"{ADDON}.webhook_allow_private", "True")
        return team
    return env["helpdesk.ticket.team"].create(
        {
            "name": "Support",
            "alias_name": "support",
            "user_id": env.ref("base.user_admin").id,
        }
    )


def _agents(env, key, team, count):
    groups = env.ref("base.group_user") | env.ref("helpdesk_mgmt.group_helpdesk_user")
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Load Agent {i:02d}",
                    "login": f"{key}agent{i:02d}",
                    "password": f"{key}agent{i:02d}",
                    "email": f"agent{i:02d}@{ALIAS_DOMAIN}",
                    "notification_type": "inbox",
                    "groups_id": [(6, 0, groups.ids)],
                }
                for i in range(count)
            ]
        )
    )
    team.user_ids = [(4, uid) for uid in users.ids]
    return users


def _stages(env, key):
    """The stages by process role (mgmt: its own stages under the same names)."""
    stages = env["helpdesk.ticket.stage"].search([])
    if key == "mindx":
        return {s.process_role: s.id for s in stages if s.process_role}
    names = {
        "new": "new",
        "in_progress": "in_progress",
        "waiting": "awaiting",
        "closed": "done",
        "cancelled": "cancelled",
    }
    return {
        role: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{xmlid}").id
        for role, xmlid in names.items()
    }


def _tickets(odoo, key, count, cast, user_ids, due=False, users=None):
    """`count` tickets through the ORM in committed batches, round-robin over
    `user_ids`; `due`: Expedite, received three hours ago (their ACK and
    resolution deadlines have passed: work for the breach scan)."""
    from odoo import fields

    ids = []
    received = fields.Datetime.now() - timedelta(hours=3)
    for offset in range(0, count, BATCH):
        vals = []
        for i in range(offset, min(count, offset + BATCH)):
            one = {
                "name": f"LMS is slow for class {i}" + (" (due)" if due else ""),
                "description": "<p>Students cannot submit their assignments.</p>",
                "team_id": cast["team"],
                "partner_id": None,
                "user_id": user_ids[i % len(user_ids)],
            }
            if key == "mindx":
                one["users_affected"] = users or (30 if due else 1 + i % 40)
                if due:
                    one["received_date"] = received
            vals.append(one)
        with odoo.env(key, QUIET) as env:
            partners = env["res.partner"].search([("email", "in", cast["customers"])])
            for i, one in enumerate(vals):
                one["partner_id"] = partners[i % len(partners)].id
            ids += env["helpdesk.ticket"].create(vals).ids
    log(f"  {key}: {count} {'due ' if due else ''}tickets created")
    return ids


def _frequent_crons(env):
    """The breach scan and the reminders every minute instead of 5 minutes and
    an hour (the run pokes them more often still, as a trigger would)."""
    for xmlid in ("scan", "reminders"):
        env.ref(CRON_XMLIDS[xmlid]).write(
            {"interval_number": 1, "interval_type": "minutes"}
        )


def _silent_resolved(odoo, count, cast):
    """Tickets resolved weeks ago whose customer never answered: half without
    the reminder yet (the cron sends one), half reminded weeks ago too (the
    cron confirms them by timeout). Their state is written directly (set-up)."""
    from odoo import fields

    from odoo.addons.mindx_helpdesk_process.models import sla_rules

    ids = _tickets(odoo, "mindx", count, cast, [cast["leader_id"]], users=1)
    long_ago = fields.Datetime.now() - timedelta(days=40)
    with odoo.env("mindx", QUIET) as env:
        env.cr.execute(
            """UPDATE helpdesk_ticket SET stage_id = %(stage)s,
                   assessment_date = %(at)s, ack_date = %(at)s,
                   investigation_date = %(at)s,
                   dev_response_date = %(at)s, resolution_date = %(at)s,
                   last_update_date = %(at)s,
                   process_role = 'resolved',
                   confirmation_reminder_date = CASE WHEN id %% 2 = 0 THEN %(later)s END
               WHERE id = ANY(%(ids)s)""",
            {
                "stage": cast["stages"]["resolved"],
                "at": long_ago,
                "later": long_ago + timedelta(days=10),
                "ids": ids,
            },
        )
        tickets = env["helpdesk.ticket"].browse(ids)
        tickets.invalidate_recordset()
        # their SLA deadlines as the process computes them from those dates
        for fname in sla_rules.DEADLINE_FIELDS:
            env.add_to_compute(tickets._fields[fname], tickets)
        tickets.flush_recordset()
        tickets._sla_refresh_status()
    cast["resolved"] = ids


# -- the hosts ------------------------------------------------------------------


class OdooHost:
    """One `odoo-bin` server in prefork mode: HTTP workers and a cron worker,
    serving both databases, its own HTTP and websocket ports."""

    def __init__(self, args, name, dbs, ports, extra=()):
        self.args, self.name, self.dbs, self.extra = args, name, dbs, list(extra)
        self.port, self.gevent_port = ports
        self.workers = args.workers
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = os.path.join(args.log_dir, f"odoo-{name}.log")
        self.process = None

    def command(self):
        names = ",".join(self.dbs.values())
        return [
            sys.executable,
            self.args.odoo_bin,
            "-c",
            self.args.config,
            "-d",
            names,
            f"--db-filter=^({'|'.join(self.dbs.values())})$",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={self.gevent_port}",
            f"--workers={self.workers}",
            "--max-cron-threads=1",
            "--limit-time-real=120",
            "--limit-time-cpu=60",
            # the breach scan's run (up to 10 batches) on a saturated machine
            "--limit-time-real-cron=300",
            "--log-level=info",
            f"--logfile={self.logfile}",
            *self.extra,
        ]

    def start(self, timeout=120):
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        wait_until(
            self.answers, f"host {self.name} to answer ({self.logfile})", timeout
        )
        return self

    def answers(self):
        """True once the login page is served (fails if the host exited)."""
        if self.process.poll() is not None:
            raise SystemExit(f"host {self.name} exited: see {self.logfile}")
        try:
            with urllib.request.urlopen(f"{self.url}/web/login", timeout=10) as resp:
                return resp.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self, timeout=60):
        """SIGTERM (Odoo's graceful stop: the workers finish their request), then
        SIGKILL of the whole group if it hangs."""
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for pid in self.children():
                os.kill(pid, signal.SIGKILL)
            self.process.kill()
            self.process.wait()

    def children(self):
        """The worker processes (pids) of this host's master."""
        path = f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        try:
            with open(path, encoding="ascii") as file:
                return [int(pid) for pid in file.read().split()]
        except OSError:
            return []

    def is_cron_worker(self, pid):
        """Whether `pid` is a cron worker of this host: a child of its master
        that its log announces as "Worker WorkerCron (<pid>) alive" (the
        process title says so only with setproctitle installed)."""
        if pid not in self.children():
            return False
        with open(self.logfile, encoding="utf-8", errors="replace") as log_file:
            return f"Worker WorkerCron ({pid}) alive" in log_file.read()


def restart_postgresql(command):
    """`pg_ctl restart -m fast` of the run's private cluster (its owner's)."""
    started = time.monotonic()
    subprocess.run(command, shell=True, check=True, capture_output=True)
    return time.monotonic() - started
