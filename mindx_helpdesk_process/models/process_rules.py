# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The support process as data: its steps, its stage transitions, and one checker.

Everything that decides whether a ticket may change stage is in this file, so that
the rules can be read (and changed) in one place: "The seven steps and the stages"
of docs/PROCESS.md is TRANSITIONS below. helpdesk.ticket only calls
`missing_for_move()`.
"""

from collections import namedtuple

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# The roles a stage plays in the process (helpdesk.ticket.stage.process_role; labels
# translated with that field), and those of the forward path, in its order.
PROCESS_ROLES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("waiting", "Waiting"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
FORWARD_PATH = ("new", "in_progress", "waiting", "resolved", "closed")

# Steps an agent performs: code -> (ticket date field, kind). Customer steps send an
# email through the composer; internal steps log a note through the step wizard.
Step = namedtuple("Step", "date_field kind")
STEPS = {
    "assess": Step("assessment_date", "internal"),
    "ack": Step("ack_date", "customer"),
    "investigate": Step("investigation_date", "internal"),
    "escalate": Step("escalation_date", "internal"),
    "update": Step("last_update_date", "customer"),
    "dev_response": Step("dev_response_date", "internal"),
    "resolve": Step("resolution_date", "customer"),
    "confirm": Step("confirmation_date", "internal"),
    "close": Step("closure_date", "customer"),
    "summary": Step("summary_date", "internal"),
}
# The ticket fields holding when each step was done.
STEP_DATE_FIELDS = tuple(step.date_field for step in STEPS.values())
# The steps as a selection (labels are translated with the field that uses them).
STEP_SELECTION = [
    ("assess", "Classify & assess"),
    ("ack", "Send ACK"),
    ("investigate", "Log investigation"),
    ("escalate", "Escalate to Dev Team"),
    ("update", "Send update"),
    ("dev_response", "Log fix"),
    ("resolve", "Send resolution"),
    ("confirm", "Log confirmation"),
    ("close", "Send closure"),
    ("summary", "Log final summary"),
]

# Internal steps: the ticket fields each one's dialog asks for (True: required).
STEP_INPUTS = {
    "assess": {
        "users_affected": True,
        "is_blocking": False,
        "assessment_note": True,
    },
    "investigate": {
        "investigation_findings": True,
        "investigation_scope": False,
        "investigation_hypothesis": False,
        "investigation_decision": True,
        "workaround": False,
    },
    "escalate": {
        "investigation_findings": True,
        "escalation_request": True,
        "workaround": False,
        "escalation_links": False,
    },
    "dev_response": {
        "root_cause": True,
        "resolution_summary": True,
        "permanent_fix_plan": False,
        "verification_checklist": False,
    },
    "confirm": {"customer_confirmation": True},
    "summary": {
        "lessons_learned": True,
        "incident_pattern": False,
        "kb_recommendation": False,
        "follow_up_plan": False,
    },
}

# The steps that make sense in each stage role: the header offers no other, the
# server records no other (helpdesk.ticket._process_check_step_fits), and the
# words that say what to do instead. A step not done yet in an earlier role
# stays possible later (a ticket forced forward without its ACK still sends it).
WORKING_STEPS = (
    "assess",
    "ack",
    "investigate",
    "escalate",
    "update",
    "dev_response",
    "resolve",
)
STEPS_BY_ROLE = {
    # the resolution email needs the ACK first (its move to In Progress)
    "new": WORKING_STEPS[:-1],
    "in_progress": WORKING_STEPS,
    "waiting": WORKING_STEPS,
    # the logged fix moves a ticket to Resolved: its resolution email follows
    "resolved": ("resolve", "confirm", "close", "summary"),
    "closed": ("summary",),
    "cancelled": (),
}
# A reopened ticket (back from Resolved or Done to a working stage) does the fix
# and what follows it again: their times are cleared on the ticket (the step log
# keeps the earlier ones), so that the next step no longer finds the gates open.
REOPENED_STEPS = ("dev_response", "resolve", "confirm", "close", "summary")
REOPEN_FROM = ("resolved", "closed")

INSTEAD_BY_ROLE = {
    "new": _lt(
        "Send the ACK first: the resolution email, the confirmation, the closure "
        "email and the final summary come after it."
    ),
    "in_progress": _lt(
        "Send the resolution email first: the confirmation, the closure email and "
        "the final summary come after it."
    ),
    "waiting": _lt(
        "Send the resolution email first: the confirmation, the closure email and "
        "the final summary come after it."
    ),
    "resolved": _lt(
        "The fix was announced: log the customer's confirmation and send the "
        "closure email; to work on the issue again, reopen the ticket with 'Move "
        "with a reason'."
    ),
    "closed": _lt(
        "The ticket is closed: only the final summary may still be logged; a "
        "helpdesk manager can reopen it."
    ),
    "cancelled": _lt(
        "The ticket is cancelled: a helpdesk manager can force it back to a "
        "working stage first."
    ),
}

# What each step input is called, on the ticket's form and in the step dialogs
# alike (both declare their field with this label).
INPUT_LABELS = {
    "users_affected": "Users affected",
    "is_blocking": "Blocking work",
    "assessment_note": "Impact, urgency and next steps",
    "investigation_findings": "Findings",
    "investigation_scope": "Scope",
    "investigation_hypothesis": "Root cause hypothesis",
    "investigation_decision": "Decision",
    "workaround": "Workaround",
    "escalation_request": "Request to the Dev Team",
    "escalation_links": "Links",
    "root_cause": "Root cause",
    "resolution_summary": "Fix applied and verified",
    "permanent_fix_plan": "Permanent fix plan",
    "verification_checklist": "Verification checklist for the customer",
    "customer_confirmation": "Customer's confirmation",
    "lessons_learned": "Lessons learned",
    "incident_pattern": "Pattern",
    "kb_recommendation": "Knowledge-base recommendation",
    "follow_up_plan": "Follow-up plan",
}

# The agents: helpdesk users, whatever tickets they see. The process's internal
# fields and notes are theirs (customers read their own tickets).
AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"

# Who writes what. The fields of helpdesk.ticket that people type (the form, the
# step dialogs, imports, RPC clients): every other stored field this addon adds to
# the ticket is the process's record (a step's time, the class, a deadline, the
# SLA bookkeeping, a measured phase) and only the process writes it, as superuser
# code (helpdesk.ticket._check_process_record). A manager corrects the received
# time with a logged action, never by writing it.
TICKET_USER_INPUTS = frozenset(
    {
        "users_affected",
        "is_blocking",
        "cos_override",
        "cos_override_reason",
        "priority",
        "previous_ticket_id",
        "major_incident_id",
        "incident_report_lang",
        *(fname for inputs in STEP_INPUTS.values() for fname in inputs),
    }
)

# Conditions the transitions require: code -> (test on a ticket, what is missing).
Condition = namedtuple("Condition", "test missing")


def _escalated_and_updated(ticket):
    return bool(
        ticket.escalation_date
        and ticket.last_update_date
        and ticket.last_update_date >= ticket.escalation_date
    )


CONDITIONS = {
    "assess": Condition(
        lambda t: bool(t.assessment_date),
        _lt("the classification and initial assessment are not logged"),
    ),
    "ack": Condition(
        lambda t: bool(t.ack_date),
        _lt("the customer has not been sent the acknowledgement (ACK)"),
    ),
    "investigate": Condition(
        lambda t: bool(t.investigation_date),
        _lt("the investigation is not logged"),
    ),
    "escalate": Condition(
        lambda t: bool(t.escalation_date),
        _lt("the escalation to the Dev Team is not logged"),
    ),
    "update_after_escalation": Condition(
        _escalated_and_updated,
        _lt("the customer has not been sent an update since the escalation"),
    ),
    "escalated_unless_standard": Condition(
        lambda t: t.class_of_service == "standard" or _escalated_and_updated(t),
        _lt(
            "the ticket is not Standard, so it must be escalated and the customer "
            "updated first"
        ),
    ),
    "dev_response": Condition(
        lambda t: bool(t.dev_response_date),
        _lt("the fix (root cause and fix applied) is not logged"),
    ),
    "resolve": Condition(
        lambda t: bool(t.resolution_date),
        _lt("the customer has not been sent the resolution email"),
    ),
    "confirm": Condition(
        lambda t: bool(t.confirmation_date),
        _lt("the customer's confirmation is not logged"),
    ),
    "close": Condition(
        lambda t: bool(t.closure_date),
        _lt("the customer has not been sent the closure email"),
    ),
    "summary": Condition(
        lambda t: bool(t.summary_date),
        _lt("the final summary is not logged"),
    ),
}

# requires: condition codes; reason: a written reason is needed; manager: only a
# helpdesk manager may make the move.
Rule = namedtuple("Rule", "requires reason manager", defaults=((), False, False))

TRANSITIONS = {
    # the forward path
    ("new", "in_progress"): Rule(requires=("assess", "ack")),
    ("in_progress", "waiting"): Rule(
        requires=("investigate", "escalate", "update_after_escalation")
    ),
    ("in_progress", "resolved"): Rule(
        requires=("investigate", "escalated_unless_standard", "dev_response")
    ),
    ("waiting", "resolved"): Rule(requires=("dev_response",)),
    ("resolved", "closed"): Rule(requires=("resolve", "confirm", "close", "summary")),
    # moves back
    ("waiting", "in_progress"): Rule(),
    ("resolved", "in_progress"): Rule(reason=True),
    ("closed", "in_progress"): Rule(reason=True, manager=True),
}
# Any open ticket may be cancelled (spam, duplicate), with a reason.
CANCEL_RULE = Rule(reason=True)

# Major incidents: the agent works the main ticket; every step done on it is
# done for its linked reports too (a customer step emails each report's
# customer), but for the one step that stays each report's own: its customer's
# confirmation. What the steps found is the incident's, copied to each report
# with the step (the emails quote it); what each report's customer said is not.
REPORT_OWN_STEPS = ("confirm",)
REPORT_OWN_INPUTS = ("users_affected", "is_blocking", "customer_confirmation")
INCIDENT_SHARED_INPUTS = tuple(
    dict.fromkeys(
        fname
        for inputs in STEP_INPUTS.values()
        for fname in inputs
        if fname not in REPORT_OWN_INPUTS
    )
)

# Customer steps and the email template each one opens the composer with.
TEMPLATE_BY_STEP = {
    "ack": "mindx_helpdesk_process.mail_template_ack",
    "update": "mindx_helpdesk_process.mail_template_update",
    "resolve": "mindx_helpdesk_process.mail_template_resolution",
    "close": "mindx_helpdesk_process.mail_template_closure",
}
# Dates that a customer-facing step also counts as "the customer was updated".
CUSTOMER_UPDATE_FIELD = "last_update_date"

# The seven steps of docs/PROCESS.md as the checklist shows them: (title, conditions
# that make the step done, the step whose time and author are shown).
CHECKLIST = [
    (_lt("Receive & classify"), ("assess",), "assess"),
    (_lt("Create & assess"), ("assess",), "assess"),
    (_lt("Acknowledge"), ("ack",), "ack"),
    (_lt("Investigate"), ("investigate",), "investigate"),
    (_lt("Escalate & update"), ("update_after_escalation",), "escalate"),
    (_lt("Resolve"), ("dev_response", "resolve"), "resolve"),
    (_lt("Close & follow up"), ("confirm", "close", "summary"), "summary"),
]
CHECKLIST_SKIPPABLE = {"escalate"}


def rule_for(from_role, to_role):
    """The rule of a move, or None when the process does not allow it.

    A forward skip (New to Waiting) needs every condition of the moves it skips.
    """
    if from_role == to_role:
        return Rule()
    if to_role == "cancelled":
        return CANCEL_RULE if from_role not in ("closed", "cancelled") else None
    if (from_role, to_role) in TRANSITIONS:
        return TRANSITIONS[(from_role, to_role)]
    if from_role in FORWARD_PATH and to_role in FORWARD_PATH:
        return _forward_skip_rule(
            FORWARD_PATH.index(from_role), FORWARD_PATH.index(to_role)
        )
    return None


def _forward_skip_rule(start, end):
    """Chain the forward moves from path index `start` to `end` (None if backward).

    Each hop goes as far as one transition of the table reaches without passing the
    target, so In Progress to Closed goes through the direct In Progress to Resolved
    move (Standard tickets need no escalation) rather than through Waiting.
    """
    requires = []
    while start < end:
        for hop_end in range(end, start, -1):
            hop = TRANSITIONS.get((FORWARD_PATH[start], FORWARD_PATH[hop_end]))
            if hop:
                requires += [code for code in hop.requires if code not in requires]
                start = hop_end
                break
        else:
            return None
    return Rule(requires=tuple(requires)) if requires else None


def missing_for_move(ticket, from_role, to_role):
    """What stops `ticket` from moving: (rule, [codes of unmet conditions]).

    rule is None when the move is not part of the process at all.
    """
    rule = rule_for(from_role, to_role)
    if rule is None:
        return None, []
    return rule, [code for code in rule.requires if not CONDITIONS[code].test(ticket)]
