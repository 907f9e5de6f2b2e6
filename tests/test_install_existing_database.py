"""Install into, and uninstall from, a database that already has helpdesk tickets.

A system test: it drives odoo-bin in subprocesses on a second database of the same
server (named after the test database, so parallel runs never collide), the way an
admin adds the addon to a helpdesk that has been in use for a while.
"""

import subprocess
import sys
import uuid

import pytest

import odoo
from odoo.sql_db import db_connect

ADDON = "mindx_helpdesk_process"

# Run inside `odoo-bin shell` before installing: tickets in every stage, including one
# an admin created, and an admin stage that closes tickets.
SEED_EXISTING = """
Stage = env["helpdesk.ticket.stage"]
solved = Stage.create({"name": "Solved by phone", "closed": True, "sequence": 9})
team = env["helpdesk.ticket.team"].create({"name": "Old team"})
for stage in Stage.search([]):
    env["helpdesk.ticket"].create(
        {"name": "Before install in " + stage.name, "team_id": team.id,
         "stage_id": stage.id, "description": "x", "priority": "3"}
    )
env.cr.commit()
seeded = env["helpdesk.ticket"].search([("name", "like", "Before install")])
print("SEEDED", len(seeded))
"""

# After installing: every stage has a role, tickets were not touched, one ticket is
# moved to our Resolved stage so that uninstalling meets a stage in use.
CHECK_INSTALLED = """
Stage = env["helpdesk.ticket.stage"].with_context(active_test=False)
roles = {s.name: s.process_role for s in Stage.search([])}
print("ROLES", sorted(roles.items()))
assert all(roles.values()), roles
assert roles["Solved by phone"] == "closed", roles
assert roles["Awaiting"] == "waiting", roles
tickets = env["helpdesk.ticket"].search([("name", "like", "Before install in")])
assert set(tickets.mapped("priority")) == {"3"}, "the agents' stars were kept"
assert all(tickets.mapped("priority_manual")), tickets.mapped("priority_manual")
assert set(tickets.mapped("class_of_service")) == {"standard"}
for ticket in tickets:
    assert ticket.received_date == ticket.create_date, ticket.received_date
resolved = env.ref("mindx_helpdesk_process.helpdesk_ticket_stage_resolved")
ticket = env["helpdesk.ticket"].search([("name", "=", "Before install in In Progress")])
admin = env.ref("base.user_admin")
ticket.with_user(admin).with_context(
    process_force=True, process_move_reason="system test"
).stage_id = resolved
env.cr.commit()
before = env["helpdesk.ticket"].search([("name", "like", "Before install")])
print("TICKETS", len(before))
"""

UNINSTALL = """
module = env["ir.module.module"].search([("name", "=", "mindx_helpdesk_process")])
module.button_immediate_uninstall()
env.cr.commit()
print("STATE", module.state)
"""


def _odoo(db, *args, script=None):
    """odoo-bin on `db` with the run's config; `script` runs in `odoo-bin shell`."""
    cmd = [sys.executable, odoo.tools.config["root_path"] + "/../odoo-bin"]
    if script is not None:
        cmd += ["shell", "--no-http"]
    cmd += ["-c", odoo.tools.config.rcfile, "-d", db, "--log-level=warn"]
    cmd += list(args)
    result = subprocess.run(
        cmd, input=script, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " ERROR " not in result.stderr, result.stderr
    return result.stdout


def _sql(db, query):
    with db_connect(db).cursor() as cr:
        cr.execute(query)
        return cr.fetchall()


@pytest.fixture
def second_database():
    name = "{}_sys_{}".format(odoo.tools.config["db_name"], uuid.uuid4().hex[:6])
    yield name
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_install_on_used_helpdesk_then_uninstall(second_database):
    db = second_database
    _odoo(db, "-i", "helpdesk_mgmt", "--stop-after-init")
    seeded = _odoo(db, script=SEED_EXISTING)
    count_before = int(seeded.split("SEEDED")[1].split()[0])
    assert count_before >= 7

    _odoo(db, "-i", ADDON, "--stop-after-init")
    checked = _odoo(db, script=CHECK_INSTALLED)
    assert f"TICKETS {count_before}" in checked

    uninstalled = _odoo(db, script=UNINSTALL)
    assert "STATE uninstalled" in uninstalled
    columns = _sql(
        db,
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'helpdesk_ticket_stage' AND column_name = 'process_role'",
    )
    assert columns == []
    # the Resolved stage holds a ticket: it stays, as an ordinary stage
    stages = _sql(
        db,
        "SELECT s.name->>'en_US', count(t.id) FROM helpdesk_ticket_stage s "
        "LEFT JOIN helpdesk_ticket t ON t.stage_id = s.id "
        "WHERE s.name->>'en_US' = 'Resolved' GROUP BY 1",
    )
    assert stages == [("Resolved", 1)]
    remaining = _sql(
        db, "SELECT count(*) FROM helpdesk_ticket WHERE name LIKE 'Before install%'"
    )
    assert remaining[0][0] == count_before
    leftovers = _sql(
        db, f"SELECT model, name FROM ir_model_data WHERE module = '{ADDON}'"
    )
    assert leftovers == []
