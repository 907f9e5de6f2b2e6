# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import werkzeug

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.rating.controllers.main import Rating


class HelpdeskProcessTicketController(HelpdeskTicketController):
    @http.route("/ticket/close", type="http", auth="user", methods=["POST"])
    def support_ticket_close(self, **kw):
        """The customer's "close" button: their confirmation, for their own ticket.

        helpdesk_mgmt reads the ticket with sudo() by id and moves it to the posted
        stage, so any portal user could close anybody's ticket. Here the ticket is
        read as the logged-in user (record rules apply: another customer's ticket is
        a 404 and nothing changes), and the click counts as the customer's
        confirmation: the process then asks the agent for the closure email and the
        summary instead of skipping them. POST only, with the session's CSRF token
        (the portal's button sends it): helpdesk_mgmt's GET let any link in an
        email or on another site confirm a resolution in the customer's name.
        """
        try:
            ticket_id = int(kw.get("ticket_id") or 0)
            ticket = request.env["helpdesk.ticket"].browse(ticket_id).exists()
            ticket.check_access("read")
        except (ValueError, AccessError, MissingError) as error:
            raise werkzeug.exceptions.NotFound() from error
        if not ticket:
            raise werkzeug.exceptions.NotFound()
        try:
            # as the user: the model records the customer's word (and only that)
            # as superuser, once it has checked that they speak for the customer
            ticket._process_customer_confirmation(
                request.env._("Confirmed by the customer from the portal."),
            )
        except AccessError as error:
            # a colleague who may read the ticket does not confirm for its customer
            raise werkzeug.exceptions.Forbidden(error.args[0]) from error
        return request.redirect(f"/my/ticket/{ticket.id}?mindx_done=confirmed")

    @http.route(
        "/my/ticket/<int:ticket_id>/withdraw",
        type="http",
        auth="user",
        methods=["POST"],
    )
    def support_ticket_withdraw(self, ticket_id, reason="", **kw):
        """The customer withdraws their open request, saying why (the agent reads
        it as theirs). Read as the logged-in user: another's ticket is a 404."""
        ticket = request.env["helpdesk.ticket"].browse(ticket_id).exists()
        try:
            ticket.check_access("read")
        except AccessError as error:
            raise werkzeug.exceptions.NotFound() from error
        if not ticket:
            raise werkzeug.exceptions.NotFound()
        try:
            ticket._process_customer_withdrawal(reason)
        except AccessError as error:
            raise werkzeug.exceptions.Forbidden(error.args[0]) from error
        except UserError as error:
            raise werkzeug.exceptions.BadRequest(error.args[0]) from error
        return request.redirect(f"/my/ticket/{ticket.id}?mindx_done=withdrawn")


class HelpdeskProcessRatingController(Rating):
    @http.route()
    def action_submit_rating(self, token, rate=0, **kwargs):
        """The rating of a ticket, given by its customer only.

        Odoo's rating page (`/rate/<token>/<rate>`) shows a logged-in user of
        another company that the rating is not theirs, but its form's target
        takes their rating anyway: for a ticket, the same refusal there too. A
        visitor who is not logged in rates with the token of the email, as in
        Odoo.
        """
        rating, record_sudo = self._get_rating_and_record(token)
        user = request.env.user
        if (
            rating.res_model == "helpdesk.ticket"
            and not user._is_public()
            and user.partner_id.commercial_partner_id
            != rating.partner_id.commercial_partner_id
        ):
            return request.render(
                "rating.rating_external_page_invalid_partner",
                {
                    "model_name": request.env["ir.model"]
                    ._get(rating.res_model)
                    .display_name,
                    "name": record_sudo.display_name,
                    "web_base_url": rating.get_base_url(),
                },
            )
        return super().action_submit_rating(token, rate=rate, **kwargs)
