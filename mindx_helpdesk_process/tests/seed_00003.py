# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ticket #00003 of the seed report, replayed through the buttons at its own times.

The report's clock is Vietnam's (ICT, UTC+7): 22:35 there is 15:35 UTC, which is
what Odoo stores. Shared by the process test (dates, stages, phases) and the
incident report test (the report generated from it).
"""

from datetime import datetime, timedelta

from odoo.tests import freeze_time

REPORT_UTC_OFFSET = timedelta(hours=7)
TITLE = "LMS Performance Issue - Class WEB101-HN-2024 (15 users affected)"
CONFIRMATION = "Chị đã test lại rồi, hệ thống giờ đã nhanh trở lại."

# (report time, "log" a step's dialog or send its "email", step, dialog values)
REPLAY = [
    (
        "22:42",
        "log",
        "assess",
        {
            "users_affected": 16,
            "is_blocking": True,
            "assessment_note": "Priority: 15 students + 1 coordinator, class "
            "in progress",
        },
    ),
    ("22:44", "email", "ack", {}),
    (
        "22:50",
        "log",
        "investigate",
        {
            "investigation_findings": "App Insights: response time 2s -> 35s since "
            "2 PM; DB connection pool 85% full; slow query warnings",
            "investigation_scope": "Only WEB101-HN-2024 is affected",
            "investigation_hypothesis": "Query optimisation issue on a large dataset",
            "investigation_decision": "Escalate to the Dev Team",
        },
    ),
    (
        "22:54",
        "log",
        "escalate",
        {"escalation_request": "Temporary fix now (class in progress)"},
    ),
    ("22:57", "email", "update", {}),
    (
        "23:03",
        "log",
        "dev_response",
        {
            "root_cause": "Inefficient query on a large dataset",
            "resolution_summary": "Query optimised; response time back to ~2s",
            "permanent_fix_plan": "Scheduled for the next release",
        },
    ),
    ("23:05", "email", "resolve", {}),
    ("23:09", "log", "confirm", {"customer_confirmation": CONFIRMATION}),
    ("23:11", "email", "close", {}),
    (
        "23:12",
        "log",
        "summary",
        {"lessons_learned": "Escalation quality matters more than escalation speed"},
    ),
]


class Replay00003:
    """Mixin for HelpdeskProcessCommon classes: replay the seed's ticket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.escalation_email = "dev-team@mindx.example.com"

    @staticmethod
    def _at(hhmm):
        """The report's local time on 28 Nov 2026, as Odoo stores it (UTC)."""
        local = datetime(2026, 11, 28, int(hhmm[:2]), int(hhmm[3:]))
        return local - REPORT_UTC_OFFSET

    def _replay_00003(self):
        """Replay the report; return the ticket and (time, stage role) per step."""
        with freeze_time(self._at("22:38")):
            ticket = self._create_ticket(
                name=TITLE,
                received_date=self._at("22:35"),
                users_affected=16,
                is_blocking=True,
            )
        ticket.workaround = "Incognito mode, or submit assignments by email"
        stages = []
        for hhmm, how, step, values in REPLAY:
            if step == "escalate":
                values = dict(
                    values, investigation_findings=ticket.investigation_findings
                )
            with freeze_time(self._at(hhmm)), self.mock_mail_gateway():
                if how == "email":
                    self._send_step_email(ticket, step)
                else:
                    self._log_step(ticket, step, **values)
            stages.append((hhmm, ticket.stage_id.process_role))
        return ticket, stages
