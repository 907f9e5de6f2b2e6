"""The benchmark's output: the table with its verdicts, the set-up times, the query
plans, and the results as JSON (README.md, "Performance", quotes the table)."""

import json
import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path

from .harness import REPO_DIR

COLUMNS = ["figure", "measure", "ours", "reference", "ratio", "target", "result"]
HEADS = ["figure", "measure", "ours (mindx)", "reference", "ratio", "target", ""]

# --- formatting -----------------------------------------------------------------


def fmt_seconds(value):
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def fmt_time(stats):
    return (
        f"{fmt_seconds(stats['median'])} "
        f"[{fmt_seconds(stats['min'])}–{fmt_seconds(stats['max'])}]"
    )


def fmt_count(stats, unit="q"):
    if stats["min"] == stats["max"]:
        return f"{stats['median']:g} {unit}"
    return f"{stats['median']:g} {unit} [{stats['min']:g}–{stats['max']:g}]"


def tq(data):
    """A measurement's time, CPU time and queries, as the table shows them."""
    return (
        f"{fmt_time(data['time'])}, cpu {fmt_seconds(data['cpu']['median'])}, "
        f"{fmt_count(data['queries'])}"
    )


def ratio(a, b):
    return a / b if b else float("inf")


def verdict(ok):
    return "MET" if ok else "MISSED"


def row(figure, what, ours, ref="", rat="", target="", ok=None):
    """One line of the table; `ok` is the target's verdict (None: no target)."""
    return {
        "figure": figure,
        "measure": what,
        "ours": ours,
        "reference": ref,
        "ratio": rat,
        "target": target,
        "result": verdict(ok) if ok is not None else "",
    }


# --- the report -----------------------------------------------------------------


def in_order(figures):
    """The figures in the order of their numbers (the table's, not the run's)."""
    return sorted(figures, key=lambda f: f.number)


def build_rows(figures, results):
    """The table: each figure's rows (figures.base.Figure.rows)."""
    return [r for fig in in_order(figures) for r in fig.rows(results)]


def format_table(rows):
    widths = [
        max(len(h), *(len(str(r[c])) for r in rows))
        for c, h in zip(COLUMNS, HEADS, strict=True)
    ]
    lines = [" | ".join(h.ljust(w) for h, w in zip(HEADS, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for r in rows:
        lines.append(
            " | ".join(str(r[c]).ljust(w) for c, w in zip(COLUMNS, widths, strict=True))
        )
    return "\n".join(line.rstrip() for line in lines)


def format_setup(setup):
    width = max(len(k) for k in setup)
    return "\n".join(f"  {k.ljust(width)}  {v:8.1f} s" for k, v in setup.items())


def format_explains(figures, results):
    """The query plans the figures show (figures.base.Figure.explains)."""
    out = []
    for fig in in_order(figures):
        for title, plans in fig.explains(results):
            out.append(f"== {title}")
            for plan in plans:
                out += [f"-- {plan['query']}", plan["plan"], ""]
    return "\n".join(out)


def environment(postgresql):
    from importlib.metadata import version

    def git(*args):
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=REPO_DIR
        ).stdout.strip()

    return {
        "machine": platform.node(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "helpdesk_mgmt": version("odoo-addon-helpdesk_mgmt"),
        "helpdesk_mgmt_sla": version("odoo-addon-helpdesk_mgmt_sla"),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "addon_uncommitted_changes": git(
            "status", "--porcelain", "mindx_helpdesk_process"
        ).splitlines(),
        "postgresql": postgresql,
    }


def write_json(results, out_dir):
    """bench-<stamp>-<kind>.json and latest-<kind>.json in out_dir; the first's path."""
    kind = results["run"]["kind"]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"bench-{stamp}-{kind}.json"
    text = json.dumps(results, indent=2, default=str)
    path.write_text(text)
    (out_dir / f"latest-{kind}.json").write_text(text)
    return path


def print_report(figures, results, path):
    """What the run prints on stdout, the table first, the JSON file's path last."""
    run, env, rows = results["run"], results["environment"], results["table"]
    print()
    print(
        f"Benchmark ({run['kind']}: {run['sizes']}), {env['cpus']} CPUs, "
        f"PostgreSQL {env['postgresql']}, helpdesk_mgmt {env['helpdesk_mgmt']}, "
        f"helpdesk_mgmt_sla {env['helpdesk_mgmt_sla']}"
    )
    print(
        f"Median [min–max] of {run['runs']} runs after {run['warmup']} warm-up, "
        "interleaved; q = SQL queries; cpu = this process's CPU time"
    )
    print(format_table(rows))
    print()
    print("Set-up (outside the figures):")
    print(format_setup(results["setup"]))
    print(f"  whole run: {run['total_s']:.0f} s")
    print()
    print(format_explains(figures, results))
    missed = [f"{r['figure']}: {r['measure']}" for r in rows if r["result"] == "MISSED"]
    print(f"Targets missed: {'; '.join(missed) or 'none'}")
    shown = path.relative_to(REPO_DIR) if path.is_relative_to(REPO_DIR) else path
    print(f"Results: {shown}")
