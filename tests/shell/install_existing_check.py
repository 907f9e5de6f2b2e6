"""After installing the addon on the seeded helpdesk
(tests/test_install_existing_database.py): every stage has a role, the tickets were
not touched; one ticket is then moved to our Resolved stage, so that uninstalling
meets a stage in use.

Fails (AssertionError) on what is wrong; prints "TICKETS <number of tickets>".
"""

env = globals()["env"]  # odoo-bin shell's environment (tests/shell/README.md)

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
