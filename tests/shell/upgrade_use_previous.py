"""A helpdesk used with the previous release (18.0.1.0.0), before the upgrade
(tests/test_upgrade.py): three Priority tickets received at a fixed time, one
taken through its first steps (its ACK late), one waiting with an update breach per
missed window (as the old scan opened them), one cancelled.

Runs on the previous release's code: it uses what that release had (the context
key process_move_reason, since renamed). Prints "VERSION <installed version>" and
"STEPS <number of step logs>".
"""

from datetime import datetime, timedelta

env = globals()["env"]  # odoo-bin shell's environment (tests/shell/README.md)

team = env["helpdesk.ticket.team"].create({"name": "Upgrade team"})
customer = env["res.partner"].create({"name": "Ha", "email": "ha@example.com"})
t0 = datetime(2026, 11, 1, 8, 0)
tickets = env["helpdesk.ticket"].create(
    [
        {
            "name": f"Before upgrade {i}",
            "team_id": team.id,
            "partner_id": customer.id,
            "description": "x",
            "users_affected": 10,
            "is_blocking": True,
            "received_date": t0,
        }
        for i in range(3)
    ]
)
done = tickets[0]
for step in ("assess", "ack", "investigate"):
    done._process_record_step(step)
env["helpdesk.ticket.step"].search([("ticket_id", "=", done.id)]).write(
    {"date": t0 + timedelta(minutes=20)}
)
# an update breach per missed window, as the old scan opened them
waiting = tickets[1]
waiting.sudo().write({"ack_date": t0, "last_update_date": t0})
env["helpdesk.sla.breach"].create(
    [
        {
            "ticket_id": waiting.id,
            "kind": "update",
            "detected_date": t0,
            "deadline": t0 + timedelta(minutes=minutes),
        }
        for minutes in (15, 30, 45)
    ]
)
cancelled = env["helpdesk.ticket.stage"].search([("process_role", "=", "cancelled")])
tickets[2].with_context(process_move_reason="spam").stage_id = cancelled[:1]
env.cr.commit()
print("VERSION", env.ref("base.module_mindx_helpdesk_process").latest_version)
print("STEPS", env["helpdesk.ticket.step"].search_count([]))
