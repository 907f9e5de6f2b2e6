"""The run's figures: one table on the terminal, the same as JSON."""

import json
import os
import statistics
from collections import Counter

ERROR_KINDS = (
    "http_5xx",
    "concurrency",
    "server_error",
    "timeout",
    "connection",
    "logged_out",
    "http_4xx",
    "actor_error",
)


def _percentile(values, pct):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def figures(stats, seconds):
    """{db: {op: figures}} of every operation, and the errors by kind and phase."""
    ops = {}
    for (db, op), samples in sorted(stats.samples.items()):
        # a refusal (the gate's answer) is an answer: timed as well
        ok = [sec for _p, sec, outcome in samples if outcome in ("ok", "refused")]
        steady = [
            sec
            for phase, sec, outcome in samples
            if phase == "steady" and outcome in ("ok", "refused")
        ]
        outcomes = Counter(outcome for _phase, _sec, outcome in samples)
        ops.setdefault(db, {})[op] = {
            "count": len(samples),
            "per_s": round(len(samples) / seconds, 2),
            "p50_ms": _ms(_percentile(ok, 50)),
            "p95_ms": _ms(_percentile(ok, 95)),
            "p99_ms": _ms(_percentile(ok, 99)),
            "mean_ms": _ms(statistics.fmean(ok)) if ok else None,
            "steady_p50_ms": _ms(_percentile(steady, 50)),
            "steady_p95_ms": _ms(_percentile(steady, 95)),
            "refused": outcomes["refused"],
            "errors": {kind: outcomes[kind] for kind in ERROR_KINDS if outcomes[kind]},
        }
    by_phase = Counter((phase, kind) for phase, _db, _op, kind, _d in stats.errors)
    return ops, {f"{phase}: {kind}": n for (phase, kind), n in sorted(by_phase.items())}


def error_samples(errors, per_kind=3):
    """A few errors of each (phase, operation, kind), with their detail."""
    seen, samples = Counter(), []
    for phase, db, op, kind, detail in errors:
        seen[(phase, op, kind)] += 1
        if seen[(phase, op, kind)] <= per_kind:
            samples.append([phase, db, op, kind, detail])
    return samples


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


def ratios(ops):
    """Ours against helpdesk_mgmt alone, for the operations both have, in the
    steady phase (both databases on the same hosts at the same time, no
    fault)."""
    common = sorted(set(ops.get("mindx", {})) & set(ops.get("mgmt", {})))
    out = {}
    for op in common:
        ours, ref = ops["mindx"][op], ops["mgmt"][op]
        out[op] = {
            key: round(ours[key] / ref[key], 2) if ours[key] and ref[key] else None
            for key in ("steady_p50_ms", "steady_p95_ms")
        }
    return out


def machine():
    """The machine the figures were taken on (they depend on it)."""
    uname = os.uname()
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        models = [
            line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line
        ]
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        memory_kb = int(meminfo.readline().split()[1])
    return {
        "host": uname.nodename,
        "kernel": uname.release,
        "cpus": os.cpu_count(),
        "cpu_model": models[0] if models else "",
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "load_average_1min_at_end": os.getloadavg()[0],
    }


def table(results):
    """The figures as the text table the run prints."""
    run = results["run"]
    lines = [
        f"Load run {run['kind']} ({run['started']}, {run['command']}, "
        f"{run['load_seconds']:.0f} s of load, "
        f"{run['agents']} agents + {run['mgmt_agents']} on helpdesk_mgmt, 2 hosts x "
        f"{run['workers']} workers + 1 cron worker each, "
        f"{run['tickets']} open tickets)",
        f"{'db':6} {'operation':24} {'count':>6} {'/s':>6} {'p50':>8} {'p95':>8} "
        f"{'p99':>8} {'refused':>7}  errors          | vs mgmt (steady) p50 p95",
        *_rows(results),
        f"total: {results['requests_per_s']} HTTP requests/s "
        f"({results['total_per_s']} user operations/s); requests a stopped host "
        f"refused, served by the other: {results['failovers']}; errors by phase: "
        f"{results['errors_by_phase'] or 'none'}",
        f"emails received by the SMTP sink: {results['smtp']['received']}, sent "
        f"twice: {len(results['smtp']['sent_twice'])}; webhook posts: "
        f"{results['webhook_posts']}; cron runs by host: "
        f"{results['cron_runs_by_host']}",
    ]
    for phase in results["phases"]:
        broken = {k: len(v) for k, v in phase["invariants"].items() if v}
        lines.append(
            f"after {phase['name']}: {phase.get('fault') or ''} invariants "
            + ("all held" if not broken else f"BROKEN {broken}")
        )
    return "\n".join(lines)


def _rows(results):
    """One line per (database, operation), with its ratio to helpdesk_mgmt."""
    ratio = results["ratio_vs_mgmt"]
    for db, ops in results["operations"].items():
        for op, fig in ops.items():
            errors = ", ".join(f"{k} {n}" for k, n in fig["errors"].items()) or "-"
            vs = ""
            if db == "mindx" and op in ratio:
                vs = f"x{ratio[op]['steady_p50_ms']} x{ratio[op]['steady_p95_ms']}"
            yield (
                f"{db:6} {op:24} {fig['count']:>6} {fig['per_s']:>6} "
                f"{_fmt(fig['p50_ms'])} {_fmt(fig['p95_ms'])} {_fmt(fig['p99_ms'])} "
                f"{fig['refused']:>7}  {errors:15} | {vs}"
            )


def _fmt(value):
    return f"{value:>6.0f}ms" if value is not None else f"{'-':>8}"


def write(results, out_dir, kind):
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"loadtest-{kind}-{results['run']['stamp']}.json")
    for name in (path, os.path.join(out_dir, f"latest-{kind}.json")):
        with open(name, "w", encoding="utf-8") as file:
            json.dump(results, file, indent=2, default=str)
    return path
