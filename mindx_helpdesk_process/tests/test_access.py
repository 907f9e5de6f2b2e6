# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may do what with the process: models, steps, moves, server actions, routes.

Seven roles: the tickets' portal customer, an internal user without helpdesk
rights (an employee who reported an issue), helpdesk_mgmt's three agents (who see
their own tickets, their teams' tickets, all tickets), a helpdesk manager, and the
helpdesk manager of another company. The tables below are the specification; the
tests check them twice: what `has_access` answers, and what really happens when
the role tries (AccessError, or it works and is undone).
"""

from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import HelpdeskProcessCommon, HelpdeskProcessHttpCommon

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
# logs are written by the process itself (sudo), never by hand: agents only read.
ACL_TABLE = """
model                       portal employee own_agent team_agent agent manager manager_b
helpdesk.ticket             r      r        rwc       rwc        rwc   rwcu    rwcu
helpdesk.ticket.stage       r      r        r         r          r     rwcu    rwcu
helpdesk.ticket.team        r      r        r         r          r     rwcu    rwcu
helpdesk.cos.policy         -      -        r         r          r     rwcu    rwcu
helpdesk.cos.policy.line    -      -        r         r          r     rwcu    rwcu
helpdesk.ticket.step        -      -        r         r          r     r       r
helpdesk.sla.breach         -      -        r         r          r     r       r
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
    "helpdesk.ticket.step.wizard": {"assessment_note": "Whole class blocked"},
    "helpdesk.ticket.move.wizard": {"reason": "Duplicate of HT00002"},
    "helpdesk.ticket.received.wizard": {"reason": "Reported by phone at 08:10"},
}


