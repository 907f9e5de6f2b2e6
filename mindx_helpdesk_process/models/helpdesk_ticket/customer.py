# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the customer says, by email (the mail gateway) or through the portal:
new tickets at the email's date, replies that confirm, reopen or follow up,
the reminder when they stay silent, and our automatic emails marked as such."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize, format_datetime

from ...tools import email_text
from ...tools.working_time import add_working_days
from .. import process_rules


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # -- the customer by email --
    last_customer_message_date = fields.Datetime(
        string="Customer last wrote on", readonly=True, copy=False
    )
    users_affected_suggested = fields.Boolean(
        string="Users affected suggested by the email",
        readonly=True,
        copy=False,
        help="Users affected was pre-filled from the customer's email (e.g. '15 "
        "học viên'); confirm it when classifying.",
    )
    confirmation_suggestion = fields.Text(
        string="Possible confirmation",
        readonly=True,
        copy=False,
        help="The customer's reply to the resolution email: confirm the resolution "
        "with it if it says the issue is fixed.",
    )
    confirmation_reminder_date = fields.Datetime(
        string="Confirmation reminder sent on", readonly=True, copy=False
    )
    previous_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Follow-up of",
        copy=False,
        help="The closed ticket this one continues (a reply after the reopen window).",
    )

    @api.constrains("previous_ticket_id", "company_id")
    def _check_previous_ticket_company(self):
        """A link names the linked ticket's number and title: never another
        company's (whoever reads this ticket could not read that one)."""
        for ticket in self.filtered("previous_ticket_id"):
            previous = ticket.previous_ticket_id
            if previous == ticket or previous.company_id != ticket.company_id:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s cannot be a follow-up of %(previous)s: "
                        "link a ticket of the same company (%(company)s), other "
                        "than itself.",
                        ticket=ticket.display_name,
                        previous=previous.sudo().number or previous.id,
                        company=ticket.company_id.display_name,
                    )
                )

    def _process_customer_confirmation(self, text):
        """The customer says it works (portal button, reply): the confirm step.

        Never a silent skip: before the resolution email there is nothing to
        confirm, and after the confirmation the closure email and the summary are
        still the agent's to do; both cases leave the agent an activity.

        Runs as the customer from the portal (who may read, not write, their
        ticket), as superuser from the mail gateway and the reminder cron: only
        what records the customer's word is done as superuser, after checking
        that the user speaks for the ticket's customer.
        """
        self._check_speaks_for_customer()
        for ticket in self:
            if ticket.confirmation_date:
                continue
            # sudo: recorded for the customer, who may not write tickets, steps
            # or activities (the current user stays the author of the note)
            recorder = ticket.sudo()
            if ticket._process_confirmation_not_now():
                recorder._process_ask_agent(ticket._process_confirmation_not_now, text)
                continue
            recorder.customer_confirmation = text
            note = recorder._process_log_note(
                text, title=ticket._process_agent_env()._("Customer confirmation")
            )
            recorder._process_record_step("confirm", note)
            if ticket.process_role != "closed":
                recorder._process_ask_agent(
                    lambda env: env._(
                        "The customer confirmed the resolution: send the closure "
                        "email and log the final summary."
                    ),
                    text,
                )

    def _process_confirmation_not_now(self, env=None):
        """Why the customer's confirmation cannot count where the ticket stands
        (the agent is asked to check with them instead), or None; in `env`'s
        language (the agent's)."""
        self.ensure_one()
        env = env or self.env
        if not self.resolution_date:
            return env._(
                "The customer asked to close this ticket before the resolution "
                "email: check with them."
            )
        if "confirm" not in process_rules.STEPS_BY_ROLE[self.process_role]:
            return env._(
                "The customer says it works, but the ticket is no longer resolved "
                "(%(stage)s): check with them before closing it.",
                stage=self.stage_id.display_name,
            )
        return None

    def _process_customer_withdrawal(self, reason):
        """The customer withdraws an open request (portal): the ticket is
        cancelled with their reason, logged as theirs, and the people handling
        it are told. Only the customer may; superuser does what they may not
        (move the ticket, log, ask the agent)."""
        self._check_speaks_for_customer()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Please say why you withdraw the request: write a reason.")
            )
        for ticket in self:
            cancelled = ticket._process_withdrawal_stage()
            title = ticket._process_agent_env()._(
                "Withdrawn by the customer (%(name)s)", name=self.env.user.name
            )
            # sudo: the customer may not write tickets; the move goes through the
            # gate with their reason (cancelling needs one)
            recorder = ticket.sudo().with_context(mindx_move_reason=reason)
            recorder.write({"stage_id": cancelled.id})
            recorder._process_log_note(reason, title=title)
            recorder._process_ask_agent(
                lambda env: env._(
                    "The customer withdrew the request: check the reason."
                ),
                reason,
            )

    def _process_withdrawal_stage(self):
        """Where a withdrawn request goes (its team's Cancelled stage); refused
        in words when it is no longer open or its team has none."""
        self.ensure_one()
        if self.process_role not in ("new", "in_progress", "waiting"):
            raise UserError(
                self.env._(
                    "Request %(ticket)s can no longer be withdrawn (%(stage)s). "
                    "Reply to our last email instead.",
                    ticket=self.number or self.id,
                    stage=self.stage_id.display_name,
                )
            )
        # sudo: the customer may not read the stages' configuration
        cancelled = self.sudo()._process_stage_for_role("cancelled")
        if not cancelled:
            raise UserError(
                self.env._(
                    "Request %(ticket)s cannot be withdrawn here (its team has no "
                    "stage for cancelled requests). Reply to our last email "
                    "instead.",
                    ticket=self.number or self.id,
                )
            )
        return cancelled

    def _check_speaks_for_customer(self):
        """Only the process (superuser) or the ticket's customer confirms."""
        if self.env.su:
            return
        partner = self.env.user.partner_id
        for ticket in self:
            ticket.check_access("read")
            if not ticket._is_customer(partner):
                raise AccessError(
                    self.env._(
                        "Only the person who reported ticket %(ticket)s can confirm "
                        "it is solved or withdraw it. Ask them, or reply to the "
                        "ticket's emails.",
                        ticket=ticket.number or ticket.id,
                    )
                )

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new email: a ticket received at the email's date, or a reply.

        A reply that lost its headers but names one of the sender's tickets in the
        subject ("Re: [HT00003] ...") is threaded on that ticket.
        """
        existing = self._ticket_from_subject(msg_dict)
        if existing:
            existing.message_update(msg_dict)
            return existing
        values = dict(custom_values or {})
        if not msg_dict.get("author_id") and msg_dict.get("email_from"):
            # a first-time customer: their contact is created from the email, so
            # that the process emails (ACK, updates) have someone to go to
            partners = self.env["res.partner"]._find_or_create_from_emails(
                [msg_dict["email_from"]]
            )
            msg_dict["author_id"] = partners[0].id if partners else False
        received, note = self._received_date_from_email(msg_dict.get("date"))
        values.setdefault("received_date", received)
        # unassigned, for the team to take: helpdesk_mgmt's "Auto assign tickets"
        # gave it to the user the mail gateway runs as ("Administrator" signed
        # the ACK); an alias may still name an assignee in its defaults
        values.setdefault("user_id", False)
        body = email_text.customer_words(msg_dict.get("body"))
        hint = email_text.users_affected_hint(
            f"{msg_dict.get('subject') or ''}\n{body}"
        )
        if hint:
            values.setdefault("users_affected", hint)
            values.setdefault("users_affected_suggested", True)
        ticket = super(
            HelpdeskTicket, self.with_context(mindx_mail_new=True)
        ).message_new(msg_dict, custom_values=values)
        ticket.last_customer_message_date = received
        if note:
            ticket._process_log_note(note)
        return ticket

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Only the type of the field that names a record, for mail.thread's
        message_new.

        It asks for every attribute of every field to see whether the model has
        that field (``_rec_name``), the largest cost of an email that opens a
        ticket with this addon's fields (README ▸ Performance). The context key
        lives from our message_new to create, which drops it.
        """
        if attributes is None and self.env.context.get("mindx_mail_new"):
            allfields = allfields or [self._rec_name or "name"]
            attributes = ["type"]
        return super().fields_get(allfields=allfields, attributes=attributes)

    def message_update(self, msg_dict, update_vals=None):
        """A reply has an effect only when the ticket's customer wrote it.

        Anyone may reply on the thread (a colleague in CC, a stranger quoting the
        right In-Reply-To, a machine): the email is stored on the ticket, but only
        the customer's word confirms a resolution, reopens a closed ticket or
        restarts the silence clock (reminder, confirmation by timeout).
        """
        res = super().message_update(msg_dict, update_vals=update_vals)
        if self.env.context.get("mail_autogenerated_header"):
            return res  # a machine wrote it (mail_thread)
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        for ticket in self.filtered(lambda t: t._is_customer(author)):
            ticket.last_customer_message_date = fields.Datetime.now()
            ticket._on_customer_reply(msg_dict)
        return res

    def _is_customer(self, partner):
        """Whether `partner` speaks for this ticket's customer: the ticket's
        contact, or (company setting) a contact of the same company.

        The author comes from the email's From: address; a forged From: of the
        customer's own address (spoofing) cannot be told apart here, only by the
        mail server's DKIM/DMARC checks before the email reaches Odoo.
        """
        self.ensure_one()
        customer = self.partner_id
        if not partner or not customer or not partner.partner_share:
            return False
        if partner == customer:
            return True
        company = self.company_id or self.env.company
        return bool(
            company.helpdesk_colleagues_speak_for_customer
            and customer.commercial_partner_id.is_company
            and partner.commercial_partner_id == customer.commercial_partner_id
        )

    def _on_customer_reply(self, msg_dict):
        """What a customer's reply means depends on where the ticket stands."""
        self.ensure_one()
        # what they wrote, without the history their mail client quotes
        text = email_text.customer_words(msg_dict.get("body"))[:2000]
        role = self.process_role
        if role == "waiting":
            self._process_ask_agent(
                lambda env: env._("The customer replied while waiting."), text
            )
        elif role == "resolved" and not self.confirmation_date:
            self.confirmation_suggestion = text
            self._process_ask_agent(
                lambda env: env._(
                    "The customer replied to the resolution: confirm the resolution "
                    "if the reply says it is fixed, else reopen."
                ),
                text,
            )
        elif role == "closed":
            self._on_reply_to_closed(text)

    def _on_reply_to_closed(self, text):
        window = self.company_id.helpdesk_reopen_window_days
        closed_on = self.closed_date or self.closure_date
        if closed_on and fields.Datetime.now() - closed_on <= timedelta(days=window):
            stage = self._process_stage_for_role("in_progress")
            self.with_context(
                mindx_move_reason=self.env._("The customer replied after closure."),
                mindx_customer_reopen=True,
            ).write({"stage_id": stage.id})
            self._process_log_note(
                self.env._(
                    "Reopened: the customer replied within %(days)s days of closure.",
                    days=window,
                )
            )
            self._process_ask_agent(
                lambda env: env._("Reopened by the customer's reply."), text
            )
            return
        follow_up = self.create(
            {
                "name": self.env._("Follow-up: %(name)s", name=self.name),
                "description": Markup("<pre>{}</pre>").format(text),
                "previous_ticket_id": self.id,
                "partner_id": self.partner_id.id,
                "team_id": self.team_id.id,
                "company_id": self.company_id.id,
                "user_id": self.user_id.id,
            }
        )
        self._process_log_note(
            self.env._(
                "The customer replied after the reopen window: follow-up ticket "
                "%(ticket)s was opened.",
                ticket=follow_up.display_name,
            )
        )

    def _ticket_from_subject(self, msg_dict):
        """The sender's own ticket that the subject names, if any."""
        number = email_text.ticket_number_in_subject(msg_dict.get("subject"))
        sender = email_normalize(msg_dict.get("email_from") or "")
        if not number or not sender:
            return self.browse()
        ticket = self.search([("number", "=", number)], limit=1)
        if email_normalize(ticket.partner_id.email or "") == sender:
            return ticket
        return self.browse()

    def _received_date_from_email(self, date_string):
        """(received, note): when a new email's ticket counts from, and a note
        for the ticket when that is not the email's Date header.

        The SLA counts from when our mail server got the email
        (tools.email_headers.email_arrival), or from the Date header when that is a
        little earlier (the time the customer pressed Send): email_text.
        """
        arrival = (
            fields.Datetime.to_datetime(self.env.context.get("mindx_email_arrival"))
            or fields.Datetime.now()
        )
        received, trusted = email_text.received_date(date_string, arrival)
        if trusted:
            return received, None
        return received, self.env._(
            "The email's date (%(date)s) is not when it reached us: the ticket "
            "counts from its arrival, %(arrival)s.",
            date=date_string or self.env._("missing"),
            arrival=format_datetime(self.env, arrival, dt_format="short"),
        )

    def action_process_confirm_suggestion(self):
        """Open the confirmation dialog pre-filled with the customer's reply."""
        action = self._process_open_step_wizard("confirm")
        action["context"]["default_customer_confirmation"] = (
            self.confirmation_suggestion
        )
        return action

    def _notify_by_email_get_headers(self, headers=None):
        """Our automatic emails say so, so that auto-responders do not answer."""
        headers = super()._notify_by_email_get_headers(headers=headers)
        if self.env.context.get("mindx_outgoing_automatic"):
            # as mail_autogenerated_header marks Odoo's other automatic emails
            # (those not sent as discussion, which this one is)
            headers["Auto-Submitted"] = "auto-generated"
            headers["X-Auto-Response-Suppress"] = "All"
        return headers

    @api.model
    def _cron_remind_silent_resolved(self):
        """Resolved tickets whose customer stays silent: one reminder, then timeout.

        After `helpdesk_confirm_reminder_days` working days without a reply to the
        resolution email, the customer gets one reminder; after as many more, the
        resolution counts as confirmed by timeout (logged with the silence as the
        reason) and the agent is asked for the closure email, which is never
        skipped.
        """
        tickets = self.search(
            [
                ("process_role", "=", "resolved"),
                ("resolution_date", "!=", False),
                ("confirmation_date", "=", False),
            ]
        )
        now = fields.Datetime.now()
        for ticket in tickets:
            replied = (ticket.last_customer_message_date or ticket.resolution_date) > (
                ticket.resolution_date
            )
            if replied:
                continue
            company = ticket.company_id or self.env.company
            days = company.helpdesk_confirm_reminder_days
            calendar = company.resource_calendar_id
            if not ticket.confirmation_reminder_date:
                if now >= add_working_days(calendar, ticket.resolution_date, days):
                    ticket._send_confirmation_reminder()
            elif now >= add_working_days(
                calendar, ticket.confirmation_reminder_date, days
            ):
                ticket._process_customer_confirmation(
                    self.env._(
                        "Confirmed by timeout: no reply from the customer to the "
                        "resolution email nor to the reminder."
                    )
                )

    def _send_confirmation_reminder(self):
        self.ensure_one()
        template = self.env.ref(
            "mindx_helpdesk_process.mail_template_confirmation_reminder"
        )
        self.with_context(mindx_outgoing_automatic=True).message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.partner_id.ids,
        )
        self.confirmation_reminder_date = fields.Datetime.now()

    def _message_update_content(self, message, body, *args, **kwargs):
        """A message that records a step stays as it was sent (the route lets
        its author edit or empty it): the step log and the incident report quote
        it."""
        logged = (
            self.env["helpdesk.ticket.step"]
            .sudo()
            .search_count([("message_id", "=", message.id)], limit=1)
        )
        if logged:
            raise UserError(
                self.env._(
                    "This message records a step of ticket %(ticket)s: it cannot be "
                    "edited or deleted. Post a new message to add or correct "
                    "something.",
                    ticket=self.display_name,
                )
            )
        return super()._message_update_content(message, body, *args, **kwargs)

    def _process_is_customer_email(self, message, step):
        """A customer step counts only for a real email to the ticket's customer
        (on a main ticket the team opened for a major incident, without a
        customer, for the message its reports' customers get)."""
        self.ensure_one()
        return (
            step in process_rules.STEPS
            and process_rules.STEPS[step].kind == "customer"
            and message.message_type == "comment"
            and not message.subtype_id.internal
            and (
                self.partner_id in message.partner_ids
                if self.partner_id
                else bool(self.major_incident_ticket_ids)
            )
        )
