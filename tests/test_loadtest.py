"""The quick load run (scripts/loadtest.sh --quick, README ▸ Deployment) as a
system test: two Odoo hosts in prefork mode on one database, ~30 s of agents,
emails, crons and a manager, a cron worker killed mid-scan, a host restarted,
PostgreSQL restarted; the build fails when an invariant breaks after any phase.

The run brings its own throw-away PostgreSQL cluster (it restarts it: never the
cluster the other tests use) and its own databases; it takes two to three
minutes, most of it installing. MINDX_LOADTEST=0 skips it (a quick local pass).
"""

import json
import os
import subprocess

import pytest

SCRIPT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "loadtest.sh"
)
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
