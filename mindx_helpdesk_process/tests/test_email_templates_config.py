# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import HelpdeskProcessCommon

MODULE = "mindx_helpdesk_process"
PROCESS_TEMPLATES = [
    f"{MODULE}.mail_template_{name}"
    for name in (
        "ack",
        "update",
        "escalation",
        "resolution",
        "closure",
        "confirmation_reminder",
    )
]


@tagged("post_install", "-at_install")
class TestProcessEmailTemplates(HelpdeskProcessCommon):
    """Helpdesk ▸ Configuration ▸ Process email templates: a helpdesk manager
    opens the process's emails without the developer mode, and edits them and
    their Vietnamese once an admin gave them Odoo's template editor right (never
    given by the addon: it opens every template, the password reset's too); an
    agent reads them (the composer needs them) but cannot change them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        # Odoo's default, which MailCommon lifts: only Mail Template Editors may
        # change templates with code
        cls.env["ir.config_parameter"].set_param(
            "mail.restrict.template.rendering", True
        )
        cls.templates = cls.env["mail.template"].browse(
            [cls.env.ref(xmlid).id for xmlid in PROCESS_TEMPLATES]
        )
        cls.ack = cls.env.ref(f"{MODULE}.mail_template_ack")
        if "Cảm ơn" not in cls.ack.with_context(lang="vi_VN").body_html:
            # a database installed without demo data (which adds Vietnamese)
            cls.env["ir.module.module"].search(
                [("name", "=", MODULE)]
            )._update_translations("vi_VN")
        cls.menu = cls.env.ref(f"{MODULE}.mail_template_process_menu")

    def _opened_by(self, user):
        """What the menu opens for the user: the action, as the web client reads
        it, and the records of its list."""
        action = (
            self.env["ir.actions.act_window"]
            .with_user(user)
            ._for_xml_id(f"{MODULE}.mail_template_process_action")
        )
        Template = self.env["mail.template"].with_user(user)
        Template.get_views([(False, "list"), (False, "form"), (False, "search")])
        records = Template.web_search_read(
            safe_eval(action["domain"]), {"name": {}, "subject": {}}
        )["records"]
        return action, Template.browse([r["id"] for r in records])

    def test_menu_under_configuration_for_managers_only(self):
        self.assertEqual(
            self.menu.parent_id,
            self.env.ref("helpdesk_mgmt.helpdesk_ticket_config_main_menu"),
        )
        Menu = self.env["ir.ui.menu"]
        self.assertIn(self.menu.id, Menu.with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(self.menu.id, Menu.with_user(self.agent)._visible_menu_ids())

    def test_manager_opens_the_six_process_templates(self):
        action, templates = self._opened_by(self.manager)
        self.assertEqual(action["res_model"], "mail.template")
        self.assertEqual(templates, self.templates)
        self.assertEqual(set(templates.mapped("model")), {"helpdesk.ticket"})

    def test_managers_are_not_made_editors_of_every_template(self):
        """Whoever edits templates with code may edit the password reset's (and
        receive another user's reset link): the addon gives no one that right."""
        self.assertFalse(self.manager.has_group("mail.group_mail_template_editor"))
        reset = self.env.ref("auth_signup.reset_password_email").with_user(self.manager)
        with self.assertRaises(AccessError):
            reset.write({"email_cc": "manager@mindx.example.com"})
        with self.assertRaises(AccessError):
            self.ack.with_user(self.manager).write({"subject": "Changed"})

    def test_manager_edits_a_template_and_its_vietnamese(self):
        """Given the editor right by an admin (Settings ▸ Users)."""
        self.manager.groups_id |= self.env.ref("mail.group_mail_template_editor")
        ack = self.ack.with_user(self.manager)
        self.assertTrue(ack.can_write)
        # the form's save, in English then in Vietnamese (the language button)
        ack.web_save(
            {"subject": "[{{ object.number }}] Received: {{ object.name }}"}, {}
        )
        ack.with_context(lang="vi_VN").web_save(
            {"subject": "[{{ object.number }}] Đã nhận: {{ object.name }}"}, {}
        )
        self.assertEqual(
            ack.with_context(lang="en_US").subject,
            "[{{ object.number }}] Received: {{ object.name }}",
        )
        self.assertEqual(
            ack.with_context(lang="vi_VN").subject,
            "[{{ object.number }}] Đã nhận: {{ object.name }}",
        )
        # the body's Vietnamese, as the translation dialog shows and saves it
        (body,), _context = ack.get_field_translations("body_html", langs=["vi_VN"])
        self.assertIn("Cảm ơn", body["value"], "the shipped Vietnamese")
        edited = body["value"].replace("Cảm ơn", "Xin cảm ơn", 1)
        ack.update_field_translations("body_html", {"vi_VN": edited})
        self.assertIn("Xin cảm ơn", ack.with_context(lang="vi_VN").body_html)
        self.assertIn("Thank you", ack.with_context(lang="en_US").body_html)

    def test_agent_reads_but_cannot_edit(self):
        # Odoo's default: template rendering restricted to Mail Template Editors
        self.assertFalse(self.agent.has_group("mail.group_mail_template_editor"))
        ack = self.ack.with_user(self.agent)
        self.assertTrue(ack.subject, "the composer reads the templates")
        self.assertFalse(ack.can_write)
        with self.assertRaises(AccessError):
            ack.write({"subject": "Changed by an agent"})
        with self.assertRaises(AccessError):
            ack.with_context(lang="vi_VN").write({"subject": "Đổi bởi nhân viên"})
        with self.assertRaises(AccessError):
            ack.update_field_translations(
                "body_html", {"vi_VN": "<p>Đổi bởi nhân viên</p>"}
            )
        self.assertNotEqual(self.ack.subject, "Changed by an agent")
