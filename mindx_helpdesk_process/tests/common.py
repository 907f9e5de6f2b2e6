# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures every test of the addon builds on, created once per test class.

The seed's cast: the "LMS Support" team reached by email, its agent and manager,
and the customer (a course coordinator) who has a portal login but writes by email.
The access tests add the roles and tickets of access_spec.py (AccessFixtures).
"""

from collections.abc import Mapping
from contextlib import contextmanager
from datetime import timedelta, timezone
from email.utils import format_datetime as email_date

from odoo import Command, fields
from odoo.tests import HttpCase

from odoo.addons.mail.tests.common import MailCommon, mail_new_test_user

PROCESS_STAGE_ROLES = ("new", "in_progress", "waiting", "resolved", "closed")

# An inbound email as a mail server hands it to Odoo's gateway (message_process):
# the sender's server traced it at its Date; _receive_email adds our own server's
# trace on top, as our mail server does when it receives an email.
OUR_SERVER_TRACE = """Received: from mail.example.com by mx.mindx.example.com (Postfix)
    with ESMTPS id 7AB12C0D3E; {received}
"""
INBOUND_EMAIL = """Return-Path: <{return_path}>
To: {to}
Cc: {cc}
Received: by mail.example.com (Postfix, from userid 10002)
    id 5DF9ABFB2A; {date}
Message-ID: {msg_id}
Date: {date}
From: {email_from}
MIME-Version: 1.0
Subject: {subject}
{extra}Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""


# Every condition of process_rules.CONDITIONS, and ticket dates that satisfy it
# (set by hand to open a gate, or to put a ticket at a step).
# The step times each condition of the gates needs, in minutes before the test's
# clock (the seed's spacing: assessed 30 minutes before the final summary).
SATISFY_MINUTES_AGO = {
    "assess": {"assessment_date": 30},
    "ack": {"ack_date": 28},
    "investigate": {"investigation_date": 22},
    "escalate": {"escalation_date": 18},
    "update_after_escalation": {"escalation_date": 18, "last_update_date": 15},
    "escalated_unless_standard": {"escalation_date": 18, "last_update_date": 15},
    "dev_response": {"dev_response_date": 9},
    "resolve": {"resolution_date": 7},
    "confirm": {"confirmation_date": 3},
    "close": {"closure_date": 1},
    "summary": {"summary_date": 0},
}


class _Satisfy(Mapping):
    """SATISFY[code]: the values that meet a condition, on the test's clock
    (real or frozen) when they are read: never fixed dates next to the real
    clock."""

    def __getitem__(self, code):
        now = fields.Datetime.now()
        return {
            fname: now - timedelta(minutes=minutes)
            for fname, minutes in SATISFY_MINUTES_AGO[code].items()
        }

    def __iter__(self):
        return iter(SATISFY_MINUTES_AGO)

    def __len__(self):
        return len(SATISFY_MINUTES_AGO)


SATISFY = _Satisfy()


