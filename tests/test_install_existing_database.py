"""Install into, and uninstall from, a database that already has helpdesk tickets.

A system test: it drives odoo-bin in subprocesses on a second database of the same
server (named after the test database, so parallel runs never collide), the way an
admin adds the addon to a helpdesk that has been in use for a while.
"""

import pytest

from ._system import ADDON, drop_database, new_db_name, odoo_bin, sql

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
    mindx_force_move=True, mindx_move_reason="system test"
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


@pytest.fixture
def second_database():
    name = new_db_name("sys")
    yield name
    drop_database(name)


def test_install_on_used_helpdesk_then_uninstall(second_database):
    db = second_database
    odoo_bin(db, "-i", "helpdesk_mgmt", "--stop-after-init")
    seeded = odoo_bin(db, script=SEED_EXISTING)
    count_before = int(seeded.split("SEEDED")[1].split()[0])
    assert count_before >= 7

    odoo_bin(db, "-i", ADDON, "--stop-after-init")
    checked = odoo_bin(db, script=CHECK_INSTALLED)
    assert f"TICKETS {count_before}" in checked

    uninstalled = odoo_bin(db, script=UNINSTALL)
    assert "STATE uninstalled" in uninstalled
    columns = sql(
        db,
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'helpdesk_ticket_stage' AND column_name = 'process_role'",
    )
    assert columns == []
    # the Resolved stage holds a ticket: it stays, as an ordinary stage
    stages = sql(
        db,
        "SELECT s.name->>'en_US', count(t.id) FROM helpdesk_ticket_stage s "
        "LEFT JOIN helpdesk_ticket t ON t.stage_id = s.id "
        "WHERE s.name->>'en_US' = 'Resolved' GROUP BY 1",
    )
    assert stages == [("Resolved", 1)]
    remaining = sql(
        db, "SELECT count(*) FROM helpdesk_ticket WHERE name LIKE 'Before install%'"
    )
    assert remaining[0][0] == count_before
    leftovers = sql(
        db, f"SELECT model, name FROM ir_model_data WHERE module = '{ADDON}'"
    )
    assert leftovers == []
