# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime


class HelpdeskTicketReceivedWizard(models.TransientModel):
    """A manager's correction of when a ticket was received, logged.

    The received time starts every SLA clock, so nobody writes it (the process
    stamps it: the email's arrival, the ticket's creation). A request reported by
    phone and typed in later is the case this is for: a helpdesk manager sets the
    real time with a reason, and the chatter keeps who changed what, when and why.
    """

    _name = "helpdesk.ticket.received.wizard"
    _description = "Helpdesk Ticket Received Time Correction"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade"
    )
    # compute_sudo=False: read as the manager, who may change the ticket
    current_received_date = fields.Datetime(
        related="ticket_id.received_date", string="Received on", compute_sudo=False
    )
    received_date = fields.Datetime(string="Correct received time", required=True)
    reason = fields.Text(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        if not self.env.su:
            self._check_manager()
        self.env["helpdesk.ticket"].browse(
            {vals["ticket_id"] for vals in vals_list if vals.get("ticket_id")}
        ).check_access("write")
        return super().create(vals_list)

    @api.model
    def _check_manager(self):
        if not self.env["helpdesk.ticket"]._is_process_manager():
            raise UserError(
                self.env._(
                    "Only helpdesk managers can correct when a ticket was received: "
                    "ask one, with the real time and why."
                )
            )

    def action_confirm(self):
        """Correct the ticket's received time, logged with the reason."""
        self.ensure_one()
        self._check_manager()
        ticket, when = self.ticket_id, self.received_date
        reason = (self.reason or "").strip()
        self._check_correction(ticket, when, reason)
        old = ticket.received_date
        # sudo: the received time is the process's record; the manager's right to
        # correct it was checked above, and the correction is logged below
        ticket.sudo().received_date = when
        ticket._sla_refresh_status()
        ticket._process_log_note(
            reason,
            title=self.env._(
                "Received time corrected from %(old)s to %(new)s by %(user)s",
                old=format_datetime(self.env, old, dt_format="short"),
                new=format_datetime(self.env, when, dt_format="short"),
                user=self.env.user.name,
            ),
        )
        return {"type": "ir.actions.act_window_close"}

    def _check_correction(self, ticket, when, reason):
        """A reason, and a time neither in the future nor after the first step."""
        if not reason:
            raise UserError(self.env._("Please write why the received time changes."))
        if when > fields.Datetime.now():
            raise UserError(
                self.env._(
                    "The received time cannot be in the future (%(when)s): set when "
                    "the customer really reported the issue.",
                    when=format_datetime(self.env, when, dt_format="short"),
                )
            )
        first_step = min(ticket.process_step_ids.mapped("date"), default=None)
        if first_step and when > first_step:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s cannot have been received after its first "
                    "logged step (%(step)s): set an earlier time.",
                    ticket=ticket.display_name,
                    step=format_datetime(self.env, first_step, dt_format="short"),
                )
            )
