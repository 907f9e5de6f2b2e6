"""Install into, and uninstall from, a database that already has helpdesk tickets.

A system test: it drives odoo-bin in subprocesses on a second database of the same
server (named after the test database, so parallel runs never collide), the way an
admin adds the addon to a helpdesk that has been in use for a while.
"""

import pytest

from ._system import ADDON, drop_database, new_db_name, odoo_bin, shell_json, sql

RATING_TEMPLATE = (
    "SELECT res_id FROM ir_model_data WHERE module = 'helpdesk_mgmt_rating' "
    "AND name = 'rating_ticket_email_template'"
)
DONE_STAGE = (
    "SELECT res_id FROM ir_model_data WHERE module = 'helpdesk_mgmt' "
    "AND name = 'helpdesk_ticket_stage_done'"
)
DONE_RATING_TEMPLATE = (
    "SELECT rating_mail_template_id FROM helpdesk_ticket_stage "
    f"WHERE id = ({DONE_STAGE})"
)
DONE_RATING_TEMPLATE_SET = (
    f"UPDATE helpdesk_ticket_stage SET rating_mail_template_id = ({RATING_TEMPLATE}) "
    f"WHERE id = ({DONE_STAGE}) RETURNING id"
)


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

    # helpdesk_mgmt_rating in use: its rating email on Done, set by the admin
    odoo_bin(db, "-i", "helpdesk_mgmt_rating", "--stop-after-init")
    sql(db, DONE_RATING_TEMPLATE_SET)

    odoo_bin(db, "-i", ADDON, "--stop-after-init")
    checked = odoo_bin(db, script="install_existing_check.py")
    assert f"TICKETS {count_before}" in checked
    # the closure email asks for the rating: no second email from the stage
    assert sql(db, DONE_RATING_TEMPLATE) == [(None,)]

    states = shell_json(db, "uninstall_addon.py", params={"addon": ADDON})
    assert states[ADDON] == "uninstalled", states
    # helpdesk_mgmt_rating works as before: installed, its template back on Done
    assert sql(db, DONE_RATING_TEMPLATE) == sql(db, RATING_TEMPLATE)
    assert sql(
        db, "SELECT state FROM ir_module_module WHERE name = 'helpdesk_mgmt_rating'"
    ) == [("installed",)]
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
