# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def signup_prepare(self, signup_type="signup"):
        """Leave alone the partners whose signup type is already this one.

        Every notification about a ticket builds its customer's portal link, and
        auth_signup writes their signup type each time, even unchanged: the
        customer's row is then locked by every transaction that notifies about any
        of their tickets (the SLA scan's notes and activities, the agents' emails),
        so that each waits for the others, and the scan, which is not retried,
        fails on the version another one committed (tests/test_concurrency.py).
        """
        changing = self.filtered(lambda p: p.sudo().signup_type != signup_type)
        return super(ResPartner, changing).signup_prepare(signup_type=signup_type)
