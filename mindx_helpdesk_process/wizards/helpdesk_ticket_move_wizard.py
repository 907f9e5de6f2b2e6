# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError


class HelpdeskTicketMoveWizard(models.TransientModel):
    """A stage move that needs a reason: reopen, cancel, or a manager's force."""

    _name = "helpdesk.ticket.move.wizard"
    _description = "Helpdesk Ticket Move With Reason"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade"
    )
    # compute_sudo=False: read as the dialog's user (who may change the ticket,
    # checked at create), never as superuser
    current_stage_id = fields.Many2one(related="ticket_id.stage_id", compute_sudo=False)
    team_id = fields.Many2one(related="ticket_id.team_id", compute_sudo=False)
    stage_id = fields.Many2one(
        comodel_name="helpdesk.ticket.stage",
        string="Move to",
        required=True,
        domain="[('id', '!=', current_stage_id), '|', ('team_ids', '=', False), "
        "('team_ids', 'in', team_id)]",
    )
    reason = fields.Text(required=True)
    force = fields.Boolean(
        string="Force (skip the process checks)",
        help="Helpdesk managers only. The move, its reason and who forced it are "
        "logged in the chatter.",
    )
    is_manager = fields.Boolean(compute="_compute_is_manager")

    @api.model_create_multi
    def create(self, vals_list):
        """A dialog only for a ticket its user may change: RPC clients create
        dialogs without the header button."""
        self.env["helpdesk.ticket"].browse(
            {vals["ticket_id"] for vals in vals_list if vals.get("ticket_id")}
        ).check_access("write")
        return super().create(vals_list)

    # ticket_id: a real dependency, so that the form's first onchange computes it
    # (a field with no dependency keeps the False the client starts with)
    @api.depends("ticket_id")
    @api.depends_context("uid")
    def _compute_is_manager(self):
        is_manager = self.env["helpdesk.ticket"]._is_process_manager()
        for wizard in self:
            wizard.is_manager = is_manager

    def action_confirm(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Please write the reason for this move."))
        ticket = self.ticket_id
        old_stage = ticket.stage_id
        ticket.with_context(
            mindx_move_reason=reason, mindx_force_move=self.force
        ).write({"stage_id": self.stage_id.id})
        if not self.force:  # a forced move is logged by the ticket itself
            ticket._process_log_move(old_stage, self.stage_id, reason)
        return {"type": "ir.actions.act_window_close"}
