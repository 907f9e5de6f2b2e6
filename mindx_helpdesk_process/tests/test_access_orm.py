# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may do what, through the ORM: the tables of access_spec.py role by role,
then what each role may do with a ticket (steps, moves, dialogs, server actions,
internal notes). A role either gets AccessError (or the process's refusal) or the
operation works, and is undone so that the next role meets the same records."""

from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .access_spec import (
    ACL,
    ACL_TABLE,
    HOME_TICKET,
    MANAGED,
    OPERATIONS,
    POLICY_READABLE,
    POLICY_WRITABLE,
    READ_FIELDS,
    READABLE,
    ROLES,
    WRITE_VALUES,
)
from .common import AccessFixtures, HelpdeskProcessCommon


@tagged("post_install", "-at_install")
class TestAccessOrm(AccessFixtures, HelpdeskProcessCommon):
    """The tables through the ORM, and what each role may do with a ticket."""

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

    def _assert_operation(self, allowed, operation, refusal=AccessError, message=None):
        """Run `operation` if allowed (then undo it), else expect `refusal`, and
        its `message` (a regular expression) when given."""
        if allowed:
            with self._undone():
                operation()
        elif message:
            self.env.invalidate_all()
            with self.assertRaisesRegex(refusal, message):
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
            "helpdesk.escalation.delivery": {
                "ticket_id": ticket.id,
                "kind": "generic",
                "url": "https://hooks.example.com/escalations",
                "payload": "{}",
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
        elif model == "helpdesk.escalation.delivery":
            record = ticket.escalation_delivery_ids
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
        company, must not read (nor find) the step or breach logs, nor the
        escalation's deliveries, of tickets they cannot open: each log names its
        ticket, its agent and its message."""
        all_tickets = self.env["helpdesk.ticket"].union(*self.tickets.values())
        for model, field in (
            ("helpdesk.ticket.step", "process_step_ids"),
            ("helpdesk.sla.breach", "sla_breach_ids"),
            ("helpdesk.escalation.delivery", "escalation_delivery_ids"),
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
        """Policies and their SLA targets: read (and found) by the helpdesk of
        their company, changed by its managers only."""
        all_policies = self.env["helpdesk.cos.policy"].union(*self.policies.values())
        for role in ROLES:
            user = self.users[role]
            if "r" in self._rights("helpdesk.cos.policy", role):
                found = (
                    self.env["helpdesk.cos.policy"]
                    .with_user(user)
                    .search([("id", "in", all_policies.ids)])
                )
                self.assertEqual(
                    found,
                    self.env["helpdesk.cos.policy"].union(
                        *(self.policies[key] for key in POLICY_READABLE[role])
                    ),
                    f"{role} searches policies",
                )
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
        manager's call: both only for a manager of the ticket's company. Who may
        change the ticket otherwise is told so; the manager's reopen moves it."""
        closed = self.stage_by_role["closed"]
        in_progress = self.stage_by_role["in_progress"]
        for role in ROLES:
            user = self.users[role]
            may_write = "w" in self._rights("helpdesk.ticket", role)
            for key, ticket in self.tickets.items():
                allowed = key in MANAGED.get(role, set())
                writer = may_write and key in READABLE[role]

                def reopen(ticket=ticket, user=user):
                    ticket.with_user(user).with_context(
                        mindx_move_reason="It broke again"
                    ).write({"stage_id": in_progress.id})
                    self.assertEqual(ticket.stage_id, in_progress)

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
                            reopen,
                            refusal=UserError,
                            message="only a helpdesk manager" if writer else None,
                        )

    def _force_stage_as(self, ticket, role, manager):
        ticket.with_user(manager).with_context(
            mindx_force_move=True, mindx_move_reason="test set-up"
        ).write({"stage_id": self.stage_by_role[role].id})

    def test_move_wizard_force_by_managers_only(self):
        """The move dialog's Force: it knows a manager (is_manager) from an agent;
        an agent ticking Force gets the managers-only refusal, nothing moves."""
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
                self.assertEqual(wizard.is_manager, role == "manager")
                self._assert_operation(
                    role == "manager",
                    wizard.action_confirm,
                    refusal=UserError,
                    message="Only helpdesk managers",
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
        role's: managers only (the actions' groups), from the tickets' list."""
        for xmlid in ("action_sla_flag_now", "action_sla_recompute"):
            action = self.env.ref(f"mindx_helpdesk_process.{xmlid}")
            self.assertEqual(action.binding_model_id.model, "helpdesk.ticket")
            self.assertIn("list", action.binding_view_types)
            self.assertEqual(
                action.groups_id, self.env.ref("helpdesk_mgmt.group_helpdesk_manager")
            )
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
