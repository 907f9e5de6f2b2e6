# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Escalations to the Dev Team's Microsoft Teams, Slack or JSON webhook, against a
real HTTP server on 127.0.0.1 (webhook_sink.py): what each kind receives, the
outbox (the step posts nothing, the cron posts), retries with backoff, the final
failure told to the agent, a manager's retry, and the addresses a webhook may not
reach. Two cron workers at once: the repository's tests/test_concurrency.py."""

import datetime
import json
import os
import socket
import tempfile
from datetime import timedelta
from unittest.mock import patch

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..models import helpdesk_escalation_delivery as outbox
from ..tools import webhook
from .common import HelpdeskProcessCommon
from .webhook_sink import webhook_sink


def _self_signed(directory, name):
    """A certificate for `name` and its key, as files of `directory`."""
    from cryptography import x509
    from cryptography.hazmat.backends import default_backend
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(65537, 2048, default_backend())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.utcnow()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256(), default_backend())
    )
    cert_file = os.path.join(directory, f"{name}.pem")
    key_file = os.path.join(directory, f"{name}.key")
    with open(cert_file, "wb") as file:
        file.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_file, "wb") as file:
        file.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )
    return cert_file, key_file


FINDINGS = "Response time 2s -> 35s since 2 PM <!channel> & **bold** [x](http://evil)"
LINKS = "https://monitoring.example.com/lms\nGrafana board: see the DB panel"


