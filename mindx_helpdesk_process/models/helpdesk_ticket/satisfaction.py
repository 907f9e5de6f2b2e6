# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's satisfaction, on OCA's helpdesk_mgmt_rating (Odoo's rating
mixin): the closure email asks for it, an unhappy rating is followed up.

helpdesk_mgmt_rating sends its own rating email when a ticket enters a stage
with a Rating Email Template; on the stages with the role Closed the closure
email (step 7) has asked already, so that second email is not sent.
"""

from collections import Counter, defaultdict

from odoo import models
from odoo.osv import expression
from odoo.tools import float_round

from odoo.addons.rating.models import rating_data
from odoo.addons.rating.models.rating_data import RATING_LIMIT_OK

from ...tools.email_text import text_as_html


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _compute_percentage(self):
        """helpdesk_mgmt_rating's share of happy ratings (Odoo's grades), the
        same figure, with one query for all the tickets: its own asks each
        ticket's ratings in turn, a query a ticket at every creation (a sixth
        of the time of a batch of tickets created)."""
        domain = expression.AND([self._rating_domain(), [("rating", ">=", 1)]])
        grades = defaultdict(Counter)  # ticket id: {grade: ratings}
        for res_id, rating, count in self.env["rating.rating"]._read_group(
            domain, ["res_id", "rating"], ["__count"]
        ):
            grade = rating_data._rating_to_grade(float_round(rating, 1))
            grades[res_id][grade] += count
        for ticket in self:
            by_grade = grades.get(ticket.id, Counter())
            total = by_grade.total()
            ticket.positive_rate_percentage = (
                by_grade["great"] * 100 / total if total else -1
            )

    def _process_asks_rating(self):
        """Whether the closure email carries the rating request: a customer to
        ask, and the ticket not set to "No rating" (helpdesk_mgmt_rating's)."""
        self.ensure_one()
        return bool(self.partner_id) and self.rating_status != "no_rate"

    def _send_ticket_rating_mail(self, force_send=False):
        # the closure email asked already: one email at closure, not two
        asked = self.filtered(lambda t: t.process_role == "closed")
        return super(HelpdeskTicket, self - asked)._send_ticket_rating_mail(
            force_send=force_send
        )

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """Odoo's rating (the comment in the chatter), then a follow-up for the
        team leader when the customer is unhappy. A changed comment on a rating
        already unhappy asks no second time."""
        if token and not rating:
            rating = self.env["rating.rating"].search(
                [("access_token", "=", token)], limit=1
            )
        was_unhappy = bool(
            rating and rating.consumed and rating.rating < RATING_LIMIT_OK
        )
        rating = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        if (
            self._name == "helpdesk.ticket"
            and rating.rating < RATING_LIMIT_OK
            and not was_unhappy
        ):
            for ticket in self:
                ticket._process_follow_up_unhappy(rating)
        return rating

    def _process_satisfaction_owner(self):
        """Who follows an unhappy rating up: the team's leader, else the
        ticket's handler."""
        self.ensure_one()
        return self.team_id.user_id or self._process_handler()

    def _process_follow_up_unhappy(self, rating):
        """A to-do for the team leader, in their language, quoting the comment."""
        self.ensure_one()
        # sudo: the customer's click (public route) asks it, the process gives it
        ticket = self.sudo()
        user = ticket._process_satisfaction_owner()
        ticket = ticket.with_context(lang=user.lang or self.env.lang)
        summary = ticket.env._(
            "Unhappy customer: call %(customer)s back about their rating",
            customer=rating.partner_id.name or ticket.partner_id.name or "",
        )
        note = rating.feedback or ""
        if not user:
            ticket._process_log_note(summary)
            return
        ticket.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=text_as_html(note) if note else "",
            user_id=user.id,
        )
