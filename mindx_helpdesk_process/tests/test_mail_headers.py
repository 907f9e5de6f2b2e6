# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a mail client receives: subjects that decode back with every space, and
Auto-Submitted on what a machine wrote only. Emails go through ir.mail_server to
a local SMTP server (smtp_sink) and are read back from the bytes it received."""

import email
import email.policy
import random
from email.header import decode_header, make_header

from odoo.tests import tagged
from odoo.tools import email_normalize

from odoo.addons.base.models.ir_mail_server import IdentificationFieldsNoFoldPolicy

from ..tools.email_headers import HeaderFoldingPolicy
from .common import HelpdeskProcessCommon
from .smtp_sink import smtp_sink

VIETNAMESE_WORDS = (
    "Lỗi đăng nhập LMS rất chậm ảnh hưởng toàn bộ lớp học buổi tối của giáo viên "
    "học viên không nộp được bài tập trên hệ thống Khẩn cấp cập nhật tình trạng "
    "đã khắc phục xác nhận đóng yêu cầu hỗ trợ Chào Anh/Chị"
).split()
ENGLISH_WORDS = (
    "Re: LMS performance issue class WEB101-HN-2024 students cannot submit "
    "their assignments update resolved closed urgent escalation"
).split()


def random_subjects(count, seed=7):
    """Long and short subjects, Vietnamese, English and mixed (a fixed seed)."""
    rng = random.Random(seed)
    subjects = []
    for index in range(count):
        words = VIETNAMESE_WORDS if index % 3 else ENGLISH_WORDS
        if index % 5 == 0:
            words = VIETNAMESE_WORDS + ENGLISH_WORDS
        text = f"[HT{index:05d}]"
        while len(text) < rng.randint(20, 250):
            text += " " + rng.choice(words)
        subjects.append(text)
    return subjects


@tagged("post_install", "-at_install")
class TestSubjectFolding(HelpdeskProcessCommon):
    def _round_trip(self, subjects):
        """Send each subject through ir.mail_server to the sink; the subjects
        the gateway and a plain decoder read back."""
        mail_server = self.env["ir.mail_server"]
        with smtp_sink() as sink:
            for subject in subjects:
                message = mail_server.build_email(
                    "support@mindx.example.com",
                    ["ha.nguyen@customer.example.com"],
                    subject,
                    "<p>Body</p>",
                    subtype="html",
                )
                mail_server.send_email(
                    message,
                    smtp_server="127.0.0.1",
                    smtp_port=sink.port,
                    smtp_encryption="none",
                )
        received = []
        for raw in sink.messages:
            parsed = email.message_from_bytes(raw, policy=email.policy.SMTP)
            by_gateway = self.env["mail.thread"].message_parse(parsed)["subject"]
            # a plain RFC 2047 decoder on the header as it travelled (encoded
            # words), once unfolded (RFC 5322: the line breaks removed)
            folded = email.message_from_bytes(raw, policy=email.policy.compat32)
            unfolded = folded["Subject"].replace("\r\n", "").replace("\n", "")
            by_decoder = str(make_header(decode_header(unfolded)))
            received.append((by_gateway, by_decoder))
        return received

    def test_subjects_decode_back_exactly(self):
        subjects = random_subjects(200)
        received = self._round_trip(subjects)
        self.assertEqual(len(received), len(subjects))
        for sent, (by_gateway, by_decoder) in zip(subjects, received, strict=True):
            self.assertEqual(by_gateway, sent)
            self.assertEqual(by_decoder, sent)

    def test_python_alone_loses_spaces(self):
        """What the folding prevents: the same subjects serialised with Odoo's
        own policy lose spaces (so the test above can fail)."""
        broken = 0
        for subject in random_subjects(60):
            message = email.message.EmailMessage(policy=email.policy.SMTP)
            message["Subject"] = subject
            for policy, expect_intact in (
                (IdentificationFieldsNoFoldPolicy(linesep="\r\n"), False),
                (HeaderFoldingPolicy(linesep="\r\n"), True),
            ):
                raw = message.as_bytes(policy=policy)
                decoded = email.message_from_bytes(raw, policy=email.policy.SMTP)
                intact = str(decoded["Subject"]) == subject
                if expect_intact:
                    self.assertTrue(intact, subject)
                else:
                    broken += not intact
        self.assertGreater(broken, 0)


@tagged("post_install", "-at_install")
class TestAutomaticEmails(HelpdeskProcessCommon):
    """Auto-Submitted on every email a machine wrote, on none a person wrote."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._hide_other_tickets_from_the_scan()
        # the assignee reads their notifications by email
        cls.agent.notification_type = "email"
        cls.colleague = cls.manager.copy(
            {"login": "mindx_colleague", "email": "colleague@mindx.example.com"}
        )
        cls.colleague.notification_type = "email"

    @staticmethod
    def _received(sink):
        """What the SMTP server received: {recipient address: [messages]}."""
        received = {}
        for raw in sink.messages:
            message = email.message_from_bytes(raw, policy=email.policy.SMTP)
            received.setdefault(email_normalize(message["To"]), []).append(message)
        return received

    def _machine_and_people_write(self):
        ticket = self._create_ticket(user_id=self.agent.id, users_affected=10)
        # sudo: the test receives the ticket two hours ago (the process's record)
        ticket.sudo().received_date = self._hours_ago(2)
        # the scan flags the missed ACK deadline for the assignee (as OdooBot)
        self.env["helpdesk.ticket"]._cron_flag_sla_breaches()
        self.assertTrue(ticket.sla_breach_ids)
        # an agent writes the ACK to the customer and a note to a colleague
        self._send_step_email(ticket, "ack")
        ticket.with_user(self.agent).message_post(
            body="Can you check the LMS logs?",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=self.colleague.partner_id.ids,
        )
        # the confirmation reminder to the customer
        ticket._send_confirmation_reminder()

    def test_machine_emails_marked_people_emails_not(self):
        self.env["mail.mail"].search([]).unlink()
        self.env["ir.mail_server"].search([]).active = False
        with smtp_sink() as sink:
            self.env["ir.mail_server"].create(
                {
                    "name": "local SMTP server",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": sink.port,
                    "smtp_encryption": "none",
                }
            )
            self._machine_and_people_write()
            self.env["mail.mail"].search([("state", "=", "outgoing")]).send()
        received = self._received(sink)
        customer_emails = received[self.customer.email]
        self.assertEqual(len(customer_emails), 2)
        (reminder,) = (m for m in customer_emails if "working again" in m["Subject"])
        (ack,) = (m for m in customer_emails if m is not reminder)
        self.assertIsNone(ack["Auto-Submitted"], ack["Subject"])
        self.assertEqual(reminder["Auto-Submitted"], "auto-generated")
        (note,) = received[self.colleague.email]
        self.assertIsNone(note["Auto-Submitted"])
        # the assignment, the breach's activity, the reminder the agent follows
        notices = received[self.agent.email]
        self.assertEqual(len(notices), 3)
        for notice in notices:
            self.assertEqual(notice["Auto-Submitted"], "auto-generated")
