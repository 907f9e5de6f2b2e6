"""The addon's life on a helpdesk in use: install, daily work, uninstall, reinstall.

A system test: odoo-bin in subprocesses on a database of its own, copied from a
helpdesk_mgmt database without our addon, where 1,000 tickets were created before
(in every stage, over the last months, in one batch with tracking off as an import
would). Installing must classify them all and map their stages without judging
their past: the gates only govern moves made after installation, and a ticket
closed before the SLA existed is not breaching it. Uninstalling must leave
helpdesk_mgmt and every ticket in place, and installing again must work as the
first time.
"""

import pytest

from ._system import ADDON, odoo_bin, shell_json, sql, used_helpdesk_copy

OLD_TICKETS = 1000


def _tickets_by_stage(db):
    return sql(
        db,
        "SELECT s.name->>'en_US', count(t.id) FROM helpdesk_ticket t "
        "JOIN helpdesk_ticket_stage s ON s.id = t.stage_id "
        "WHERE t.name LIKE 'Old ticket%' GROUP BY 1 ORDER BY 1",
    )


@pytest.fixture
def used_helpdesk(request):
    """A helpdesk_mgmt database (no demo data) with 1,000 tickets, dropped after."""
    with used_helpdesk_copy(request, "life") as name:
        yield name


def test_install_use_uninstall_reinstall_with_1000_old_tickets(used_helpdesk):
    db = used_helpdesk
    seeded = shell_json(db, "lifecycle_seed.py", params={"count": OLD_TICKETS})
    assert seeded["count"] == OLD_TICKETS
    assert seeded["stages"] == seeded["all_stages"], "every stage holds tickets"
    by_stage = _tickets_by_stage(db)

    odoo_bin(db, "-i", ADDON, "--without-demo=all", "--stop-after-init")
    checked = shell_json(db, "lifecycle_check_installed.py")
    assert checked["count"] == OLD_TICKETS
    assert checked["stages_without_role"] == []
    assert set(checked["roles"]) == {
        "new",
        "in_progress",
        "waiting",
        "closed",
        "cancelled",
    }
    assert checked["unclassified"] == 0
    assert checked["received_not_created"] == 0, "their clocks start at creation"
    assert checked["stale_deadlines"] == 0
    assert checked["edits"] == dict.fromkeys(
        ("in_progress", "closed", "cancelled", "new", "all"), "ok"
    )
    assert checked["in_progress_class"] == "priority", "reclassified by the edit"
    # a ticket closed or cancelled before the SLA existed is not breaching it, and
    # the open ones' deadlines that passed before install are not announced
    # (breached, but the first scan has nothing to select)
    due = checked["due_by_role"]
    assert due == {}, due
    assert checked["breached_by_role"].get("closed") is None, checked
    assert checked["breached_by_role"]["new"] > 0, checked

    states = shell_json(db, "uninstall_addon.py", params={"addon": ADDON})
    assert states == {ADDON: "uninstalled", "helpdesk_mgmt": "installed"}
    assert _tickets_by_stage(db) == by_stage, "every ticket kept, in its stage"

    odoo_bin(db, "-i", ADDON, "--without-demo=all", "--stop-after-init")
    again = shell_json(db, "lifecycle_check_reinstalled.py")
    assert again == {
        "count": OLD_TICKETS,
        "unclassified": 0,
        "without_role": 0,
        "received_not_created": 0,
    }
    assert _tickets_by_stage(db) == by_stage
