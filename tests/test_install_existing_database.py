"""Install into, and uninstall from, a database that already has helpdesk tickets.

A system test: it drives odoo-bin in subprocesses on a second database of the same
server (named after the test database, so parallel runs never collide), the way an
admin adds the addon to a helpdesk that has been in use for a while.
"""

import pytest

from ._system import ADDON, drop_database, new_db_name, odoo_bin, shell_json, sql


@pytest.fixture
def second_database():
    name = new_db_name("sys")
    yield name
    drop_database(name)


def test_install_on_used_helpdesk_then_uninstall(second_database):
    db = second_database
    odoo_bin(db, "-i", "helpdesk_mgmt", "--stop-after-init")
    seeded = odoo_bin(db, script="install_existing_seed.py")
    count_before = int(seeded.split("SEEDED")[1].split()[0])
    assert count_before >= 7

    odoo_bin(db, "-i", ADDON, "--stop-after-init")
    checked = odoo_bin(db, script="install_existing_check.py")
    assert f"TICKETS {count_before}" in checked

    states = shell_json(db, "uninstall_addon.py", params={"addon": ADDON})
    assert states[ADDON] == "uninstalled", states
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
