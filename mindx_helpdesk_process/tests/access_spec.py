# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may do what with the process: the specification the access tests check.

Seven roles: the tickets' portal customer, an internal user without helpdesk
rights (an employee who reported an issue), helpdesk_mgmt's three agents (who see
their own tickets, their teams' tickets, all tickets), a helpdesk manager, and the
helpdesk manager of another company (their users and tickets:
common.AccessFixtures). The tables below are data, read by the tests of each
entry point: test_access_orm.py checks them twice, what `has_access` answers and
what really happens when the role tries (AccessError, or it works and is undone);
test_access_sudo.py checks that no sudo() of the addon widens them;
test_access_http.py tries them through the portal's routes.
"""

ROLES = (
    "portal",
    "employee",
    "own_agent",
    "team_agent",
    "agent",
    "manager",
    "manager_b",
)
OPERATIONS = {"read": "r", "write": "w", "create": "c", "unlink": "u"}

# ir.model.access: what each role may do on a model at all, r(ead) w(rite) c(reate)
# u(nlink), - nothing. Record rules narrow it down (READABLE). The step and breach
# logs and the escalation's deliveries are written by the process itself (sudo),
# never by hand: agents only read (a manager's retry is the process's too).
ACL_TABLE = """
model                       portal employee own_agent team_agent agent manager manager_b
helpdesk.ticket             r      r        rwc       rwc        rwc   rwcu    rwcu
helpdesk.ticket.stage       r      r        r         r          r     rwcu    rwcu
helpdesk.ticket.team        r      r        r         r          r     rwcu    rwcu
helpdesk.cos.policy         -      -        r         r          r     rwcu    rwcu
helpdesk.cos.policy.line    -      -        r         r          r     rwcu    rwcu
helpdesk.ticket.step        -      -        r         r          r     r       r
helpdesk.sla.breach         -      -        r         r          r     r       r
helpdesk.escalation.delivery -     -        r         r          r     r       r
helpdesk.ticket.step.wizard -      -        rwc       rwc        rwc   rwc     rwc
helpdesk.ticket.move.wizard -      -        rwc       rwc        rwc   rwc     rwc
helpdesk.ticket.received.wizard - -      -         -          -     rwc     rwc
"""
ACL = {
    model: dict(zip(ROLES, (r.strip("-") for r in rights), strict=True))
    for model, *rights in (row.split() for row in ACL_TABLE.split("\n")[2:-1])
}

# The tickets each role may read: helpdesk_mgmt's rules (the customer's, the
# employee's own request, the agent's assigned ones, the team's) within the user's
# companies. Their step and breach logs follow them, for the roles whose ACL reads
# logs. All tickets are the customer's but ticket_employee; all of company A are of
# the LMS team but ticket_other_team.
ALL_A = {"ticket", "ticket_own", "ticket_employee", "ticket_other_team"}
READABLE = {
    "portal": {"ticket", "ticket_own", "ticket_other_team"},
    "employee": {"ticket_employee"},
    "own_agent": {"ticket_own"},
    "team_agent": {"ticket", "ticket_own", "ticket_employee"},
    "agent": ALL_A,
    "manager": ALL_A,
    "manager_b": {"ticket_b"},
}
# The Class of Service policies each role may read / change (one per company).
POLICY_READABLE = {
    "portal": set(),
    "employee": set(),
    "own_agent": {"a"},
    "team_agent": {"a"},
    "agent": {"a"},
    "manager": {"a"},
    "manager_b": {"b"},
}
POLICY_WRITABLE = {"manager": {"a"}, "manager_b": {"b"}}
# Who may force a move (and reopen a closed ticket): managers, in their company.
MANAGED = {"manager": ALL_A, "manager_b": {"ticket_b"}}
# The ticket each role works on in the ACL table (one its record rules allow).
HOME_TICKET = {
    "portal": "ticket",
    "employee": "ticket_employee",
    "own_agent": "ticket_own",
    "team_agent": "ticket",
    "agent": "ticket",
    "manager": "ticket",
    "manager_b": "ticket_b",
}

READ_FIELDS = {
    # the process's computed fields read policies, lines, steps and breaches: a
    # user who may read the ticket may read them, whatever their ACL there
    "helpdesk.ticket": [
        "name",
        "class_of_service",
        "cos_label",
        "cos_rationale",
        "process_portal_status",
        "process_next_step",
        "next_update_due",
        "process_checklist_html",
        "sla_status",
        "sla_breach_count",
    ],
    "helpdesk.ticket.stage": ["name", "process_role"],
    "helpdesk.ticket.team": ["name", "escalation_email", "escalation_channel_id"],
    "helpdesk.cos.policy": ["name", "priority_min_users", "line_ids"],
    "helpdesk.cos.policy.line": ["class_of_service", "ack_minutes", "priority"],
    "helpdesk.ticket.step": ["ticket_id", "step", "date", "user_id", "target_state"],
    "helpdesk.sla.breach": ["ticket_id", "kind", "deadline", "minutes_late"],
    "helpdesk.escalation.delivery": ["ticket_id", "state", "url_display", "last_error"],
    "helpdesk.ticket.step.wizard": ["ticket_id", "step", "assessment_note"],
    "helpdesk.ticket.move.wizard": ["ticket_id", "stage_id", "reason"],
    "helpdesk.ticket.received.wizard": ["ticket_id", "received_date", "reason"],
}
WRITE_VALUES = {
    "helpdesk.ticket": {"users_affected": 7},
    "helpdesk.ticket.stage": {"process_role": "waiting"},
    "helpdesk.ticket.team": {"escalation_email": "dev-team@mindx.example.com"},
    "helpdesk.cos.policy": {"priority_min_users": 4},
    "helpdesk.cos.policy.line": {"ack_minutes": 20},
    "helpdesk.ticket.step": {"date": "2026-11-28 22:40:00"},
    "helpdesk.sla.breach": {"done_date": "2026-11-28 22:50:00"},
    "helpdesk.escalation.delivery": {"state": "sent"},
    "helpdesk.ticket.step.wizard": {"assessment_note": "Whole class blocked"},
    "helpdesk.ticket.move.wizard": {"reason": "Duplicate of HT00002"},
    "helpdesk.ticket.received.wizard": {"reason": "Reported by phone at 08:10"},
}
