# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SLA kinds as data, and the measures every report shares.

What an SLA kind is (its deadline and flag on the ticket, its target on the class
of service, the steps that answer it and the ones that close its breach) is written
here once, as process_rules.py is for the stage gates; the ticket, the breach log,
the step log, the incident report and the compliance analysis read it from here.
"""

from collections import namedtuple
from datetime import timedelta

from .process_rules import STEPS

# code; ticket field of the deadline; ticket flag "already flagged" (None: counted
# in windows instead, see helpdesk.sla.breach.windows_missed); target on the class
# line (minutes); ticket field the clock starts from (None: the update windows,
# helpdesk.ticket._sla_update_window); whether the clock stops in the policy's
# pause stages; the steps whose date answers it
SlaKind = namedtuple(
    "SlaKind",
    "code deadline_field flag_field target_field start_field pausable answered_by",
)

KINDS = (
    SlaKind(
        "ack",
        "sla_ack_deadline",
        "sla_ack_flagged",
        "ack_minutes",
        "received_date",
        False,
        ("ack",),
    ),
    SlaKind(
        "update",
        "sla_update_deadline",
        None,
        "update_minutes",
        None,
        False,
        ("update",),
    ),
    SlaKind(
        "escalation",
        "sla_escalation_deadline",
        "sla_escalation_flagged",
        "escalation_minutes",
        "investigation_date",
        False,
        ("escalate", "dev_response"),
    ),
    SlaKind(
        "resolve",
        "sla_resolve_deadline",
        "sla_resolve_flagged",
        "resolve_minutes",
        "received_date",
        True,
        ("resolve",),
    ),
)
BY_CODE = {kind.code: kind for kind in KINDS}
# the ticket fields helpdesk.ticket._compute_sla_deadlines computes
DEADLINE_FIELDS = (
    *(kind.deadline_field for kind in KINDS),
    "sla_next_deadline",
    "sla_next_kind",
    "sla_at_risk_date",
)
# "due soon" on the cards, lists and their filter: the next deadline within this
DUE_SOON = timedelta(hours=1)
# the roles in which the customer is owed updates
UPDATE_ROLES = ("new", "in_progress", "waiting")
# the kinds as a selection (labels translated with the field that uses them)
KIND_SELECTION = [
    ("ack", "Acknowledgement"),
    ("update", "Customer update"),
    ("escalation", "Escalation"),
    ("resolve", "Resolution"),
]
# the open breaches a step closes: a customer email answers the update waiting
# too, the fix logged answers the escalation
CLOSED_BY_STEP = {
    "ack": ("ack", "update"),
    "update": ("update",),
    "escalate": ("escalation",),
    "dev_response": ("escalation",),
    "resolve": ("resolve", "update"),
    "close": ("update",),
}
# the customer emails that promise the next update (their templates say when):
# that promise is the update deadline
UPDATE_PROMISING_STEPS = ("ack", "update")
# the kind each step is measured against in the step log (the others: no target)
KIND_BY_STEP = {
    "ack": "ack",
    "escalate": "escalation",
    "update": "update",
    "resolve": "resolve",
}
TARGET_STATES = [("met", "On time"), ("missed", "Late")]


def still_pending(ticket, kind):
    """No step that answers `kind` is done on `ticket` yet."""
    return not any(ticket[STEPS[step].date_field] for step in kind.answered_by)


def target_state(done, deadline):
    """Met or missed: a step done at `done` against `deadline` (False: no target)."""
    if not done or not deadline:
        return False
    return "met" if done <= deadline else "missed"


def update_counts(updates, update_breaches):
    """(met, due) of a ticket's update deadlines.

    `updates`: (deadline, target state) of each update sent; `update_breaches`:
    (deadline, windows missed) of each update breach. Each update answers one
    deadline, on time or late; each window a breach counted that no update
    answered is one more deadline missed. The compliance analysis counts the same
    in SQL (helpdesk.process.analysis._breaches_query).
    """
    answered = {deadline for deadline, state in updates if state}
    met = sum(1 for _deadline, state in updates if state == "met")
    unanswered = sum(
        windows - (1 if deadline in answered else 0)
        for deadline, windows in update_breaches
    )
    return met, len([1 for _d, state in updates if state]) + unanswered
