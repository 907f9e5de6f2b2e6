"""What the upgrade made of the tickets upgrade_use_previous.py left
(tests/test_upgrade.py): the steps' SLA targets, the classes, the compliance
analysis, the report's language, the merged update breaches and their count, the
cancelled ticket's SLA status.

Prints a line per measure: "<NAME> <value>", as test_upgrade.py reads them.
"""

env = globals()["env"]  # odoo-bin shell's environment (tests/shell/README.md)

tickets = env["helpdesk.ticket"].search([("name", "like", "Before upgrade")])
steps = tickets.process_step_ids
print("VERSION", env.ref("base.module_mindx_helpdesk_process").latest_version)
print("STEPS", len(steps))
print("TARGETS", sorted((s.step, s.target_state or "-") for s in steps))
print("CLASSES", sorted(set(tickets.mapped("class_of_service"))))
rows = env["helpdesk.process.analysis"]._read_group(
    [("ticket_id", "in", tickets.ids)], [], ["__count", "ack_rate:avg"]
)
print("ANALYSIS", rows[0][0], rows[0][1])
print("LANG", sorted(set(tickets.mapped("incident_report_lang"))))
by_name = {ticket.name: ticket for ticket in tickets}
updates = by_name["Before upgrade 1"].sla_breach_ids.filtered(
    lambda b: b.kind == "update"
)
print("UPDATE_BREACHES", len(updates), updates.windows_missed, updates.deadline)
# a stored count the upgrade computes, after the merge of the update breaches
print("BREACH_COUNT", by_name["Before upgrade 1"].sla_breach_count)
print("CANCELLED_STATUS", by_name["Before upgrade 2"].sla_status)
