# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every sudo() of the addon, one test each: what the sudo does for the user,
and what the user still cannot do by themselves afterwards.

The customer's confirmation (`recorder = ticket.sudo()` in
_process_customer_confirmation, reached by the portal's /ticket/close route as the
customer) is audited through HTTP, in test_access_http.py, and through the model
in test_one_definition.py.
"""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import AccessFixtures, HelpdeskProcessCommon


@tagged("post_install", "-at_install")
class TestSudoAudit(AccessFixtures, HelpdeskProcessCommon):
    """Each test names the sudo() it covers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_access_fixtures()

    def test_sudo_breach_close_does_not_let_agents_edit_breaches(self):
        """Covers `breaches.sudo().write` in helpdesk.sla.breach._close_answered:
        the agent's ACK closes the ACK breach (done by the agent), yet the agent
        can still neither edit, reopen nor delete a breach."""
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

    def test_sudo_escalation_outbox(self):
        """Covers the outbox's sudo(): `team.sudo()` (the URL) in the step wizard
        and in _enqueue, `self.sudo().create` there, the cron's
        `sudo()._trigger`, `ir.config_parameter.sudo()` in _allow_private and
        `failed.sudo()` in action_retry: the agent's escalation records a delivery
        to the URL the manager set and wakes the cron, yet the agent can neither
        read that URL, nor create, edit or retry a delivery, nor touch the cron;
        a manager retries only what their companies' rules let them read."""
        self.team.write(
            {
                "escalation_webhook_kind": "slack",
                "escalation_webhook_url": "https://hooks.slack.com/services/T/B/X",
            }
        )
        ticket = self.tickets["ticket"]
        self._log_step(
            ticket,
            "escalate",
            investigation_findings="Response time 2 s -> 35 s",
            escalation_request="Temporary fix now",
        )
        delivery = ticket.escalation_delivery_ids.filtered(
            lambda d: d.state == "pending"
        )
        self.assertEqual(delivery.with_user(self.manager).url[-6:], "/T/B/X")
        cron = self.env.ref("mindx_helpdesk_process.ir_cron_deliver_escalations")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        agent_delivery = delivery.with_user(self.agent)
        for operation in (
            lambda: agent_delivery.read(["url"]),
            lambda: agent_delivery.write({"state": "sent"}),
            lambda: agent_delivery.unlink(),
            lambda: self.env["helpdesk.escalation.delivery"]
            .with_user(self.agent)
            .create(
                {"ticket_id": ticket.id, "kind": "slack", "url": "x", "payload": "{}"}
            ),
            lambda: self.team.with_user(self.agent).read(["escalation_webhook_url"]),
            lambda: cron.with_user(self.agent).read(["code"]),
            lambda: self.env["ir.config_parameter"]
            .with_user(self.agent)
            .set_param("mindx_helpdesk_process.webhook_allow_private", "True"),
        ):
            with self.assertRaises(AccessError):
                operation()
        with self.assertRaisesRegex(UserError, "Only helpdesk managers"):
            ticket.escalation_delivery_ids.with_user(self.agent).action_retry()
        other = self.tickets["ticket_b"].escalation_delivery_ids
        with self.assertRaises(AccessError):
            other.with_user(self.manager).action_retry()
        self.assertEqual(other.state, "failed")