class ProcessFixtures:
    """The cast and the helpers, for TransactionCase and HttpCase classes alike."""

    @classmethod
    def _setup_process_fixtures(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.stage_by_role = {
            role: cls.env["helpdesk.ticket.stage"].search(
                [("process_role", "=", role)], limit=1
            )
            for role in PROCESS_STAGE_ROLES + ("cancelled",)
        }
        cls.agent = mail_new_test_user(
            cls.env,
            login="mindx_agent",
            name="Tran Van Agent",
            email="agent@mindx.example.com",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
            notification_type="inbox",
        )
        cls.manager = mail_new_test_user(
            cls.env,
            login="mindx_manager",
            name="Le Thi Manager",
            email="manager@mindx.example.com",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager",
            notification_type="inbox",
        )
        cls.portal_user = mail_new_test_user(
            cls.env,
            login="ha_coordinator",
            name="Nguyen Thi Ha",
            email="ha.nguyen@customer.example.com",
            groups="base.group_portal",
            notification_type="email",
        )
        cls.customer = cls.portal_user.partner_id
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "LMS Support (tests)",
                "alias_name": "lms-support-tests",
                "user_ids": [(6, 0, [cls.agent.id, cls.manager.id])],
                "user_id": cls.manager.id,
            }
        )
        cls.team_alias_email = cls.team.alias_id.alias_full_name

    @contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex, msg=None):
        """Like unittest's, with Odoo's rollback of the failed operation.

        Odoo only overrides assertRaises (savepoint + cache reset); unittest's
        assertRaisesRegex would leave the refused values in the cache.
        """
        with self.assertRaises(expected_exception, msg=msg) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), expected_regex)

    @classmethod
    def _create_ticket(cls, **values):
        vals = {
            "name": "LMS Performance Issue - Class WEB101-HN-2024",
            "description": "<p>Students cannot submit assignments.</p>",
            "team_id": cls.team.id,
            "partner_id": cls.customer.id,
        }
        vals.update(values)
        return cls.env["helpdesk.ticket"].create(vals)

    @staticmethod
    def _hours_ago(hours):
        """A past moment on the clock the test runs on (real or frozen)."""
        return fields.Datetime.now() - timedelta(hours=hours)

    @classmethod
    def _hide_other_tickets_from_the_scan(cls):
        """The breach scan reads the whole table: the tickets already in the
        database (the demo's, whose deadlines follow the day it was installed)
        are left out, so that a test's scans see only its own tickets, whatever
        the installation date (rolled back with the test class)."""
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE helpdesk_ticket SET sla_next_deadline = NULL, "
            "sla_at_risk_date = NULL"
        )
        cls.env.invalidate_all()

    @classmethod
    def _force_stage(cls, tickets, role):
        """Put tickets in a stage of `role` as a manager's forced move (test set-up)."""
        tickets.with_user(cls.manager).with_context(
            mindx_force_move=True, mindx_move_reason="test set-up"
        ).write({"stage_id": cls.stage_by_role[role].id})
        return tickets

    def _send_step_email(self, ticket, step, user=None):
        """Open the step's composer as the agent would and send it unchanged."""
        user = user or self.agent
        action = getattr(ticket.with_user(user), f"action_process_{step}")()
        composer = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({})
        )
        composer.action_send_mail()
        return composer

    def _incident_link_wizard(self, reports, user=None):
        """The list's "Link to major incident" action on `reports`, opened as
        the web client opens it (its own context, the selection as active ids)."""
        action = self.env.ref(
            "mindx_helpdesk_process.helpdesk_ticket_incident_link_wizard_action"
        )
        context = dict(
            eval(action.context),  # noqa: S307 - the action's own literal context
            active_model="helpdesk.ticket",
            active_ids=reports.ids,
        )
        return (
            self.env[action.res_model]
            .with_user(user or self.agent)
            .with_context(**context)
        )

    def _log_step(self, ticket, step, user=None, **values):
        """Fill the step's dialog as the agent would and confirm it."""
        user = user or self.agent
        action = getattr(ticket.with_user(user), f"action_process_{step}")()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create(values)
        )
        wizard.action_confirm()
        return wizard


