# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os
import warnings

import polib

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader

from .common import HelpdeskProcessCommon

MODULE = "mindx_helpdesk_process"
VI_PO = os.path.join(os.path.dirname(__file__), "..", "i18n", "vi.po")
# Terms written the same in Vietnamese: OCA's po checks drop a translation equal to
# its source, so these stay empty on purpose.
LANGUAGE_NEUTRAL = {
    "ACK",
    "ID",
    "SLA",
    "Ticket",
    "%(count)s %(unit)s (%(cls)s: %(range)s)",
}


@tagged("post_install", "-at_install")
class TestVietnamese(HelpdeskProcessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"].search(
            [("name", "=", MODULE)]
        )._update_translations("vi_VN", overwrite=True)

    def test_every_source_term_has_a_vietnamese_translation(self):
        """Fails as soon as code, a view or a template adds a term vi.po lacks."""
        translated = {
            entry.msgid
            for entry in polib.pofile(VI_PO)
            if entry.msgstr.strip()
            and not entry.obsolete
            and "fuzzy" not in entry.flags
        }
        with warnings.catch_warnings():
            # babel's extractor imports setuptools' deprecated pkg_resources
            warnings.simplefilter("ignore", UserWarning)
            reader = list(TranslationModuleReader(self.env.cr, modules=[MODULE]))
        sources = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in reader
            if module == MODULE and source.strip()
        }
        missing = sorted(sources - translated - LANGUAGE_NEUTRAL)
        self.assertFalse(
            missing, f"{len(missing)} terms lack a vi translation: {missing[:10]}"
        )

    def test_vietnamese_customer_gets_vietnamese_emails(self):
        self.customer.lang = "vi_VN"
        ticket = self._create_ticket(users_affected=16, is_blocking=True)
        self._log_step(ticket, "assess", users_affected=16, assessment_note="x")
        with self.mock_mail_gateway():
            self._send_step_email(ticket, "ack")
        mail = self._mails[0]
        self.assertIn("Chúng tôi đã tiếp nhận yêu cầu", mail["subject"])
        self.assertIn("Chào Anh/Chị", mail["body"])
        self.assertIn("Ưu tiên", mail["body"], "the class's name in Vietnamese")
        self.assertNotIn("Thank you for reporting", mail["body"])

    def test_english_customer_gets_english_emails(self):
        self.customer.lang = "en_US"
        ticket = self._create_ticket(users_affected=16)
        self._log_step(ticket, "assess", users_affected=16, assessment_note="x")
        with self.mock_mail_gateway():
            self._send_step_email(ticket, "ack")
        self.assertIn("We have received your request", self._mails[0]["subject"])
        self.assertIn("Thank you for reporting", self._mails[0]["body"])

    def test_vietnamese_agent_sees_gate_errors_in_vietnamese(self):
        self.agent.lang = "vi_VN"
        ticket = self._create_ticket()
        with self.assertRaisesRegex(UserError, "Không thể chuyển"):
            ticket.with_user(self.agent).with_context(lang="vi_VN").write(
                {"stage_id": self.stage_by_role["in_progress"].id}
            )