class AccessFixtures:
    """The six roles, a ticket each may or may not see, and their logs."""

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
                    "deadline": "2026-11-28 22:45:00",
                    "detected_date": "2026-11-28 22:50:00",
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


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessFixtures, HelpdeskProcessCommon):
    """The tables through the ORM, and every sudo() of the addon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_access_fixtures()
        # spare records a role may change or delete without touching the fixtures
        cls.spare = {}
        for company_key, company in (("a", cls.env.company), ("b", cls.company_b)):
            policy = cls.env["helpdesk.cos.policy"].create(
                {
                    "name": f"Spare policy {company_key}",
                    "company_id": company.id,
                    "line_ids": [Command.create({"class_of_service": "expedite"})],
                }
            )
            cls.spare[company_key] = {
                "helpdesk.ticket.stage": cls.env["helpdesk.ticket.stage"].create(
                    {"name": f"Spare stage {company_key}", "company_id": company.id}
                ),
                "helpdesk.ticket.team": cls.env["helpdesk.ticket.team"].create(
                    {"name": f"Spare team {company_key}", "company_id": company.id}
                ),
                "helpdesk.cos.policy": policy,
                "helpdesk.cos.policy.line": policy.line_ids,
            }

    # -- helpers ------------------------------------------------------------------

    @contextmanager
    def _undone(self):
        """Run an allowed operation for real (on a fresh cache), then undo it."""
        with self.env.cr.savepoint() as savepoint:
            self.env.invalidate_all()
            yield
            self.env.flush_all()
            savepoint.rollback()
        self.env.invalidate_all()

    def _assert_operation(self, allowed, operation, refusal=AccessError):
        if allowed:
            with self._undone():
                operation()
        else:
            self.env.invalidate_all()
            with self.assertRaises(refusal):
                operation()

    def _rights(self, model, role):
        return ACL[model][role]

    def _company_key(self, role):
        return "b" if role == "manager_b" else "a"

    def _create_values(self, role, model):
        ticket = self.tickets[HOME_TICKET[role]]
        spare = self.spare[self._company_key(role)]
        return {
            "helpdesk.ticket": {
                "name": "Quiz timer resets",
                "description": "<p>The timer resets on reload.</p>",
                "team_id": ticket.team_id.id,
                "company_id": ticket.company_id.id,
            },
            "helpdesk.ticket.stage": {"name": "Waiting for the vendor"},
            "helpdesk.ticket.team": {"name": "Exams support"},
            "helpdesk.cos.policy": {"name": "Exam season"},
            "helpdesk.cos.policy.line": {
                "policy_id": spare["helpdesk.cos.policy"].id,
                "class_of_service": "standard",
            },
            "helpdesk.ticket.step": {"ticket_id": ticket.id, "step": "ack"},
            "helpdesk.sla.breach": {
                "ticket_id": ticket.id,
                "kind": "resolve",
                "deadline": "2026-11-29 02:35:00",
            },
            "helpdesk.ticket.step.wizard": {"ticket_id": ticket.id, "step": "assess"},
            "helpdesk.ticket.move.wizard": {
                "ticket_id": ticket.id,
                "stage_id": self.stage_by_role["cancelled"].id,
                "reason": "Duplicate of HT00002",
            },
            "helpdesk.ticket.received.wizard": {
                "ticket_id": ticket.id,
                "received_date": "2026-11-28 08:10:00",
                "reason": "Reported by phone at 08:10",
            },
        }[model]

    def _home_record(self, role, model):
        """A record of `model` that the role's record rules allow (as the role)."""
        user = self.users[role]
        ticket = self.tickets[HOME_TICKET[role]]
        spare = self.spare[self._company_key(role)]
        if model == "helpdesk.ticket":
            record = ticket
        elif model == "helpdesk.ticket.step":
            record = ticket.process_step_ids
        elif model == "helpdesk.sla.breach":
            record = ticket.sla_breach_ids
        elif model in spare:
            record = spare[model]
        else:
            # a wizard of the user's own (transient records are their creator's)
            values = self._create_values(role, model)
            record = self.env[model].with_user(user).sudo().create(values)
        return record.with_user(user)

    def _operation(self, role, model, operation):
        user = self.users[role]
        if operation == "create":
            values = self._create_values(role, model)
            return lambda: self.env[model].with_user(user).create(values)
        record = self._home_record(role, model)
        if operation == "read":
            return lambda: record.read(READ_FIELDS[model])
        if operation == "write":
            return lambda: record.write(WRITE_VALUES[model])
        return record.unlink

    # -- the tables ---------------------------------------------------------------

    @mute_logger("odoo.models.unlink")
    def test_model_access_matrix(self):
        """ACL of every model the addon adds or extends, role by role, op by op."""
        self.assertEqual(ACL_TABLE.split("\n")[1].split()[1:], list(ROLES))
        for model in ACL:
            for role in ROLES:
                user = self.users[role]
                for operation, letter in OPERATIONS.items():
                    allowed = letter in self._rights(model, role)
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(
                            self.env[model].with_user(user).has_access(operation),
                            allowed,
                        )
                        self._assert_operation(
                            allowed, self._operation(role, model, operation)
                        )

    def test_ticket_record_rules(self):
        """Each role reads and writes exactly the tickets of READABLE, companies
        included; what it can search for is the same set."""
        all_tickets = self.env["helpdesk.ticket"].union(*self.tickets.values())
        for role in ROLES:
            user = self.users[role]
            may_write = "w" in self._rights("helpdesk.ticket", role)
            found = (
                self.env["helpdesk.ticket"]
                .with_user(user)
                .search([("id", "in", all_tickets.ids)])
            )
            self.assertEqual(
                found, self._tickets(READABLE[role]), f"{role} searches tickets"
            )
            for key, ticket in self.tickets.items():
                readable = key in READABLE[role]
                with self.subTest(role=role, ticket=key):
                    mine = ticket.with_user(user)
                    self.assertEqual(mine.has_access("read"), readable)
                    self._assert_operation(
                        readable, lambda mine=mine: mine.read(READ_FIELDS[mine._name])
                    )
                    self.assertEqual(mine.has_access("write"), readable and may_write)
                    self._assert_operation(
                        readable and may_write,
                        lambda mine=mine: mine.write({"users_affected": 7}),
                    )

    def test_step_and_breach_logs_follow_their_ticket(self):
        """An agent who sees only their own tickets, or a manager of another
        company, must not read (nor find) the step or breach logs of tickets they
        cannot open: each log names its ticket, its agent and its message."""
        all_tickets = self.env["helpdesk.ticket"].union(*self.tickets.values())
        for model, field in (
            ("helpdesk.ticket.step", "process_step_ids"),
            ("helpdesk.sla.breach", "sla_breach_ids"),
        ):
            for role in ROLES:
                user = self.users[role]
                reads_logs = "r" in self._rights(model, role)
                if reads_logs:
                    found = (
                        self.env[model]
                        .with_user(user)
                        .search([("ticket_id", "in", all_tickets.ids)])
                    )
                    expected = self._tickets(READABLE[role]).mapped(field)
                    self.assertEqual(found, expected, f"{role} searches {model}")
                for key, ticket in self.tickets.items():
                    allowed = reads_logs and key in READABLE[role]
                    logs = ticket[field].with_user(user)
                    with self.subTest(model=model, role=role, ticket=key):
                        self.assertTrue(logs)
                        self.assertEqual(logs.has_access("read"), allowed)
                        self._assert_operation(
                            allowed,
                            lambda logs=logs: logs.read(READ_FIELDS[logs._name]),
                        )

    def test_policy_record_rules(self):
        """Policies and their SLA targets: read by the helpdesk of their company,
        changed by its managers only."""
        for role in ROLES:
            user = self.users[role]
            for key, policy in self.policies.items():
                readable = key in POLICY_READABLE[role]
                writable = key in POLICY_WRITABLE.get(role, set())
                line = policy.line_ids[:1]
                with self.subTest(role=role, policy=key):
                    for record, values in (
                        (policy, {"priority_min_users": 4}),
                        (line, {"ack_minutes": 12}),
                    ):
                        mine = record.with_user(user)
                        self.assertEqual(mine.has_access("read"), readable)
                        self._assert_operation(
                            readable,
                            lambda mine=mine: mine.read(READ_FIELDS[mine._name]),
                        )
                        self.assertEqual(mine.has_access("write"), writable)
                        self._assert_operation(
                            writable,
                            lambda mine=mine, values=values: mine.write(values),
                        )

    def _tickets(self, keys):
        return self.env["helpdesk.ticket"].union(*(self.tickets[k] for k in keys))

    # -- what the roles may do with a ticket -----------------------------------

    def test_employee_opens_own_request_in_the_form(self):
        """helpdesk_mgmt lets an employee read the tickets they requested: the form
        with our process fields must open for them (it read policies, steps and
        breaches they have no right to), and stays read-only."""
        ticket = self.tickets["ticket_employee"].with_user(self.employee)
        self.env.invalidate_all()
        form = Form(ticket)
        self.assertEqual(form.name, "Projector booking page is blank")
        self.assertIn("1. Receive &amp; classify", str(form.process_checklist_html))
        self.assertEqual(form.sla_breach_count, 1)
        with self.assertRaises(AccessError):
            ticket.write({"users_affected": 40})

    def test_steps_by_role(self):
        """An internal step (dialog) and a customer step (composer) on each ticket:
        done by whoever may write the ticket, refused to everyone else with
        nothing recorded."""
        for role in ROLES:
            user = self.users[role]
            may_write = "w" in self._rights("helpdesk.ticket", role)
            for key, ticket in self.tickets.items():
                allowed = may_write and key in READABLE[role]
                with self.subTest(role=role, ticket=key), self.mock_mail_gateway():
                    self._assert_operation(
                        allowed,
                        lambda ticket=ticket, user=user: self._log_step(
                            ticket,
                            "investigate",
                            user=user,
                            investigation_findings="Pool 85% full",
                            investigation_decision="Escalate",
                        ),
                    )
                    self._assert_operation(
                        allowed,
                        lambda ticket=ticket, user=user: self._send_step_email(
                            ticket, "ack", user=user
                        ),
                    )
                    self.assertFalse(ticket.investigation_date or ticket.ack_date)
                    self.assertEqual(ticket.process_step_ids.mapped("step"), ["assess"])

    def test_agent_step_actually_records(self):
        """The other side of test_steps_by_role: the step of an allowed role is
        recorded for real, by that user (not by the superuser of a sudo)."""
        ticket = self.tickets["ticket_own"]
        with self.mock_mail_gateway():
            self._send_step_email(ticket, "ack", user=self.own_agent)
        self.assertTrue(ticket.ack_date)
        log = ticket.process_step_ids.filtered(lambda s: s.step == "ack")
        self.assertEqual(log.user_id, self.own_agent)
        self.assertEqual(log.create_uid, self.own_agent)
        self.assertEqual(ticket.stage_id.process_role, "in_progress")

    def test_crafted_step_message_by_customer_records_nothing(self):
        """A post on the ticket carrying the composer's old context key: the
        message is stored, no step is recorded (the step travels with the
        composer its sender opened, never in the context of message_post)."""
        for role, key in (("portal", "ticket"), ("employee", "ticket_employee")):
            ticket = self.tickets[key]
            poster = ticket.with_user(self.users[role]).with_context(
                mindx_process_step="resolve", default_process_step="resolve"
            )
            with self.subTest(role=role), self.mock_mail_gateway():
                poster.message_post(
                    body="It works now, you can close it.",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=ticket.partner_id.ids,
                )
                self.assertFalse(ticket.resolution_date)
                self.assertEqual(ticket.process_step_ids.mapped("step"), ["assess"])

    def test_process_dates_are_nobodys_to_write(self):
        """Writing "ACK sent on" by hand (RPC, import) would open a gate without the
        email: refused to every role that may write tickets, managers included
        (they force moves, logged, instead)."""
        for role in ("own_agent", "team_agent", "agent", "manager", "manager_b"):
            ticket = self.tickets[HOME_TICKET[role]]
            with self.subTest(role=role):
                with self.assertRaisesRegex(UserError, "ACK sent on"):
                    ticket.with_user(self.users[role]).write(
                        {"ack_date": "2026-11-28 22:44:00"}
                    )
                self.assertFalse(ticket.ack_date)

    def test_force_move_and_reopen_by_managers_only(self):
        """Forcing a move skips every gate; reopening a closed ticket is the
        manager's call: both only for a manager of the ticket's company."""
        closed = self.stage_by_role["closed"]
        in_progress = self.stage_by_role["in_progress"]
        for role in ROLES:
            user = self.users[role]
            for key, ticket in self.tickets.items():
                allowed = key in MANAGED.get(role, set())
                with self.subTest(role=role, ticket=key, move="force"):
                    self._assert_operation(
                        allowed,
                        lambda ticket=ticket, user=user: ticket.with_user(user)
                        .with_context(mindx_force_move=True, mindx_move_reason="Phone")
                        .write({"stage_id": closed.id}),
                        refusal=UserError,
                    )
                    self.assertEqual(ticket.stage_id.process_role, "new")
                with self.subTest(role=role, ticket=key, move="reopen"):
                    with self._undone():
                        manager = self.manager_b if key == "ticket_b" else self.manager
                        self._force_stage_as(ticket, "closed", manager)
                        self._assert_operation(
                            allowed,
                            lambda ticket=ticket, user=user: ticket.with_user(user)
                            .with_context(mindx_move_reason="It broke again")
                            .write({"stage_id": in_progress.id}),
                            refusal=UserError,
                        )

    def _force_stage_as(self, ticket, role, manager):
        ticket.with_user(manager).with_context(
            mindx_force_move=True, mindx_move_reason="test set-up"
        ).write({"stage_id": self.stage_by_role[role].id})

    def test_move_wizard_force_by_managers_only(self):
        """The "Force stage" dialog: an agent ticking Force gets the managers-only
        refusal, nothing moves."""
        for role in ("own_agent", "team_agent", "agent", "manager"):
            ticket = self.tickets[HOME_TICKET[role]]
            wizard = (
                self.env["helpdesk.ticket.move.wizard"]
                .with_user(self.users[role])
                .create(
                    {
                        "ticket_id": ticket.id,
                        "stage_id": self.stage_by_role["closed"].id,
                        "reason": "Handled by phone",
                        "force": True,
                    }
                )
            )
            with self.subTest(role=role):
                self._assert_operation(
                    role == "manager", wizard.action_confirm, refusal=UserError
                )
                self.assertEqual(ticket.stage_id.process_role, "new")

    def test_other_users_wizard_is_out_of_reach(self):
        """A step dialog holds what an agent typed: another agent cannot read or
        confirm it (transient records belong to their creator)."""
        wizard = (
            self.env["helpdesk.ticket.step.wizard"]
            .with_user(self.agent)
            .create(
                {
                    "ticket_id": self.tickets["ticket"].id,
                    "step": "investigate",
                    "investigation_findings": "DB pool 85%",
                    "investigation_decision": "Escalate",
                }
            )
        )
        for user in (self.own_agent, self.team_agent, self.manager_b):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    wizard.with_user(user).read(["investigation_findings"])
                with self.assertRaises(AccessError):
                    wizard.with_user(user).action_confirm()
        self.assertFalse(self.tickets["ticket"].investigation_date)

    def test_server_actions_by_role(self):
        """ "Flag SLA breaches now" and "Recompute SLA deadlines" on a ticket of the
        role's: managers only (the actions' groups)."""
        for xmlid in ("action_sla_flag_now", "action_sla_recompute"):
            action = self.env.ref(f"mindx_helpdesk_process.{xmlid}")
            for role in ROLES:
                ticket = self.tickets[HOME_TICKET[role]]
                allowed = role in MANAGED
                run = action.with_user(self.users[role]).with_context(
                    active_model="helpdesk.ticket",
                    active_id=ticket.id,
                    active_ids=ticket.ids,
                )
                with self.subTest(action=xmlid, role=role), self.mock_mail_gateway():
                    self._assert_operation(allowed, run.run)

    def test_server_actions_stay_in_the_managers_company(self):
        """The scan behind "Flag now" is the cron's, over every company: run by a
        manager it must flag their company's overdue tickets only (not fail on,
        nor touch, another company's), and "Recompute" refuses another company's
        tickets passed as the action's records."""
        overdue = {
            key: self._create_ticket(
                users_affected=10,
                received_date=self._hours_ago(2),
                team_id=team.id,
                company_id=team.company_id.id,
            )
            for key, team in (("a", self.team), ("b", self.team_b))
        }
        flag = self.env.ref("mindx_helpdesk_process.action_sla_flag_now")
        with self.mock_mail_gateway():
            flag.with_user(self.manager_b).with_context(
                active_model="helpdesk.ticket", active_ids=overdue["b"].ids
            ).run()
        self.assertTrue(overdue["b"].sla_breach_ids)
        self.assertFalse(overdue["a"].sla_breach_ids)
        recompute = self.env.ref("mindx_helpdesk_process.action_sla_recompute")
        with self.assertRaises(AccessError):
            recompute.with_user(self.manager_b).with_context(
                active_model="helpdesk.ticket", active_ids=overdue["a"].ids
            ).run()

    def test_managers_flag_now_is_not_filled_by_another_company(self):
        """Another company's earlier deadlines must not take the manager's batch
        (they would be locked, then dropped, and the manager's own left)."""
        earlier_a = self._create_ticket(
            users_affected=10, received_date=self._hours_ago(3)
        )
        later_b = self._create_ticket(
            users_affected=10,
            received_date=self._hours_ago(2),
            team_id=self.team_b.id,
            company_id=self.company_b.id,
        )
        with self.mock_mail_gateway():
            self.env["helpdesk.ticket"].with_user(self.manager_b).with_context(
                allowed_company_ids=self.company_b.ids
            )._cron_flag_sla_breaches(batch_size=1)
        self.assertTrue(later_b.sla_breach_ids)
        self.assertFalse(earlier_a.sla_breach_ids)

    def test_customer_cannot_read_the_internal_notes(self):
        """Customers read their own tickets (helpdesk_mgmt): the process's notes
        (findings, root cause, override reason) are for agents only."""
        ticket = self.tickets["ticket"]
        ticket.sudo().write(
            {"root_cause": "Unindexed query", "cos_override_reason": "VIP"}
        )
        mine = ticket.with_user(self.portal_user)
        self.assertEqual(mine.read(["name"])[0]["name"], ticket.name)
        for fname in ("root_cause", "investigation_findings", "cos_override_reason"):
            with self.subTest(field=fname):
                with self.assertRaises(AccessError):
                    mine.read([fname])
        self.assertNotIn("root_cause", mine.fields_get())
        self.assertEqual(ticket.with_user(self.agent).root_cause, "Unindexed query")

    # -- every sudo() of the addon, one test each ------------------------------

    def test_sudo_breach_close_does_not_let_agents_edit_breaches(self):
        """Covers `breaches.sudo().write` in _sla_close_breaches: the agent's ACK
        closes the ACK breach (done by the agent), yet the agent can still neither
        edit, reopen nor delete a breach."""
        ticket = self.tickets["ticket"]
        breach = ticket.sla_breach_ids
        with self.mock_mail_gateway():
            self._send_step_email(ticket, "ack")
        self.assertTrue(breach.done_date)
        self.assertEqual(breach.done_user_id, self.agent)
        mine = breach.with_user(self.agent)
        with self.assertRaises(AccessError):
            mine.write({"done_date": False})
        with self.assertRaises(AccessError):
            mine.unlink()
        with self.assertRaises(AccessError):
            self.env["helpdesk.sla.breach"].with_user(self.agent).create(
                {"ticket_id": ticket.id, "kind": "resolve", "deadline": "2026-11-29"}
            )

    def test_sudo_breach_email_goes_to_the_team_leader_only(self):
        """Covers `mail.mail.sudo().create` in helpdesk.sla.breach._announce: the scan
        writes the Expedite notice itself, to the team leader and nobody else; an
        agent can neither run the scan early nor write such an email."""
        ticket = self._create_ticket(
            users_affected=30, received_date=self._hours_ago(26)
        )
        with self.assertRaisesRegex(UserError, "Only helpdesk managers"):
            ticket.with_user(self.agent).action_sla_flag_now()
        with self.assertRaises(AccessError):
            self.env["mail.mail"].with_user(self.agent).create(
                {"subject": "x", "email_to": "anyone@example.com"}
            )
        with self.mock_mail_gateway():
            ticket.with_user(self.manager).action_sla_flag_now()
        notices = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        )
        self.assertTrue(ticket.sla_breach_ids)
        self.assertEqual(
            set(notices.mapped("email_to")), {self.manager.email_formatted}
        )

    def test_sudo_default_policy_of_a_new_company(self):
        """Covers `Policy.sudo()` in res.company._cos_ensure_default_policy: an
        administrator who is not a helpdesk manager creates a company, which gets
        its default policy, but the administrator still cannot edit policies."""
        admin = mail_new_test_user(
            self.env,
            login="mindx_settings_admin",
            groups="base.group_user,base.group_erp_manager,base.group_partner_manager",
        )
        company = self.env["res.company"].with_user(admin).create({"name": "MindX HCM"})
        policy = company.sudo().helpdesk_cos_policy_id
        self.assertTrue(policy.is_default)
        with self.assertRaises(AccessError):
            policy.with_user(admin).write({"priority_min_users": 2})
        with self.assertRaises(AccessError):
            self.env["helpdesk.cos.policy"].with_user(admin).create(
                {"name": "Mine", "company_id": company.id}
            )

    def test_sudo_policy_lookup_stays_in_the_tickets_company(self):
        """Covers `self.sudo().search` in _policy_by_ticket: classification reads
        every policy whoever creates the ticket, but only those of the ticket's
        company, and reading a ticket's class gives no access to the policy."""
        self.assertEqual(self.tickets["ticket_b"].cos_policy_id, self.policies["b"])
        self.policies["a"].write({"priority_min_users": 2})
        ticket_b = self._create_ticket(
            users_affected=3, team_id=self.team_b.id, company_id=self.company_b.id
        )
        self.assertEqual(ticket_b.class_of_service, "standard", "B's thresholds")
        customer_view = self.tickets["ticket"].with_user(self.portal_user)
        self.assertEqual(customer_view.class_of_service, "standard")
        with self.assertRaises(AccessError):
            customer_view.cos_policy_id.read(["priority_min_users"])

    def test_sudo_escalation_contact_and_channel(self):
        """Covers `res.partner.sudo()` in _escalation_partner and the channel's
        `sudo().message_post` in the step wizard: the agent's escalation reaches
        the Dev Team's address and channel the manager configured, but the agent
        may neither create contacts, nor change where escalations go, nor post
        in that channel directly."""
        channel = self.env["discuss.channel"].create(
            {
                "name": "dev-team (managers)",
                "group_public_id": self.env.ref(
                    "helpdesk_mgmt.group_helpdesk_manager"
                ).id,
            }
        )
        self.team.write(
            {
                "escalation_email": "dev-team@mindx.example.com",
                "escalation_channel_id": channel.id,
            }
        )
        ticket = self.tickets["ticket"]
        with self.mock_mail_gateway():
            self._log_step(
                ticket,
                "escalate",
                investigation_findings="Response time 2 s -> 35 s",
                escalation_request="Temporary fix now",
            )
        self.assertTrue(ticket.escalation_date)
        self.assertTrue(
            channel.message_ids.filtered(lambda m: ticket.number in (m.body or ""))
        )
        dev = self.env["res.partner"].search(
            [("email", "=", "dev-team@mindx.example.com")]
        )
        self.assertEqual(len(dev), 1)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.agent).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.team.with_user(self.agent).write(
                {"escalation_email": "attacker@example.com"}
            )
        with self.assertRaises(AccessError):
            channel.with_user(self.agent).message_post(
                body="hello", message_type="comment"
            )


