"""The faults injected under load; each returns what happened, for the report.

The agents keep working through each of them (a request in flight may fail);
the run then waits for the service to recover by itself and checks the same
invariants as after the steady phase.
"""

import os
import signal
import time

from .stack import CRON_XMLIDS, _tickets, log, restart_postgresql, wait_until

GUARD = 240  # seconds any wait of a fault may take at most


def _wait(condition, what, timeout=GUARD, every=0.1):
    return wait_until(condition, what, timeout, every)


def _flagged(run, ids):
    with run.odoo.env("mindx") as env:
        env.cr.execute(
            "SELECT count(DISTINCT ticket_id) FROM helpdesk_sla_breach "
            "WHERE ticket_id = ANY(%s)",
            [ids],
        )
        return env.cr.fetchone()[0]


def _scan_holder(run):
    """The pid of the cron worker running the breach scan.

    Odoo's cron runner keeps the job's ir.cron row locked (FOR NO KEY UPDATE)
    on a connection the worker opened itself, named odoo-<its pid> (Odoo's
    application_name): the locker is read from the row's xmax, a multixact
    when the row is also key-share locked (the job's progress rows)."""
    query = (
        "SELECT a.application_name FROM pg_stat_activity a WHERE a.backend_xid = "
        "ANY(ARRAY(SELECT xid FROM pg_get_multixact_members(%s) "
        "WHERE mode = 'fornokeyupd'))"
    )
    with run.odoo.env("mindx") as env:
        cron = env.ref(CRON_XMLIDS["scan"])
        env.cr.execute("SELECT xmax FROM ir_cron WHERE id = %s", [cron.id])
        xmax = env.cr.fetchone()[0]
        try:
            with env.cr.savepoint():
                env.cr.execute(query, [xmax])
                row = env.cr.fetchone()
        except Exception:  # noqa: BLE001 - not a multixact: a plain locker
            env.cr.execute(
                "SELECT application_name FROM pg_stat_activity "
                "WHERE backend_xid::text = %s",
                [str(xmax)],
            )
            row = env.cr.fetchone()
    name = row[0] if row else ""
    return int(name.rsplit("-", 1)[1]) if name.startswith("odoo-") else None


def kill_cron_mid_scan(run):
    """Make a few thousand tickets due at once, let a cron worker start the
    breach scan, SIGKILL it once a batch is committed and before the last; the
    scan's committed batches stay, the killed one is rolled back, and a later
    run (any host's cron worker, respawned or not) flags the rest."""
    count = run.sizes["scan"]
    cast = run.cast["mindx"]
    ids = _tickets(run.odoo, "mindx", count, cast, [cast["leader_id"]], due=True)
    run.trigger_crons(("scan",))
    started = time.monotonic()
    flagged = _wait(
        lambda: _flagged(run, ids), "the breach scan's first batch", every=0.05
    )
    pid = _wait(
        lambda: (_scan_holder(run) if _flagged(run, ids) < count else -1),
        "the scan's holder",
        every=0.05,
    )
    hosts = [host.name for host in run.hosts_ if pid > 0 and host.is_cron_worker(pid)]
    if not hosts:
        return {
            "killed": None,
            "note": f"the scan ended or ran outside a cron worker ({pid})",
        }
    flagged = _flagged(run, ids)
    os.kill(pid, signal.SIGKILL)
    log(f"  SIGKILL cron worker {pid} of host {hosts[0]}: {flagged}/{count} flagged")
    run.trigger_crons(("scan",))
    _wait(
        lambda: _flagged(run, ids) == count,
        "the scan to finish after the kill",
        every=0.5,
    )
    return {
        "killed": pid,
        "host": hosts[0],
        "flagged_before_kill": flagged,
        "due": count,
        "all_flagged_after_s": round(time.monotonic() - started, 1),
    }


def restart_host(run, host, down=5):
    """Stop one host (SIGTERM) while the agents work on it, restart it after
    `down` seconds."""
    started = time.monotonic()
    host.stop()
    stopped = time.monotonic() - started
    time.sleep(down)
    host.start()
    log(
        f"  host {host.name} stopped in {stopped:.1f}s, back after "
        f"{time.monotonic() - started:.1f}s"
    )
    return {
        "host": host.name,
        "stop_s": round(stopped, 1),
        "back_after_s": round(time.monotonic() - started, 1),
    }


def restart_pg(run):
    """`pg_ctl restart -m fast` under load: every connection is cut; how long
    until both hosts answer a database request again."""
    took = restart_postgresql(run.args.pg_restart)
    run.odoo.reconnect()
    started = time.monotonic()
    for host in run.hosts:
        _wait(
            lambda host=host: run.probe(host),
            f"{host} to answer after the restart",
            every=0.5,
        )
    recovered = time.monotonic() - started
    log(
        f"  PostgreSQL restarted in {took:.1f}s; both hosts answered "
        f"{recovered:.1f}s later"
    )
    return {"restart_s": round(took, 1), "hosts_answer_after_s": round(recovered, 1)}
