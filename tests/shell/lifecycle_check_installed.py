"""After installing the addon on the used helpdesk (tests/test_lifecycle.py): what
it made of the old tickets (roles, classes, clocks, deadlines), an agent's day on
them (no gate judges their past), and what the breach scan will select.

Prints RESULT and the JSON of the measures.
"""

import json

from odoo import Command

from odoo.addons.mindx_helpdesk_process.tools.working_time import (
    WorkingClock,
)

env = globals()["env"]  # odoo-bin shell's environment (tests/shell/README.md)

result = {}
Ticket = env["helpdesk.ticket"]
old = Ticket.search([("name", "like", "Old ticket ")])
result["count"] = len(old)
Stage = env["helpdesk.ticket.stage"].with_context(active_test=False)
result["stages_without_role"] = Stage.search([("process_role", "=", False)]).mapped(
    "name"
)
result["roles"] = sorted(set(old.mapped("process_role")))
result["unclassified"] = len(
    old.filtered(lambda t: not t.class_of_service or not t.cos_policy_id)
)
env.cr.execute(
    "SELECT count(*) FROM helpdesk_ticket WHERE name LIKE 'Old ticket %' "
    "AND received_date IS DISTINCT FROM create_date"
)
result["received_not_created"] = env.cr.fetchone()[0]
clock = WorkingClock()
result["stale_deadlines"] = sum(
    any(t[f] != v for f, v in t._sla_deadline_values(clock).items()) for t in old
)
# an agent's day on old tickets: no gate judges their past
team = env["helpdesk.ticket.team"].search([("name", "=", "Old team")])
agent = (
    env["res.users"]
    .with_context(no_reset_password=True)
    .create(
        {
            "name": "Old agent",
            "login": "old_agent",
            "email": "old.agent@example.com",
            "groups_id": [
                Command.set(
                    [
                        env.ref("base.group_user").id,
                        env.ref("helpdesk_mgmt.group_helpdesk_user").id,
                    ]
                )
            ],
        }
    )
)
team.user_ids = [Command.link(agent.id)]
by_role = {
    role: old.filtered(lambda t, r=role: t.process_role == r)[:1]
    for role in result["roles"]
}
result["edits"] = {}
edits = [
    (
        "in_progress",
        {
            "user_id": agent.id,
            "users_affected": 12,
            "is_blocking": True,
            "description": "<p>Still on it</p>",
        },
    ),
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
    "GROUP BY 1"
)
result["due_by_role"] = dict(env.cr.fetchall())
env.cr.execute(
    "SELECT process_role, count(*) FROM helpdesk_ticket WHERE name LIKE 'Old ticket%' "
    "AND sla_breached GROUP BY 1"
)
result["breached_by_role"] = dict(env.cr.fetchall())
env.cr.commit()
print("RESULT " + json.dumps(result))
