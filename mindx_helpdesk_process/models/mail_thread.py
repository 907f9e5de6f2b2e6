# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mail-wide: these patches of mail.thread change the incoming email of EVERY
model of the database, not only tickets (README ▸ "Beyond tickets").

- an automatic email (auto-reply, bounce notice, list) never opens a ticket,
  and its receiving record learns that a machine wrote it;
- a body in a charset Python does not know is read as UTF-8, not lost;
- the receiving record learns when our mail server got the email.
"""

import codecs
import logging

from odoo import api, fields, models

from ..tools.email_headers import email_arrival, is_automatic_email

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        """An automatic email never opens a helpdesk ticket.

        Replies to an existing ticket are still stored on it (logged once), but
        helpdesk.ticket.message_update gives them no effect.
        """
        routes = super().message_route(
            message,
            message_dict,
            model=model,
            thread_id=thread_id,
            custom_values=custom_values,
        )
        if not is_automatic_email(message):
            return routes
        kept = [r for r in routes if not (r[0] == "helpdesk.ticket" and not r[1])]
        if len(kept) != len(routes):
            _logger.info(
                "Automatic email %s from %s: no helpdesk ticket created",
                message_dict.get("message_id"),
                message_dict.get("email_from"),
            )
        return kept

    def _message_parse_extract_payload(
        self, message, message_dict, save_original=False
    ):
        """Read a body whose declared charset Python does not know as UTF-8.

        Odoo 18 crashes on such emails (LookupError), and the customer's email would
        be lost; undecodable bytes become replacement characters instead.
        """
        try:
            return super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )
        except LookupError:
            for part in message.walk():
                charset = part.get_content_charset()
                try:
                    codecs.lookup(charset or "utf-8")
                except LookupError:
                    _logger.info("Unknown charset %r read as UTF-8", charset)
                    part.set_param("charset", "utf-8")
            return super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )

    def _message_route_process(self, message, message_dict, routes):
        """Tell the receiving record whether a machine wrote this (message_update)
        and when our mail server got it (message_new's received time)."""
        arrival = email_arrival(message, fields.Datetime.now())
        return super(
            MailThread,
            self.with_context(
                mindx_incoming_automatic=is_automatic_email(message),
                mindx_email_arrival=fields.Datetime.to_string(arrival),
            ),
        )._message_route_process(message, message_dict, routes)
