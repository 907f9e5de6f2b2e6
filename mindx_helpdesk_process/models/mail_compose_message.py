# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from . import process_rules
from .sla_rules import UPDATE_PROMISING_STEPS


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    process_step = fields.Selection(
        selection=process_rules.STEP_SELECTION,
        readonly=True,
        help="The helpdesk process step this email performs once sent.",
    )
    # stored and in the form: the client sends back the promise the rendered
    # email shows, however long the agent takes to press Send
    process_update_promise = fields.Datetime(
        compute="_compute_process_update_promise",
        store=True,
        readonly=False,
        help="The next update this ACK or update email promises the customer: the "
        "update deadline once it is sent.",
    )

    @api.depends("template_id", "process_step", "model", "res_ids")
    def _compute_process_update_promise(self):
        now = fields.Datetime.now()
        for composer in self:
            promise = False
            if (
                composer.process_step in UPDATE_PROMISING_STEPS
                and composer.model == "helpdesk.ticket"
            ):
                ticket = self.env["helpdesk.ticket"].browse(
                    composer._evaluate_res_ids()[:1]
                )
                promise = ticket and ticket._sla_update_promise(now)
            composer.process_update_promise = promise

    def _compute_body(self):
        """The template renders the promise this composer will keep (the ticket's
        next_update_due reads it from the context)."""
        promising = self.filtered("process_update_promise")
        for composer in promising:
            promise = fields.Datetime.to_string(composer.process_update_promise)
            super(
                MailComposeMessage, composer.with_context(mindx_update_promise=promise)
            )._compute_body()
        return super(MailComposeMessage, self - promising)._compute_body()

    def _action_send_mail_comment(self, res_ids):
        """A step's email counts as the step once sent to the customer.

        The step travels with the composer its sender opened (the step buttons),
        never in the context of message_post: Odoo's chat routes post as
        superuser with the caller's context, so a customer or a follower could
        otherwise mark steps done. Who may not do the step is refused before
        anything is sent. An ACK or update keeps the promise its email made.
        """
        step = self.process_step if self.model == "helpdesk.ticket" else False
        tickets = self.env["helpdesk.ticket"].browse(res_ids if step else [])
        if step:
            tickets._process_check_step(step)
        messages = super()._action_send_mail_comment(res_ids)
        for message in messages if step else ():
            ticket = tickets.browse(message.res_id)
            if ticket._process_is_customer_email(message, step):
                ticket._process_record_step(
                    step, message, promise=self.process_update_promise
                )
        return messages