@tagged("post_install", "-at_install")
class TestAccessHttp(AccessFixtures, HelpdeskProcessHttpCommon):
    """The same rules through the portal's routes, as a browser would call them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_access_fixtures()
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "screenshot-lms.txt",
                "raw": b"LMS-SCREENSHOT-CONTENT",
                "res_model": "helpdesk.ticket",
                "res_id": cls.tickets["ticket"].id,
            }
        )

    def _login(self, login):
        self.authenticate(login, login)

    def test_my_tickets_lists_what_the_rules_allow(self):
        """/my/tickets: the customer sees their tickets, never another customer's
        nor another company's; an employee sees their own request."""
        names = {key: ticket.name for key, ticket in self.tickets.items()}
        expected = {
            "ha_coordinator": {"ticket", "ticket_own", "ticket_other_team"},
            "other_coordinator": set(),
            "mindx_employee": {"ticket_employee"},
        }
        for login, keys in expected.items():
            with self.subTest(login=login):
                self._login(login)
                response = self.url_open("/my/tickets")
                self.assertEqual(response.status_code, 200)
                for key, name in names.items():
                    if key in keys:
                        self.assertIn(name, response.text)
                    else:
                        self.assertNotIn(name, response.text)

    def test_ticket_page_by_role(self):
        """/my/ticket/<id>: the page for who may read the ticket, a redirect to
        /my (nothing of the ticket) for everyone else."""
        ticket_b = self.tickets["ticket_b"]
        cases = [
            ("ha_coordinator", self.tickets["ticket"], True),
            ("ha_coordinator", ticket_b, False),
            ("other_coordinator", self.tickets["ticket"], False),
            ("mindx_employee", self.tickets["ticket"], False),
            ("mindx_employee", self.tickets["ticket_employee"], True),
        ]
        for login, ticket, allowed in cases:
            with self.subTest(login=login, ticket=ticket.name):
                self._login(login)
                response = self.url_open(
                    f"/my/ticket/{ticket.id}", allow_redirects=False
                )
                if allowed:
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(ticket.name, response.text)
                    self.assertIn("Status:", response.text)
                else:
                    self.assertEqual(response.status_code, 303)
                    self.assertNotIn(ticket.name, response.text)

    def _close(self, ticket, login, csrf=True, **extra):
        self._login(login)
        data = {"ticket_id": ticket.id, **extra}
        if csrf:
            data["csrf_token"] = self.csrf_token()
        return self.url_open("/ticket/close", data=data, allow_redirects=False)

    def _resolved(self, key):
        ticket = self.tickets[key]
        self._force_stage(ticket, "resolved")
        ticket.sudo().resolution_date = "2026-11-28 23:05:00"
        return ticket

    def csrf_token(self):
        """The token a page of the portal would embed for the logged-in session."""
        response = self.url_open("/my/tickets")
        marker = 'csrf_token: "'
        start = response.text.index(marker) + len(marker)
        return response.text[start : response.text.index('"', start)]

    def test_close_route_posts_only_the_customers_confirmation(self):
        """Covers `ticket.sudo()._process_customer_confirmation` in the /ticket/close
        controller: the customer's POST confirms their resolved ticket, and
        nothing else it carries (stage, fields) reaches the ticket."""
        ticket = self._resolved("ticket")
        response = self._close(
            ticket,
            "ha_coordinator",
            stage_id=self.stage_by_role["closed"].id,
            closure_date="2026-11-28 23:06:00",
            customer_confirmation="<script>alert(1)</script>",
        )
        self.assertEqual(response.status_code, 303)
        ticket.invalidate_recordset()
        self.assertTrue(ticket.confirmation_date)
        self.assertFalse(ticket.closure_date)
        self.assertEqual(ticket.stage_id.process_role, "resolved")
        self.assertEqual(
            ticket.customer_confirmation, "Confirmed by the customer from the portal."
        )
        with self.assertRaises(AccessError):
            ticket.with_user(self.portal_user).write({"customer_confirmation": "Hi"})

    def test_close_route_refuses_other_tickets(self):
        """The same sudo cannot be aimed at a ticket the user may not read: another
        customer's, another company's, a follower-less employee's, or nonsense
        ids. All are 404 and leave the ticket as it was."""
        ticket = self._resolved("ticket")
        ticket_b = self.tickets["ticket_b"]
        ticket_b.sudo().resolution_date = "2026-11-28 23:05:00"
        for login, target in (
            ("other_coordinator", ticket.id),
            ("mindx_employee", ticket.id),
            ("ha_coordinator", ticket_b.id),
            ("ha_coordinator", "-1"),
            ("ha_coordinator", "1 OR 1=1"),
        ):
            with self.subTest(login=login, ticket=target):
                self._login(login)
                response = self.url_open(
                    "/ticket/close",
                    data={"ticket_id": target, "csrf_token": self.csrf_token()},
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 404)
        for record in (ticket, ticket_b):
            record.invalidate_recordset()
            self.assertFalse(record.confirmation_date)

    @mute_logger("odoo.http")
    def test_close_route_post_needs_the_csrf_token(self):
        """A POST without the session's token (another site's form) is refused."""
        ticket = self._resolved("ticket")
        response = self._close(ticket, "ha_coordinator", csrf=False)
        self.assertEqual(response.status_code, 400)
        ticket.invalidate_recordset()
        self.assertFalse(ticket.confirmation_date)

    def test_ticket_attachment_by_role(self):
        """/web/content of a ticket's attachment: the customer through the link of
        their ticket's page (its access token), the helpdesk directly; nobody else,
        and not by guessing the id."""
        self._login("ha_coordinator")
        page = self.url_open(f"/my/ticket/{self.tickets['ticket'].id}").text
        self.assertIn(f"/web/content/{self.attachment.id}?download=true", page)
        token = self.attachment.sudo().access_token
        self.assertTrue(token)
        bare = f"/web/content/{self.attachment.id}?download=true"
        for login, url, allowed in (
            ("ha_coordinator", f"{bare}&access_token={token}", True),
            ("mindx_agent", bare, True),
            ("ha_coordinator", f"{bare}&access_token=not-the-token", False),
            ("other_coordinator", bare, False),
            ("mindx_employee", bare, False),
            ("mindx_own_agent", bare, False),
            ("mindx_team_agent", bare, True),
            ("mindx_manager_b", bare, False),
        ):
            with self.subTest(login=login, url=url):
                self._login(login)
                response = self.url_open(url, allow_redirects=False)
                if allowed:
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.content, b"LMS-SCREENSHOT-CONTENT")
                else:
                    self.assertIn(response.status_code, (403, 404))
                    self.assertNotIn(b"LMS-SCREENSHOT-CONTENT", response.content)
