# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A Vietnamese customer reads the portal in Vietnamese after logging in, whatever
language cookie the browser had from before."""

import re

from odoo.tests import tagged

from .common import HelpdeskProcessHttpCommon


@tagged("post_install", "-at_install")
class TestPortalLanguage(HelpdeskProcessHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.portal_user.lang = "vi_VN"
        cls.ticket = cls._create_ticket()

    def _stale_english_cookie(self):
        """A page seen before logging in (the reset-password link, an English
        browser) leaves its language cookie."""
        self.url_open("/web/reset_password")
        self.assertEqual(self.opener.cookies.get("frontend_lang"), "en_US")

    def _log_in_through_the_login_page(self, login):
        page = self.url_open("/web/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            "/web/login",
            data={"login": login, "password": login, "csrf_token": token},
        )
        self.assertEqual(response.status_code, 200)

    def _page_lang(self, url):
        """The language the page is in, as its language selector shows it."""
        page = self.url_open(url).text
        selector = re.search(
            r"js_language_selector.*?<button[^>]*>\s*<span[^>]*>([^<]+)</span>",
            page,
            re.DOTALL,
        )
        return selector.group(1).strip()

    def test_login_replaces_a_stale_language_cookie(self):
        self._stale_english_cookie()
        self._log_in_through_the_login_page(self.portal_user.login)
        self.assertEqual(self.opener.cookies.get("frontend_lang"), "vi_VN")
        self.assertEqual(self._page_lang("/my/tickets"), "Tiếng Việt")
        self.assertEqual(self._page_lang(f"/my/ticket/{self.ticket.id}"), "Tiếng Việt")

    def test_the_process_speaks_vietnamese_on_the_ticket_page(self):
        self._stale_english_cookie()
        self._log_in_through_the_login_page(self.portal_user.login)
        page = self.url_open(f"/my/ticket/{self.ticket.id}").text
        self.assertTrue(
            "Đã tiếp nhận: chúng tôi sẽ sớm xác nhận với Anh/Chị." in page,
            "the process's status in Vietnamese",
        )
        self.assertFalse("Received: we will confirm it to you shortly." in page)
        # its times (created, next update by) without seconds
        self.assertFalse(re.search(r"\b\d{1,2}:\d{2}:\d{2}\b", page))
        self.assertTrue(re.search(r"\b\d{1,2}:\d{2}\b", page))
