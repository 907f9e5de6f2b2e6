"""The quick load run (scripts/loadtest.sh --quick, README ▸ Deployment) as a
system test: two Odoo hosts in prefork mode on one database, ~30 s of agents,
emails, crons and a manager, a cron worker killed mid-scan, a host restarted,
PostgreSQL restarted; the build fails when an invariant breaks after any phase.

The run brings its own throw-away PostgreSQL cluster (it restarts it: never the
cluster the other tests use) and its own databases; it takes three to five
minutes, a minute and a half of it installing. MINDX_LOADTEST=0 skips it (a
quick local pass).

The checks themselves are tested too, without a run: given what the actors did
(the ledger) and what the database holds, a step or an email doubled or lost is
caught, one whose answer was lost may be there or not.
"""

import importlib
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts")
SCRIPT = os.path.join(SCRIPTS, "loadtest.sh")
GUARD = 1200  # seconds: a run that hangs fails instead of holding the build


@pytest.mark.skipif(
    os.environ.get("MINDX_LOADTEST") == "0", reason="MINDX_LOADTEST=0: load run skipped"
)
def test_quick_load_run_keeps_every_invariant(tmp_path):
    result = subprocess.run(
        [SCRIPT, "--quick", "--out-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=GUARD,
        check=False,
    )
    output = result.stdout + result.stderr[-6000:]
    assert result.returncode == 0, output
    with open(tmp_path / "latest-quick.json", encoding="utf-8") as file:
        figures = json.load(file)
    phases = {phase["name"]: phase for phase in figures["phases"]}
    assert list(phases) == [
        "steady",
        "cron worker killed",
        "host restarted",
        "PostgreSQL restarted",
    ], output
    for name, phase in phases.items():
        broken = {check: lines for check, lines in phase["invariants"].items() if lines}
        assert not broken, f"after {name}: {broken}"
    # the fault really hit the scan in its middle
    killed = phases["cron worker killed"]["fault"]
    assert (
        killed["killed"] and 0 < killed["flagged_before_kill"] < killed["due"]
    ), killed
    # the agents worked: steps were recorded through the dialogs and composers
    steps = [op for op in figures["operations"]["mindx"] if op.startswith("step ")]
    assert steps, output


# -- the checks themselves: a double or a loss is caught ------------------------------


class _Cursor:
    """Answers each execute() with the next of `answers` (rows)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.rows = []

    def execute(self, query, params=None):
        self.rows = self.answers.pop(0)

    def fetchall(self):
        return self.rows


def _loadtest(module):
    """A module of the package scripts/loadtest (scripts/ is not a package)."""
    sys.path.insert(0, SCRIPTS)
    try:
        return importlib.import_module(f"loadtest.{module}")
    finally:
        sys.path.remove(SCRIPTS)


def _run(steps=(), emails=()):
    """What the checks read of a run: its ledger (agent uid 7) and cast."""
    ledger = _loadtest("actors").Ledger()
    for ticket, step, outcome in steps:
        ledger.step("mindx", ticket, step, 7, outcome)
    for message_id, outcome in emails:
        ledger.email("mindx", message_id, outcome, True)
    cast = {"mindx": {"agents": [("agent", "agent", 7)]}}
    return SimpleNamespace(ledger=ledger, cast=cast, since="2026-01-01")


@pytest.mark.parametrize(
    "outcomes, rows, broken",
    [
        (["ok"], 1, False),
        (["ok"], 2, True),  # a step recorded twice
        (["ok"], 0, True),  # a step lost
        (["ok", "timeout"], 2, False),  # the lost answer's step was committed
        (["ok", "timeout"], 1, False),  # ... or not
        (["refused"], 1, True),  # a refused step recorded all the same
        (["concurrency"], 1, True),  # rolled back, yet recorded
    ],
)
def test_step_check_catches_doubles_and_losses(outcomes, rows, broken):
    run = _run(steps=[(42, "ack", outcome) for outcome in outcomes])
    found = [(42, "ack", 7, rows)] if rows else []
    wrong = _loadtest("invariants").steps_once(_Cursor(found, []), run)
    assert bool(wrong) == broken, wrong


@pytest.mark.parametrize(
    "outcome, stored, broken",
    [("ok", 1, False), ("ok", 2, True), ("ok", 0, True), ("timeout", 0, False)],
)
def test_inbound_check_catches_doubles_and_losses(outcome, stored, broken):
    run = _run(emails=[("<m@x>", outcome)])
    rows = [("<m@x>", stored, 1)] if stored else []
    wrong = _loadtest("invariants").inbound(_Cursor(rows), run, "mindx")
    assert bool(wrong) == broken, wrong