@tagged("post_install", "-at_install")
class TestEscalationWebhook(HelpdeskProcessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Delivery = cls.env["helpdesk.escalation.delivery"]
        cls.env["ir.config_parameter"].set_param(outbox.ALLOW_PRIVATE_PARAM, "True")
        cls.cron = cls.env.ref(outbox.CRON_XMLID)

    def setUp(self):
        super().setUp()
        # a timeout under test in half a second, not ten
        self.patch(outbox, "TIMEOUT", (1, 0.5))
        self.sink = self.enterContext(webhook_sink())

    # -- helpers ----------------------------------------------------------------------

    def _hook(self, kind="teams", path="/workflows/abc/invoke?sig=SECRET"):
        self.team.write(
            {
                "escalation_webhook_kind": kind,
                "escalation_webhook_url": self.sink.url(path),
            }
        )

    def _escalate(self, **values):
        """An assessed Priority ticket (16 users, blocking) escalated by the agent."""
        ticket = self._create_ticket(users_affected=16, is_blocking=True)
        self._log_step(
            ticket,
            "assess",
            users_affected=16,
            is_blocking=True,
            assessment_note="Class in progress, students cannot submit.",
        )
        inputs = {
            "investigation_findings": FINDINGS,
            "escalation_request": "Temporary fix now, permanent next release",
            "workaround": "Submit assignments by email",
            "escalation_links": LINKS,
        }
        inputs.update(values)
        self._log_step(ticket, "escalate", **inputs)
        return ticket

    def _deliver(self):
        """One run of the cron's job: the next due delivery posted."""
        return self.Delivery._cron_deliver()

    def _make_due(self, delivery):
        delivery.sudo().next_attempt_date = fields.Datetime.now() - timedelta(seconds=1)

    def _body(self, index=0):
        return self.sink.requests[index]["body"]

    # -- the outbox --------------------------------------------------------------------

    def test_step_records_the_delivery_and_posts_nothing(self):
        """The agent's step creates the delivery and triggers the cron, and the
        endpoint hears nothing until the cron runs: the step never waits for the
        network. The note says where the escalation goes, never the URL's secret."""
        self._hook()
        ticket = self._escalate()
        self.assertTrue(ticket.escalation_date)
        self.assertEqual(self.sink.requests, [], "the step posted nothing")
        delivery = ticket.escalation_delivery_ids
        self.assertEqual(len(delivery), 1)
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.attempt_count, 0)
        self.assertEqual(delivery.user_id, self.agent)
        triggers = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.cron.id), ("call_at", "<=", fields.Datetime.now())]
        )
        self.assertTrue(triggers, "the cron is woken up for now")
        note = ticket.message_ids.filtered(lambda m: "Sent to" in (m.body or ""))
        self.assertIn(
            f"Microsoft Teams (Workflows) {self.sink.url('')[:-1]}", note.body
        )
        self.assertNotIn("SECRET", note.body)
        self.assertEqual(self._deliver(), delivery)
        self.assertEqual(len(self.sink.requests), 1)
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(delivery.attempt_count, 1)
        self.assertTrue(delivery.sent_date)
        self.assertEqual(
            self.sink.requests[0]["path"], "/workflows/abc/invoke?sig=SECRET"
        )
        self.assertFalse(self._deliver(), "nothing left to post")
        self.assertEqual(len(self.sink.requests), 1)

    def test_deliveries_behind_the_tickets_stat_button(self):
        """The form counts the deliveries (stored: opening a ticket does not
        search them) and its stat button, for agents only, opens them."""
        self._hook()
        self.assertEqual(self._create_ticket().escalation_delivery_count, 0)
        ticket = self._escalate()
        delivery = ticket.escalation_delivery_ids
        self.assertEqual(ticket.escalation_delivery_count, 1)
        action = ticket.with_user(self.agent).action_view_escalation_deliveries()
        self.assertEqual((action["res_id"], action["view_mode"]), (delivery.id, "form"))
        self.assertEqual(
            self.env[action["res_model"]]
            .with_user(self.agent)
            .browse(delivery.id)
            .state,
            "pending",
        )
        delivery.sudo().copy({"state": "failed"})
        self.assertEqual(ticket.escalation_delivery_count, 2)
        action = ticket.with_user(self.agent).action_view_escalation_deliveries()
        self.assertEqual(action["domain"], [("ticket_id", "=", ticket.id)])
        self.assertEqual((action["res_id"], action["view_mode"]), (0, "list,form"))
        button = "//button[@name='action_view_escalation_deliveries']"
        employee = mail_new_test_user(
            self.env, login="mindx_employee", groups="base.group_user"
        )
        for user, shown in ((self.agent, True), (employee, False)):
            arch = ticket.with_user(user).get_views([(False, "form")])
            form = etree.fromstring(arch["views"]["form"]["arch"])
            self.assertEqual(bool(form.xpath(button)), shown, user.name)

    def test_the_step_does_not_wait_for_a_slow_endpoint(self):
        """An endpoint that answers after two seconds does not slow the step down:
        the step is done before anything is posted."""
        self._hook()
        self.sink.answer(200, delay=2)
        start = fields.Datetime.now()
        ticket = self._escalate()
        self.assertLess((fields.Datetime.now() - start).total_seconds(), 2)
        self.assertEqual(self.sink.requests, [])
        self.assertEqual(ticket.escalation_delivery_ids.state, "pending")

    def test_email_channel_and_webhook_together(self):
        """The webhook comes on top of the email and the channel: all three."""
        channel = self.env["discuss.channel"].create({"name": "dev-team"})
        self.team.write(
            {
                "escalation_email": "dev-team@mindx.example.com",
                "escalation_channel_id": channel.id,
            }
        )
        self._hook("slack")
        with self.mock_mail_gateway():
            ticket = self._escalate()
        self.assertTrue(self._mails, "the email")
        self.assertTrue(
            channel.message_ids.filtered(lambda m: ticket.number in (m.body or ""))
        )
        self.assertEqual(ticket.escalation_delivery_ids.kind, "slack")
        note = ticket.message_ids.filtered(lambda m: "Sent to" in (m.body or ""))
        for where in ("dev-team@mindx.example.com", "#dev-team", "Slack"):
            self.assertIn(where, note.body)

    def test_webhook_alone_is_a_destination(self):
        """A team with only a webhook escalates; with nothing at all it refuses."""
        self._hook()
        self.assertTrue(self._escalate().escalation_date)
        self.team.write(
            {"escalation_webhook_kind": False, "escalation_webhook_url": False}
        )
        with self.assertRaisesRegex(UserError, "no escalation destination"):
            self._escalate()

    # -- what each kind receives -------------------------------------------------------

    def test_teams_adaptive_card(self):
        """Microsoft Teams gets a message with one Adaptive Card: the number and a
        link to the ticket, class, users affected, findings, request, workaround
        and links; the agent's text in TextRuns (shown as typed, no Markdown)."""
        self._hook("teams")
        ticket = self._escalate()
        self._deliver()
        body = self._body()
        self.assertEqual(body["type"], "message")
        attachment = body["attachments"][0]
        self.assertEqual(
            attachment["contentType"], "application/vnd.microsoft.card.adaptive"
        )
        card = attachment["content"]
        self.assertEqual((card["type"], card["version"]), ("AdaptiveCard", "1.4"))
        facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
        self.assertEqual(
            facts,
            {
                "Ticket": ticket.number,
                "Class of Service": "Priority",
                "Users affected": "16, blocking work",
            },
        )
        runs = [
            inline["text"]
            for block in card["body"]
            if block["type"] == "RichTextBlock"
            for inline in block["inlines"]
        ]
        self.assertIn(f"Escalation {ticket.number}: {ticket.name}", runs)
        for text in (
            FINDINGS,
            "Temporary fix now, permanent next release",
            "Submit assignments by email",
            LINKS,
        ):
            self.assertIn(text, runs)
        headings = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
        self.assertEqual(
            headings,
            [
                "Investigation findings",
                "Request to the Dev Team",
                "Workaround given to the customer",
                "Links",
            ],
        )
        self.assertEqual(
            [(a["type"], a["url"]) for a in card["actions"]],
            [
                (
                    "Action.OpenUrl",
                    f"{ticket.get_base_url()}/odoo/helpdesk.ticket/{ticket.id}",
                ),
                ("Action.OpenUrl", "https://monitoring.example.com/lms"),
            ],
        )
        headers = self.sink.requests[0]["headers"]
        self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")
        delivery = ticket.escalation_delivery_ids
        self.assertEqual(headers["X-Mindx-Delivery"], str(delivery.id))

    def test_slack_block_kit(self):
        """Slack gets Block Kit and a notification text; what the agent typed is
        escaped (no @channel, no forged link) and the links are Slack links."""
        self._hook("slack", "/services/T000/B000/XXXX")
        ticket = self._escalate()
        self._deliver()
        body = self._body()
        self.assertIn(ticket.number, body["text"])
        blocks = body["blocks"]
        self.assertEqual(blocks[0]["type"], "header")
        self.assertEqual(
            blocks[0]["text"]["text"], f"Escalation {ticket.number}: {ticket.name}"
        )
        self.assertEqual(
            [f["text"] for f in blocks[1]["fields"]],
            ["*Class of Service*\nPriority", "*Users affected*\n16, blocking work"],
        )
        texts = [b["text"]["text"] for b in blocks[2:-1]]
        self.assertEqual(
            texts[0],
            "*Investigation findings*\nResponse time 2s -&gt; 35s since 2 PM "
            "&lt;!channel&gt; &amp; **bold** [x](http://evil)",
        )
        self.assertEqual(
            texts[1],
            "*Request to the Dev Team*\nTemporary fix now, permanent next release",
        )
        self.assertEqual(
            texts[3],
            "*Links*\n<https://monitoring.example.com/lms>\n"
            "Grafana board: see the DB panel",
        )
        button = blocks[-1]["elements"][0]
        self.assertEqual(
            button["url"], f"{ticket.get_base_url()}/odoo/helpdesk.ticket/{ticket.id}"
        )
        self.assertEqual(button["text"]["text"], "Open the ticket")

    def test_generic_json(self):
        """The generic body: the documented fields, values unformatted."""
        self._hook("generic", "/escalations")
        ticket = self._escalate()
        self._deliver()
        body = self._body()
        self.assertEqual(body["event"], "helpdesk.escalation")
        self.assertEqual(body["schema_version"], 1)
        self.assertFalse(body["test"])
        self.assertEqual(
            body["ticket"],
            {
                "id": ticket.id,
                "number": ticket.number,
                "name": ticket.name,
                "url": f"{ticket.get_base_url()}/odoo/helpdesk.ticket/{ticket.id}",
                "class_of_service": "priority",
                "class_label": "Priority",
                "users_affected": 16,
                "is_blocking": True,
                "team": self.team.name,
                "company": ticket.company_id.name,
            },
        )
        self.assertEqual(body["findings"], FINDINGS)
        self.assertEqual(body["request"], "Temporary fix now, permanent next release")
        self.assertEqual(body["workaround"], "Submit assignments by email")
        self.assertEqual(body["links"], ["https://monitoring.example.com/lms"])
        self.assertEqual(body["links_text"], LINKS)
        self.assertEqual(body["escalated_by"], self.agent.name)

    def test_long_texts_are_cut_within_the_vendors_limits(self):
        """Ten thousand characters of findings (ampersands, which Slack's escaping
        makes five times longer): every Slack section stays within 3,000
        characters, the Teams text within the addon's limit, with an ellipsis."""
        data = {
            "number": "HT00042",
            "name": "x" * 400,
            "url": "https://odoo.example.com/odoo/helpdesk.ticket/42",
            "findings": "&" * 10000,
            "request": "ok",
        }
        slack = webhook.slack_payload(data)
        self.assertLessEqual(len(slack["blocks"][0]["text"]["text"]), 150)
        for block in slack["blocks"]:
            if block["type"] == "section" and "text" in block:
                self.assertLessEqual(len(block["text"]["text"]), 3000)
        findings = slack["blocks"][2]["text"]["text"]
        self.assertTrue(findings.endswith("&amp;…"), "no entity cut in half")
        teams = webhook.teams_payload(data)["attachments"][0]["content"]
        runs = [b["inlines"][0]["text"] for b in teams["body"] if "inlines" in b]
        self.assertLessEqual(len(runs[0]), webhook.TITLE_LIMIT)
        self.assertEqual(len(runs[1]), webhook.TEXT_LIMIT)
        self.assertTrue(runs[1].endswith("…"))
        payload = json.dumps(webhook.teams_payload(data), ensure_ascii=False)
        self.assertLess(len(payload.encode()), 28 * 1024, "Teams' message limit")

    # -- failures: retried with backoff, then told -------------------------------------

    def test_server_errors_retried_with_backoff_then_failed_and_told(self):
        """Five 5xx: retried after 1, 2, 4 and 8 minutes (not before), then failed:
        an internal note on the ticket and an activity for the agent say so."""
        self._hook()
        for _attempt in range(5):
            self.sink.answer(503)
        ticket = self._escalate()
        delivery = ticket.escalation_delivery_ids
        waits = []
        for attempt in range(1, 6):
            self._deliver()
            self.assertEqual(len(self.sink.requests), attempt)
            self.assertEqual(delivery.attempt_count, attempt)
            if attempt < 5:
                self.assertEqual(delivery.state, "pending")
                self.assertIn("HTTP 503", delivery.last_error)
                waits.append(delivery.next_attempt_date - delivery.last_attempt_date)
                self.assertFalse(self._deliver(), "not due before its time")
                self.assertEqual(len(self.sink.requests), attempt)
                self._make_due(delivery)
        self.assertEqual(waits, [timedelta(minutes=m) for m in (1, 2, 4, 8)])
        self.assertEqual(delivery.state, "failed")
        self.assertFalse(delivery.next_attempt_date)
        note = ticket.message_ids.filtered(
            lambda m: "was not delivered" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("(5 attempts): HTTP 503", note.body)
        activity = ticket.activity_ids.filtered(
            lambda a: a.summary == "Escalation not delivered"
        )
        self.assertEqual(activity.user_id, self.agent)
        self.assertEqual(delivery.activity_id, activity)
        self._make_due(delivery)
        self.assertFalse(self._deliver(), "a failed delivery is not retried alone")

    def test_timeout_retried_then_sent(self):
        """An endpoint that answers too late counts as a failure, retried."""
        self._hook()
        self.sink.answer(200, delay=2)
        ticket = self._escalate()
        delivery = ticket.escalation_delivery_ids
        self._deliver()
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.attempt_count, 1)
        # a read timeout; under libfaketime (the moved-clock runs) the client
        # may see the connection dropped instead: a retried failure either way
        self.assertRegex(
            delivery.last_error, "no answer in time|closed connection|cannot connect"
        )
        self.assertNotIn("SECRET", delivery.last_error)
        self._make_due(delivery)
        self._deliver()
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(delivery.attempt_count, 2)
        self.assertFalse(delivery.last_error)

    def test_unreachable_endpoint_retried(self):
        """Nobody listening: retried like a server error."""
        self.team.write(
            {
                "escalation_webhook_kind": "generic",
                "escalation_webhook_url": "http://127.0.0.1:9/nobody",
            }
        )
        delivery = self._escalate().escalation_delivery_ids
        self._deliver()
        self.assertEqual(delivery.state, "pending")
        self.assertIn("cannot connect", delivery.last_error)

    def test_client_error_fails_at_once(self):
        """A 404 (Slack's channel_not_found) will not pass by waiting: failed after
        one attempt, and told."""
        self._hook("slack")
        self.sink.answer(404)
        ticket = self._escalate()
        delivery = ticket.escalation_delivery_ids
        self._deliver()
        self.assertEqual((delivery.state, delivery.attempt_count), ("failed", 1))
        self.assertIn("HTTP 404", delivery.last_error)
        self.assertTrue(
            ticket.activity_ids.filtered(
                lambda a: a.summary == "Escalation not delivered"
            )
        )

    def test_manager_sends_a_failed_delivery_again(self):
        """Agents may neither retry nor edit a delivery; a manager fixes the team's
        URL and sends it again: to the new URL, attempts from zero, the agent's
        activity marked done once delivered."""
        self._hook(path="/old")
        self.sink.answer(410)
        ticket = self._escalate()
        delivery = ticket.escalation_delivery_ids
        self._deliver()
        self.assertEqual(delivery.state, "failed")
        mine = delivery.with_user(self.agent)
        with self.assertRaisesRegex(UserError, "Only helpdesk managers"):
            mine.action_retry()
        with self.assertRaises(AccessError):
            mine.write({"state": "pending"})
        with self.assertRaises(AccessError):
            delivery.with_user(self.manager).write({"state": "pending"})
        self.team.escalation_webhook_url = self.sink.url("/new")
        delivery.with_user(self.manager).action_retry()
        self.assertEqual((delivery.state, delivery.attempt_count), ("pending", 0))
        self._deliver()
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(self.sink.requests[-1]["path"], "/new")
        self.assertFalse(
            ticket.activity_ids.filtered(
                lambda a: a.summary == "Escalation not delivered"
            ),
            "the agent's to-do is done",
        )
        self.assertTrue(
            ticket.message_ids.filtered(
                lambda m: "Delivered on a later attempt" in (m.body or "")
            )
        )
        with self.assertRaisesRegex(UserError, "Only failed deliveries"):
            delivery.with_user(self.manager).action_retry()

    # -- what agents see of the secret -------------------------------------------------

    def test_agents_see_the_host_not_the_url(self):
        """The URL (path and query: the secret) is for managers only, on the team
        and on the delivery; agents read the host."""
        self._hook()
        delivery = self._escalate().escalation_delivery_ids
        mine = delivery.with_user(self.agent)
        self.assertEqual(mine.url_display, f"http://127.0.0.1:{self.sink.port}/…")
        self.assertEqual(mine.state, "pending")
        with self.assertRaises(AccessError):
            mine.read(["url"])
        with self.assertRaises(AccessError):
            mine.read(["payload"])
        with self.assertRaises(AccessError):
            self.team.with_user(self.agent).read(["escalation_webhook_url"])
        with self.assertRaises(AccessError):
            self.team.with_user(self.agent).write(
                {"escalation_webhook_url": "https://attacker.example.com/hook"}
            )
        self.assertIn("SECRET", delivery.with_user(self.manager).url)

    # -- the team's settings -----------------------------------------------------------

    def test_webhook_url_validated(self):
        """http or https with a host, and a kind: else refused in words."""
        for url in (
            "ftp://hooks.example.com/x",
            "hooks.slack.com/services/x",
            "https://",
        ):
            with (
                self.subTest(url=url),
                self.assertRaisesRegex(
                    ValidationError, "must be an http or https address"
                ),
            ):
                self.team.write(
                    {"escalation_webhook_kind": "slack", "escalation_webhook_url": url}
                )
        with self.assertRaisesRegex(ValidationError, "choose the kind"):
            self.team.write(
                {
                    "escalation_webhook_kind": False,
                    "escalation_webhook_url": "https://hooks.slack.com/services/T/B/X",
                }
            )

    def test_send_test_message(self):
        """The manager's button posts a test message now and says how it went;
        an agent may not use it."""
        self._hook("generic")
        result = self.team.with_user(self.manager).action_escalation_webhook_test()
        self.assertEqual(result["params"]["type"], "success")
        body = self._body()
        self.assertTrue(body["test"])
        self.assertEqual(body["ticket"]["number"], "TEST")
        self.sink.answer(500)
        with self.assertRaisesRegex(UserError, "test message .* failed: HTTP 500"):
            self.team.with_user(self.manager).action_escalation_webhook_test()
        with self.assertRaisesRegex(UserError, "Only helpdesk managers"):
            self.team.with_user(self.agent).action_escalation_webhook_test()
        self.assertEqual(self.Delivery.search_count([]), 0, "no outbox for a test")

    # -- addresses a webhook may not reach ---------------------------------------------

    def test_private_addresses_refused_by_default(self):
        """Without the system parameter, a loopback URL is refused before any
        connection, for good (failed, told); so is a name that resolves to it."""
        self.env["ir.config_parameter"].set_param(outbox.ALLOW_PRIVATE_PARAM, "False")
        self._hook()
        delivery = self._escalate().escalation_delivery_ids
        self._deliver()
        self.assertEqual((delivery.state, delivery.attempt_count), ("failed", 1))
        self.assertIn("127.0.0.1", delivery.last_error)
        self.assertIn("refused", delivery.last_error)
        self.assertEqual(self.sink.requests, [])
        for address in ("10.1.2.3", "192.168.1.1", "169.254.169.254", "::1", "0.0.0.0"):
            self.assertTrue(webhook.is_forbidden_address(address), address)
        self.assertFalse(webhook.is_forbidden_address("52.96.0.1"))

    def _resolving_to_loopback(self, host):
        real = socket.getaddrinfo

        def getaddrinfo(name, *args, **kwargs):
            return real("127.0.0.1" if name == host else name, *args, **kwargs)

        return patch.object(webhook.socket, "getaddrinfo", getaddrinfo)

    def test_name_checked_on_the_address_connected_to(self):
        """A public-looking name that resolves to loopback is refused; allowed, the
        post goes to the address checked, the Host header keeping the name."""
        url = f"http://dev-team.example.com:{self.sink.port}/hook"
        with self._resolving_to_loopback("dev-team.example.com"):
            with self.assertRaisesRegex(webhook.WebhookError, "refused") as catcher:
                webhook.post_json(url, {"a": 1}, timeout=(1, 1))
            self.assertFalse(catcher.exception.retryable)
            self.assertEqual(self.sink.requests, [])
            webhook.post_json(url, {"a": 1}, timeout=(1, 1), allow_private=True)
        self.assertEqual(
            self.sink.requests[0]["headers"]["Host"],
            f"dev-team.example.com:{self.sink.port}",
        )

    def test_redirects_followed_and_each_hop_checked(self):
        """A redirect is followed by posting again (a 308 to another path); a
        redirect to the cloud's metadata address is refused before connecting,
        even when the first address was allowed."""
        self.sink.answer(308, location="/final")
        webhook.post_json(
            self.sink.url("/first"), {"a": 1}, timeout=(1, 1), allow_private=True
        )
        self.assertEqual([r["path"] for r in self.sink.requests], ["/first", "/final"])
        self.assertEqual(self._body(1), {"a": 1})
        # the test server stands for a public address; the metadata one stays refused
        allowed = webhook.is_forbidden_address
        self.sink.answer(307, location="http://169.254.169.254/latest/meta-data/")
        with patch.object(
            webhook,
            "is_forbidden_address",
            lambda address: address != "127.0.0.1" and allowed(address),
        ):
            with self.assertRaisesRegex(webhook.WebhookError, "169.254.169.254"):
                webhook.post_json(self.sink.url("/x"), {"a": 1}, timeout=(1, 1))
        self.assertEqual(
            len(self.sink.requests), 3, "the metadata address never reached"
        )
        for _hop in range(4):
            self.sink.answer(302, location="/again")
        with self.assertRaisesRegex(webhook.WebhookError, "more than 3 redirects"):
            webhook.post_json(
                self.sink.url("/loop"), {}, timeout=(1, 1), allow_private=True
            )

    def test_https_to_the_checked_address_certificate_of_the_name(self):
        """HTTPS to a name pinned to the address checked: TLS speaks to the name
        (SNI) and the certificate must be the name's; another name's certificate
        is refused, whatever the address."""
        directory = self.enterContext(tempfile.TemporaryDirectory())
        tls = _self_signed(directory, "dev-team.example.com")
        other = _self_signed(directory, "other.example.com")
        with (
            self._resolving_to_loopback("dev-team.example.com"),
            patch.object(webhook.certifi, "where", lambda: tls[0]),
            webhook_sink(tls=tls) as sink,
        ):
            url = f"https://dev-team.example.com:{sink.port}/hook?sig=SECRET"
            webhook.post_json(url, {"a": 1}, timeout=(2, 2), allow_private=True)
            self.assertEqual(sink.requests[0]["body"], {"a": 1})
            self.assertEqual(
                sink.requests[0]["headers"]["Host"], f"dev-team.example.com:{sink.port}"
            )
        with (
            self._resolving_to_loopback("dev-team.example.com"),
            patch.object(webhook.certifi, "where", lambda: other[0]),
            webhook_sink(tls=other) as sink,
        ):
            url = f"https://dev-team.example.com:{sink.port}/hook?sig=SECRET"
            with self.assertRaises(webhook.WebhookError) as catcher:
                webhook.post_json(url, {"a": 1}, timeout=(2, 2), allow_private=True)
            self.assertNotIn("SECRET", str(catcher.exception))
            self.assertEqual(sink.requests, [])
