"""A helpdesk in use before the addon arrives (tests/test_install_existing_database.py):
a ticket in every stage, one of them an admin's stage that closes tickets.

Prints "SEEDED <number of tickets>".
"""

env = globals()["env"]  # odoo-bin shell's environment (tests/shell/README.md)

Stage = env["helpdesk.ticket.stage"]
solved = Stage.create({"name": "Solved by phone", "closed": True, "sequence": 9})
team = env["helpdesk.ticket.team"].create({"name": "Old team"})
for stage in Stage.search([]):
    env["helpdesk.ticket"].create(
        {
            "name": "Before install in " + stage.name,
            "team_id": team.id,
            "stage_id": stage.id,
            "description": "x",
            "priority": "3",
        }
    )
env.cr.commit()
seeded = env["helpdesk.ticket"].search([("name", "like", "Before install")])
print("SEEDED", len(seeded))
