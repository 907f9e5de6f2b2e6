# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A Vietnamese agent's helpdesk speaks one language: helpdesk_mgmt's views,
stages, menus, field labels and selection values come in Vietnamese from
i18n_extra/vi.po, next to this addon's own terms (i18n/vi.po)."""

import re

from lxml import etree

from odoo.tests import tagged

from .common import PROCESS_STAGE_ROLES, HelpdeskProcessCommon

MODULES = ("helpdesk_mgmt", "helpdesk_mgmt_rating", "mindx_helpdesk_process")
# Words of helpdesk_mgmt's English screens; none may be left whole in Vietnamese
# (not the ones Vietnamese uses as they are: Ticket, Helpdesk, Email, SLA).
ENGLISH = (
    "New",
    "In Progress",
    "Awaiting",
    "Done",
    "Cancelled",
    "Rejected",
    "Team",
    "Teams",
    "Stage",
    "Stages",
    "Assigned",
    "Assign",
    "Priority",
    "Low",
    "Medium",
    "High",
    "Category",
    "Categories",
    "Tags",
    "Channel",
    "Channels",
    "Description",
    "Customer",
    "Contact",
    "Partner",
    "Closed",
    "Open",
    "Unassigned",
    "Unattended",
    "My Tickets",
    "Tickets",
    "All",
    "Archived",
    "Duplicate",
    "Title",
    "Company",
    "Followers",
    "Activities",
    "Group By",
    "Last",
    "Date",
    "Reporting",
    "Configuration",
    "Settings",
    "To Do",
    "View",
)
ENGLISH_RE = re.compile(rf"\b({'|'.join(map(re.escape, ENGLISH))})\b")
# Names of products, written the same in Vietnamese (the Dev Team's webhook)
PRODUCT_NAMES = re.compile(r"\bMicrosoft Teams\b")
# What the web client shows of a view's arch: labels, tooltips, placeholders, text.
SHOWN_ATTRIBUTES = ("string", "help", "placeholder", "title", "confirm", "sum")
MAIN_VIEWS = ("kanban", "list", "form")


@tagged("post_install", "-at_install")
class TestVietnameseViews(HelpdeskProcessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # _activate_lang loads no terms: load the modules' own, as the language
        # install wizard and a module update do. helpdesk_mgmt ships no vi.po; its
        # terms come with ours (i18n_extra/vi.po, entries of helpdesk_mgmt's xmlids).
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"].search(
            [("name", "in", MODULES)]
        )._update_translations("vi_VN", overwrite=True)
        # views cached in Vietnamese before the terms were loaded
        cls.env.registry.clear_cache("templates")
        cls.agent.lang = "vi_VN"
        cls.vi_env = cls.env(user=cls.agent, context={"lang": "vi_VN"})

    def assertVietnamese(self, shown):
        """shown: (where, text) pairs; fails on each English word left."""
        english = sorted(
            {
                f"{where}: {text!r}"
                for where, text in shown
                if text and ENGLISH_RE.search(PRODUCT_NAMES.sub("", text))
            }
        )
        if english:
            self.fail(f"{len(english)} English labels:\n" + "\n".join(english))

    def _arch_texts(self, arch, where):
        for node in etree.fromstring(arch).iter(etree.Element):
            for attribute in SHOWN_ATTRIBUTES:
                yield f"{where} <{node.tag} {attribute}>", node.get(attribute)
            for text in (node.text, node.tail):
                if text and text.strip():
                    yield f"{where} <{node.tag}> text", text.strip()

    def _field_texts(self, model, fields):
        for fname, field in fields.items():
            labelled_by = self.env[model]._fields[fname].base_field.model_name
            if not labelled_by.startswith("helpdesk."):
                continue  # inherited from mail.alias: mail's terms label it
            where = f"{model}.{fname}"
            yield where, field.get("string")
            yield f"{where} help", field.get("help")
            for _value, label in field.get("selection") or ():
                yield f"{where} selection", label

    def _views_shown(self, action_xmlid):
        """What get_views hands the web client for an action's main views."""
        action = self.vi_env["ir.actions.actions"]._for_xml_id(action_xmlid)
        model = action["res_model"]
        views = [
            (view_id or False, view_type)
            for view_id, view_type in action["views"]
            if view_type in MAIN_VIEWS
        ]
        views.append(
            (action["search_view_id"] and action["search_view_id"][0], "search")
        )
        result = self.vi_env[model].get_views(views)
        shown = [(f"action {action_xmlid}", action["name"])]
        for view_type, view in result["views"].items():
            shown += self._arch_texts(view["arch"], f"{model} {view_type}")
        for model, description in result["models"].items():
            if model.startswith("helpdesk."):
                shown += self._field_texts(model, description["fields"])
        return result, shown

    def test_ticket_views_in_vietnamese(self):
        """Form, list, kanban and search of the agent's tickets, with the labels
        of their fields and the values of their selections."""
        result, shown = self._views_shown("helpdesk_mgmt.helpdesk_ticket_action")
        self.assertVietnamese(shown)
        self.assertEqual(
            set(result["views"]), {"form", "list", "kanban", "search"}, "main views"
        )
        labels = result["models"]["helpdesk.ticket"]["fields"]
        self.assertEqual(labels["stage_id"]["string"], "Giai đoạn")
        self.assertEqual(
            dict(labels["priority"]["selection"])["3"], "Rất cao", "priority stars"
        )
        self.assertIn("Giao cho tôi", result["views"]["form"]["arch"])

    def test_dashboard_in_vietnamese(self):
        """The team dashboard, the helpdesk's first menu."""
        _result, shown = self._views_shown(
            "helpdesk_mgmt.helpdesk_ticket_dashboard_action"
        )
        self.assertVietnamese(shown)

    def test_status_bar_stage_names_in_vietnamese(self):
        """The stages as the status bar reads them: the process's and the others."""
        stages = self.vi_env["helpdesk.ticket.stage"].search_read([], ["display_name"])
        self.assertVietnamese(("stage", stage["display_name"]) for stage in stages)
        self.assertEqual(
            [
                self.stage_by_role[role].with_env(self.vi_env).display_name
                for role in PROCESS_STAGE_ROLES
            ],
            ["Mới", "Đang xử lý", "Đang chờ", "Đã khắc phục", "Hoàn tất"],
        )
        ticket = self._create_ticket().with_env(self.vi_env)
        self.assertEqual(ticket.read(["stage_id"])[0]["stage_id"][1], "Mới")

    def test_helpdesk_menus_in_vietnamese(self):
        """The helpdesk menus as the web client loads them, for the agent and for
        the manager (who also has the configuration menus)."""
        root = self.env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu")
        helpdesk = self.env["ir.ui.menu"].search([("id", "child_of", root.id)])
        self.manager.lang = "vi_VN"
        for user, at_least in ((self.agent, 5), (self.manager, 12)):
            menus = self.vi_env(user=user)["ir.ui.menu"].load_menus(debug=False)
            shown = [
                ("menu", menus[menu_id]["name"])
                for menu_id in helpdesk.ids
                if menu_id in menus
            ]
            self.assertGreaterEqual(len(shown), at_least, user.login)
            self.assertVietnamese(shown)
            self.assertIn(("menu", "Ticket của tôi"), shown)
            # "Dashboard" is a word of Vietnamese IT speech too (our help texts)
            self.assertIn(("menu", "Bảng điều khiển"), shown)
