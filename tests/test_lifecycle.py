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

SEED = f"""
import json
Stage = env["helpdesk.ticket.stage"]
stages = Stage.search([])
team = env["helpdesk.ticket.team"].create({{"name": "Old team"}})
customer = env["res.partner"].create(
    {{"name": "Old customer", "email": "old.customer@example.com"}})
Ticket = env["helpdesk.ticket"].with_context(
    tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
tickets = Ticket.create([
    {{"name": "Old ticket %04d" % i, "description": "<p>Before the process</p>",
      "team_id": team.id, "partner_id": customer.id,
      "stage_id": stages[i % len(stages)].id, "priority": str(i % 4)}}
    for i in range({OLD_TICKETS})
])
# received over the last months, as in a helpdesk in use for a while
env.cr.execute(
    "UPDATE helpdesk_ticket SET create_date = (now() AT TIME ZONE 'UTC') "
    "- (30 + id %% 90) * interval '1 day' WHERE id IN %s", [tuple(tickets.ids)])
env.cr.commit()
print("RESULT " + json.dumps({{
    "count": len(tickets),
    "stages": sorted(set(tickets.mapped("stage_id.name"))),
    "all_stages": sorted(stages.mapped("name")),
}}))
"""

# After installing: what the addon made of the old tickets, and an agent's day.
CHECK_INSTALLED = """
import json
from odoo import Command
from odoo.addons.mindx_helpdesk_process.models.helpdesk_cos_policy_line import (
    WorkingClock)
result = {}
Ticket = env["helpdesk.ticket"]
old = Ticket.search([("name", "like", "Old ticket ")])
result["count"] = len(old)
Stage = env["helpdesk.ticket.stage"].with_context(active_test=False)
result["stages_without_role"] = Stage.search([("process_role", "=", False)]).mapped(
    "name")
result["roles"] = sorted(set(old.mapped("process_role")))
result["unclassified"] = len(old.filtered(
    lambda t: not t.class_of_service or not t.cos_policy_id))
env.cr.execute(
    "SELECT count(*) FROM helpdesk_ticket WHERE name LIKE 'Old ticket %' "
    "AND received_date IS DISTINCT FROM create_date")
result["received_not_created"] = env.cr.fetchone()[0]
clock = WorkingClock()
result["stale_deadlines"] = sum(
    any(t[f] != v for f, v in t._sla_deadline_values(clock).items()) for t in old)
# an agent's day on old tickets: no gate judges their past
team = env["helpdesk.ticket.team"].search([("name", "=", "Old team")])
agent = env["res.users"].with_context(no_reset_password=True).create({
    "name": "Old agent", "login": "old_agent", "email": "old.agent@example.com",
    "groups_id": [Command.set([env.ref("base.group_user").id,
                               env.ref("helpdesk_mgmt.group_helpdesk_user").id])],
})
team.user_ids = [Command.link(agent.id)]
by_role = {role: old.filtered(lambda t, r=role: t.process_role == r)[:1]
           for role in result["roles"]}
result["edits"] = {}
edits = [
    ("in_progress", {"user_id": agent.id, "users_affected": 12, "is_blocking": True,
                     "description": "<p>Still on it</p>"}),
    ("closed", {"description": "<p>Typo fixed</p>"}),
    ("cancelled", {"description": "<p>Typo fixed</p>"}),
    ("new", {"name": "Old ticket, renamed"}),
]
for role, values in edits:
    try:
        with env.cr.savepoint():
            by_role[role].with_user(agent).write(values)
        result["edits"][role] = "ok"
    except Exception as exc:
        result["edits"][role] = repr(exc)
result["in_progress_class"] = by_role["in_progress"].class_of_service
try:
    with env.cr.savepoint():
        old.with_user(agent).write({"description": "<p>Bulk edit</p>"})
    result["edits"]["all"] = "ok"
except Exception as exc:
    result["edits"]["all"] = repr(exc)
# what the breach scan will select (its two indexed columns), by stage role
env.flush_all()
env.cr.execute(
    "SELECT process_role, count(*) FROM helpdesk_ticket WHERE name LIKE 'Old ticket%' "
    "AND (sla_next_deadline <= now() AT TIME ZONE 'UTC' "
    "OR (sla_at_risk_date <= now() AT TIME ZONE 'UTC' AND sla_status = 'on_track')) "
    "GROUP BY 1")
result["due_by_role"] = dict(env.cr.fetchall())
env.cr.execute(
    "SELECT process_role, count(*) FROM helpdesk_ticket WHERE name LIKE 'Old ticket%' "
    "AND sla_breached GROUP BY 1")
result["breached_by_role"] = dict(env.cr.fetchall())
env.cr.commit()
print("RESULT " + json.dumps(result))
"""

UNINSTALL = """
import json
module = env["ir.module.module"].search([("name", "=", "mindx_helpdesk_process")])
module.button_immediate_uninstall()
env.cr.commit()
names = ["mindx_helpdesk_process", "helpdesk_mgmt"]
modules = env["ir.module.module"].search([("name", "in", names)])
print("RESULT " + json.dumps({m.name: m.state for m in modules}))
"""

CHECK_REINSTALLED = """
import json
old = env["helpdesk.ticket"].search([("name", "like", "Old ticket")])
env.cr.execute(
    "SELECT count(*) FROM helpdesk_ticket WHERE name LIKE 'Old ticket%' "
    "AND received_date IS DISTINCT FROM create_date")
received_not_created = env.cr.fetchone()[0]
print("RESULT " + json.dumps({
    "count": len(old),
    "unclassified": len(old.filtered(lambda t: not t.class_of_service)),
    "without_role": len(old.filtered(lambda t: not t.process_role)),
    "received_not_created": received_not_created,
}))
"""


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
    seeded = shell_json(db, SEED)
    assert seeded["count"] == OLD_TICKETS
    assert seeded["stages"] == seeded["all_stages"], "every stage holds tickets"
    by_stage = _tickets_by_stage(db)

    odoo_bin(db, "-i", ADDON, "--without-demo=all", "--stop-after-init")
    checked = shell_json(db, CHECK_INSTALLED)
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

    states = shell_json(db, UNINSTALL)
    assert states == {ADDON: "uninstalled", "helpdesk_mgmt": "installed"}
    assert _tickets_by_stage(db) == by_stage, "every ticket kept, in its stage"

    odoo_bin(db, "-i", ADDON, "--without-demo=all", "--stop-after-init")
    again = shell_json(db, CHECK_REINSTALLED)
    assert again == {
        "count": OLD_TICKETS,
        "unclassified": 0,
        "without_role": 0,
        "received_not_created": 0,
    }
    assert _tickets_by_stage(db) == by_stage