class AccessFixtures:
    """The access tests' cast (access_spec.py): the roles ProcessFixtures has not
    (agents who see their own or their team's tickets, an employee, another
    customer, the manager of another company), a ticket each role may or may not
    see, with its step and breach logs and an escalation delivery, and each
    company's policy."""

    @classmethod
    def _setup_access_fixtures(cls):
        cls.own_agent = mail_new_test_user(
            cls.env,
            login="mindx_own_agent",
            name="Pham Van Own",
            email="own.agent@mindx.example.com",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user_own",
            notification_type="inbox",
        )
        cls.team_agent = mail_new_test_user(
            cls.env,
            login="mindx_team_agent",
            name="Do Thi Team",
            email="team.agent@mindx.example.com",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user_team",
            notification_type="inbox",
        )
        cls.team.user_ids = [
            Command.link(cls.own_agent.id),
            Command.link(cls.team_agent.id),
        ]
        cls.other_team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Finance Support (tests)",
                "user_ids": [Command.set(cls.agent.ids)],
            }
        )
        cls.employee = mail_new_test_user(
            cls.env,
            login="mindx_employee",
            name="Vo Thi Teacher",
            email="teacher@mindx.example.com",
            groups="base.group_user",
            notification_type="email",
        )
        cls.other_customer = mail_new_test_user(
            cls.env,
            login="other_coordinator",
            name="Another Coordinator",
            email="other@customer.example.com",
            groups="base.group_portal",
            notification_type="email",
        )
        cls.company_b = cls.env["res.company"].create({"name": "MindX Da Nang"})
        cls.manager_b = mail_new_test_user(
            cls.env,
            login="mindx_manager_b",
            name="Hoang Van Da Nang",
            email="manager.dn@mindx.example.com",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            notification_type="inbox",
        )
        cls.team_b = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "LMS Support Da Nang",
                "company_id": cls.company_b.id,
                "user_ids": [Command.set(cls.manager_b.ids)],
                "user_id": cls.manager_b.id,
            }
        )
        cls.tickets = {
            "ticket": cls._create_ticket(user_id=cls.agent.id),
            "ticket_own": cls._create_ticket(
                name="Cannot open the gradebook", user_id=cls.own_agent.id
            ),
            "ticket_employee": cls._create_ticket(
                name="Projector booking page is blank",
                partner_id=cls.employee.partner_id.id,
                user_id=cls.agent.id,
            ),
            "ticket_other_team": cls._create_ticket(
                name="Invoice shows the wrong course", team_id=cls.other_team.id
            ),
            "ticket_b": cls._create_ticket(
                name="Da Nang campus: LMS down",
                team_id=cls.team_b.id,
                company_id=cls.company_b.id,
            ),
        }
        for ticket in cls.tickets.values():
            ticket._process_record_step("assess")
            cls.env["helpdesk.sla.breach"].create(
                {
                    "ticket_id": ticket.id,
                    "kind": "ack",
                    "deadline": cls._hours_ago(2),
                    "detected_date": cls._hours_ago(1),
                }
            )
            cls.env["helpdesk.escalation.delivery"].create(
                {
                    "ticket_id": ticket.id,
                    "team_id": ticket.team_id.id,
                    "kind": "teams",
                    "url": "https://hooks.example.com/workflows/x?sig=secret",
                    "payload": "{}",
                    "state": "failed",
                }
            )
        cls.users = {
            "portal": cls.portal_user,
            "employee": cls.employee,
            "own_agent": cls.own_agent,
            "team_agent": cls.team_agent,
            "agent": cls.agent,
            "manager": cls.manager,
            "manager_b": cls.manager_b,
        }
        cls.policies = {
            "a": cls.env.company.helpdesk_cos_policy_id,
            "b": cls.company_b.helpdesk_cos_policy_id,
        }


class HelpdeskProcessCommon(ProcessFixtures, MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_process_fixtures()

    def _receive_email(self, subject, body="Hello,\nthe LMS is very slow.", **kwargs):
        """Deliver an email to the team's alias through the real mail gateway.

        Written and received now (the test's clock) unless `date` (the sender's
        Date header) or `received` (our mail server's Received trace, on top)
        say otherwise. Returns the ticket it created or updated.
        """
        now = email_date(fields.Datetime.now().replace(tzinfo=timezone.utc))
        values = {
            "to": self.team_alias_email,
            "cc": "",
            "return_path": "ha.nguyen@customer.example.com",
            "email_from": '"Nguyen Thi Ha" <ha.nguyen@customer.example.com>',
            "date": now,
            "extra": "",
            "subject": subject,
            "body": body,
        }
        values["received"] = now
        values.update(kwargs)
        return self.format_and_process(
            OUR_SERVER_TRACE + INBOUND_EMAIL,
            values.pop("email_from"),
            values.pop("to"),
            subject=values.pop("subject"),
            target_model="helpdesk.ticket",
            **values,
        )


class HelpdeskProcessHttpCommon(ProcessFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_process_fixtures()
