"""Upgrade from the previous release to this checkout, on a helpdesk in use.

The previous release is taken from git (PREVIOUS_RELEASE, the commit that shipped
18.0.1.0.0), installed with odoo-bin into a database of its own and used (tickets
through the steps, a breach), then `-u` runs with the current code. Between the
two, new stored fields appear (each step's SLA target and on-time state, the
report's language, the compliance analysis) and the access rules change: the ORM
computes the new fields of existing rows at the upgrade. 18.0.1.3.0's migration
scripts merge the open update breaches that earlier versions opened one per missed
window into one per ticket, and give finished tickets their final SLA status.
"""

import ast
import os
import subprocess

import pytest

from ._system import ADDON, odoo_bin, used_helpdesk_copy

PREVIOUS_RELEASE = "a8f2c09"  # 18.0.1.0.0, end of session 1
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _previous_release_addons(tmp_path):
    """The previous release's addon, exported from git next to nothing else."""
    found = subprocess.run(
        ["git", "-C", REPO, "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if found.returncode:
        pytest.skip(f"commit {PREVIOUS_RELEASE} is not in this clone (shallow?)")
    target = tmp_path / "previous"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", REPO, "archive", PREVIOUS_RELEASE, ADDON],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def _addons_path(addon_dir):
    """The run's addons path with our addon's folder replaced by `addon_dir`."""
    import odoo

    paths = odoo.tools.config["addons_path"].split(",")
    return ",".join(str(addon_dir) if os.path.realpath(p) == REPO else p for p in paths)


@pytest.fixture
def upgrade_database(request):
    with used_helpdesk_copy(request, "upg") as name:
        yield name


def _current_version():
    with open(os.path.join(REPO, ADDON, "__manifest__.py")) as manifest:
        return ast.literal_eval(manifest.read())["version"]


def test_upgrade_from_previous_release(upgrade_database, tmp_path):
    db = upgrade_database
    previous = f"--addons-path={_addons_path(_previous_release_addons(tmp_path))}"
    odoo_bin(db, previous, "-i", ADDON, "--without-demo=all", "--stop-after-init")
    before = odoo_bin(db, previous, script="upgrade_use_previous.py")
    assert "VERSION 18.0.1.0.0" in before, before
    assert "STEPS 3" in before, before

    odoo_bin(db, "-u", ADDON, "--stop-after-init")
    after = odoo_bin(db, script="upgrade_check.py")
    assert f"VERSION {_current_version()}" in after, after
    assert "STEPS 3" in after, after
    # the ACK logged 20 minutes after receipt, against Priority's 15: late; the
    # assessment and the investigation have no target
    assert "TARGETS [('ack', 'missed'), ('assess', '-'), ('investigate', '-')]" in after
    assert "CLASSES ['priority']" in after, after
    # ACKs: the first ticket's late, the second's on time, the cancelled one's
    # not due
    assert "ANALYSIS 3 50.0" in after, after
    assert "LANG ['en_US']" in after, after
    assert "UPDATE_BREACHES 1 3 2026-11-01 08:15:00" in after, after
    assert "BREACH_COUNT 1" in after, after
    assert "CANCELLED_STATUS False" in after, after
