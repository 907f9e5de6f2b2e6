"""The cast of the system tests' shared database with the addon (tests/_system.py,
addon_database): an agent and a manager of the support team (with passwords, for
RPC), the customer, and a second team with a stage of its own.

Prints RESULT and the JSON of their ids, and of the process's stages by role.
"""

import json

from odoo import Command

env = globals()["env"]  # odoo-bin shell's environment (tests/shell/README.md)

Users = env["res.users"].with_context(no_reset_password=True)


def user(login, group):
    return Users.create(
        {
            "name": login.replace("_", " ").title(),
            "login": login,
            "password": login + "-Secret-2026",
            "email": login + "@mindx.example.com",
            "groups_id": [
                Command.set([env.ref("base.group_user").id, env.ref(group).id])
            ],
        }
    )


agent = user("sys_agent", "helpdesk_mgmt.group_helpdesk_user")
manager = user("sys_manager", "helpdesk_mgmt.group_helpdesk_manager")
customer = env["res.partner"].create(
    {"name": "Nguyen Thi Ha", "email": "ha.nguyen@customer.example.com"}
)
team = env["helpdesk.ticket.team"].create(
    {
        "name": "LMS Support",
        "user_id": manager.id,
        "user_ids": [Command.set([agent.id, manager.id])],
        "escalation_email": "dev-team@mindx.example.com",
    }
)
other_team = env["helpdesk.ticket.team"].create({"name": "Sales desk"})
other_stage = env["helpdesk.ticket.stage"].create(
    {
        "name": "Sales triage",
        "sequence": 2,
        "team_ids": [Command.set(other_team.ids)],
    }
)
Stage = env["helpdesk.ticket.stage"]
stages = {
    role: Stage.search(
        [("process_role", "=", role), ("team_ids", "=", False)], limit=1
    ).id
    for role in ("new", "in_progress", "waiting", "resolved", "closed", "cancelled")
}
env.cr.commit()
print(
    "RESULT "
    + json.dumps(
        {
            "agent": agent.id,
            "manager": manager.id,
            "customer": customer.id,
            "team": team.id,
            "other_team": other_team.id,
            "other_stage": other_stage.id,
            "other_stage_role": other_stage.process_role,
            "stages": stages,
        }
    )
)
