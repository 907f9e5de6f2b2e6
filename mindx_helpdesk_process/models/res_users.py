# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Portal-wide: every login (docs/CODE.md ▸ "Beyond tickets")."""

from odoo import api, models
from odoo.http import request


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _update_last_login(self):
        """After a login, the portal speaks the user's language.

        The portal's pages (/my/...) take their language from the frontend_lang
        cookie before the user's preference: a cookie left by a page seen before
        logging in (the reset-password or invitation link, another visitor of
        the same browser) showed a Vietnamese customer English pages. Logging in
        sets it to the user's language; the language switcher still works.
        """
        res = super()._update_last_login()
        lang = self.env.user.lang
        if request and lang and request.cookies.get("frontend_lang") != lang:
            request.future_response.set_cookie("frontend_lang", lang)
        return res
