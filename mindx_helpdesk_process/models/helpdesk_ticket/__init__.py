# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""helpdesk.ticket, extended by this addon: one model, one file per concern.

- gate.py: the stage gate every move goes through (process_rules), who writes
  the process's record, create and write;
- steps.py: the seven steps: when each was done, what it found, the header
  buttons and dialogs, recording a step, moving on, the checklist;
- class_of_service.py: users affected, blocking work, the class, its rationale,
  the override and the stars;
- sla.py: the deadlines of each class's targets (sla_rules), the SLA status,
  the pause, the managers' SLA actions (the scan is helpdesk.sla.breach's);
- customer.py: what the customer says, by email (mail gateway) or the portal:
  new tickets, replies, confirmations, reminders;
- major_incident.py: reports linked to one main ticket, whose class counts
  every report's users;
- escalation.py: the escalation's deliveries to the Dev Team's webhook (the
  outbox is helpdesk.escalation.delivery's);
- satisfaction.py: the rating the closure email asks for (OCA's
  helpdesk_mgmt_rating), the follow-up of an unhappy one;
- screens.py: what the agents' screens read, indexed for a large helpdesk.

docs/PROCESS.md describes the process these files implement.
"""

from . import gate, steps, class_of_service, sla, customer, major_incident, escalation
from . import satisfaction, screens
