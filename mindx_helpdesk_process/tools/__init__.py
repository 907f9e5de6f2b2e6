# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Plain Python the models use: no ORM model is defined here.

- working_time: time arithmetic on a resource.calendar (SLA clocks, working days);
- numbers: checks of integer values before the ORM or PostgreSQL sees them;
- email_headers: whether a machine sent an incoming email, when it arrived;
- email_text: what a customer's email says (users affected, ticket number, date)
  and how their words are shown;
- webhook: the escalation's body for Microsoft Teams, Slack or generic JSON, and
  a poster that reaches only the addresses it checked;
- web_client: the requests the web client sends to open a form or a kanban
  (their field specifications), for the query-count tests and the benchmark.
"""

from . import email_headers, email_text, numbers, web_client, webhook, working_time
