# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from . import process_rules


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    process_step = fields.Selection(
        selection=process_rules.STEP_SELECTION,
        readonly=True,
        help="The helpdesk process step this email performs once sent.",
    )

    def _action_send_mail_comment(self, res_ids):
        """A step's email counts as the step once sent to the customer.

        The step travels with the composer its sender opened (the step buttons),
        never in the context of message_post: Odoo's chat routes post as
        superuser with the caller's context, so a customer or a follower could
        otherwise mark steps done. Who may not do the step is refused before
        anything is sent.
        """
        step = self.process_step if self.model == "helpdesk.ticket" else False
        tickets = self.env["helpdesk.ticket"].browse(res_ids if step else [])
        if step:
            tickets._process_check_step_allowed()
            tickets._process_check_open()
        messages = super()._action_send_mail_comment(res_ids)
        for message in messages if step else ():
            ticket = tickets.browse(message.res_id)
            if ticket._process_is_customer_email(message, step):
                ticket._process_record_step(step, message)
        return messages
