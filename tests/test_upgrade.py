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

USE_PREVIOUS = """
from datetime import datetime, timedelta
team = env["helpdesk.ticket.team"].create({"name": "Upgrade team"})
customer = env["res.partner"].create({"name": "Ha", "email": "ha@example.com"})
t0 = datetime(2026, 11, 1, 8, 0)
tickets = env["helpdesk.ticket"].create([
    {"name": f"Before upgrade {i}", "team_id": team.id, "partner_id": customer.id,
     "description": "x", "users_affected": 10, "is_blocking": True,
     "received_date": t0}
    for i in range(3)
])
done = tickets[0]
for step in ("assess", "ack", "investigate"):
    done._process_record_step(step)
env["helpdesk.ticket.step"].search([("ticket_id", "=", done.id)]).write(
    {"date": t0 + timedelta(minutes=20)})
# an update breach per missed window, as the old scan opened them
waiting = tickets[1]
waiting.sudo().write({"ack_date": t0, "last_update_date": t0})
env["helpdesk.sla.breach"].create([
    {"ticket_id": waiting.id, "kind": "update", "detected_date": t0,
     "deadline": t0 + timedelta(minutes=minutes)}
    for minutes in (15, 30, 45)
])
cancelled = env["helpdesk.ticket.stage"].search([("process_role", "=", "cancelled")])
tickets[2].with_context(process_move_reason="spam").stage_id = cancelled[:1]
env.cr.commit()
print("VERSION", env.ref("base.module_mindx_helpdesk_process").latest_version)
print("STEPS", env["helpdesk.ticket.step"].search_count([]))
"""

CHECK_UPGRADED = """
tickets = env["helpdesk.ticket"].search([("name", "like", "Before upgrade")])
steps = tickets.process_step_ids
print("VERSION", env.ref("base.module_mindx_helpdesk_process").latest_version)
print("STEPS", len(steps))
print("TARGETS", sorted((s.step, s.target_state or "-") for s in steps))
print("CLASSES", sorted(set(tickets.mapped("class_of_service"))))
rows = env["helpdesk.process.analysis"]._read_group(
    [("ticket_id", "in", tickets.ids)], [], ["__count", "ack_rate:avg"])
print("ANALYSIS", rows[0][0], rows[0][1])
print("LANG", sorted(set(tickets.mapped("incident_report_lang"))))
by_name = {ticket.name: ticket for ticket in tickets}
updates = by_name["Before upgrade 1"].sla_breach_ids.filtered(
    lambda b: b.kind == "update")
print("UPDATE_BREACHES", len(updates), updates.windows_missed, updates.deadline)
print("CANCELLED_STATUS", by_name["Before upgrade 2"].sla_status)
"""


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
    before = odoo_bin(db, previous, script=USE_PREVIOUS)
    assert "VERSION 18.0.1.0.0" in before, before
    assert "STEPS 3" in before, before

    odoo_bin(db, "-u", ADDON, "--stop-after-init")
    after = odoo_bin(db, script=CHECK_UPGRADED)
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
    assert "CANCELLED_STATUS False" in after, after
