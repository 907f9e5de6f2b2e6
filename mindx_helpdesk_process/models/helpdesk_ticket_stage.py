# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .process_rules import PROCESS_ROLES

# the Rating Email Templates (helpdesk_mgmt_rating) removed from the stages with
# the role Closed at installation, {stage id: template id}, given back on uninstall
RATING_TEMPLATES_PARAM = "mindx_helpdesk_process.removed_rating_templates"

# helpdesk_mgmt's stages (and ours) and the process role each one plays. Looked up
# by XML id, not by name: admins rename stages, and a stage deleted before we were
# installed is simply not there to map.
HELPDESK_MGMT_STAGE_ROLES = {
    "helpdesk_mgmt.helpdesk_ticket_stage_new": "new",
    "helpdesk_mgmt.helpdesk_ticket_stage_in_progress": "in_progress",
    "helpdesk_mgmt.helpdesk_ticket_stage_awaiting": "waiting",
    "helpdesk_mgmt.helpdesk_ticket_stage_done": "closed",
    "helpdesk_mgmt.helpdesk_ticket_stage_cancelled": "cancelled",
    "helpdesk_mgmt.helpdesk_ticket_stage_rejected": "cancelled",
    "mindx_helpdesk_process.helpdesk_ticket_stage_resolved": "resolved",
}

# Roles whose stages helpdesk_mgmt must treat as closed (its `closed` flag sets
# closed_date, hides the ticket from open lists and drives portal closing).
CLOSING_ROLES = ("closed", "cancelled")


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    process_role = fields.Selection(
        selection=PROCESS_ROLES,
        required=True,
        default="in_progress",
        help="What this stage means in the support process. The process gates "
        "identify stages by this role, not by their name, so stages may be renamed "
        "freely. New: received, not acknowledged yet. In Progress: acknowledged and "
        "being investigated. Waiting: escalated, waiting for the Dev Team or the "
        "customer. Resolved: fixed, waiting for the customer's confirmation. Closed: "
        "confirmed and followed up. Cancelled: spam, duplicates, rejected requests.",
    )

    @api.model
    def _guess_process_role(self, closed, unattended):
        """The role a stage most likely plays, from helpdesk_mgmt's own flags.

        Used where nobody said which role a stage plays (stages created through the
        API, stages that existed before installation), so that no stage escapes the
        gates: a closing stage is guarded as a closure, never as a working stage.
        """
        if closed:
            return "closed"
        if unattended:
            return "new"
        return "in_progress"

    @api.constrains("process_role", "closed")
    def _check_process_role_closed(self):
        for stage in self:
            closing_role = stage.process_role in CLOSING_ROLES
            if closing_role == bool(stage.closed):
                continue
            role = dict(self._fields["process_role"]._description_selection(self.env))
            if closing_role:
                message = self.env._(
                    "Stage %(stage)s has the process role %(role)s, so it must be "
                    "marked as closed. Tick 'Closed' or choose another process role.",
                    stage=stage.display_name,
                    role=role[stage.process_role],
                )
            else:
                message = self.env._(
                    "Stage %(stage)s has the process role %(role)s, so it must not be "
                    "marked as closed. Untick 'Closed' or choose the process role "
                    "Closed or Cancelled.",
                    stage=stage.display_name,
                    role=role[stage.process_role],
                )
            raise ValidationError(message)

    @api.onchange("closed", "unattended")
    def _onchange_process_role_flags(self):
        guess = self._guess_process_role(self.closed, self.unattended)
        if self.closed != (self.process_role in CLOSING_ROLES) or guess == "new":
            self.process_role = guess

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "process_role" not in vals:
                vals["process_role"] = self._guess_process_role(
                    vals.get("closed"), vals.get("unattended")
                )
        return super().create(vals_list)

    @api.model
    def _map_process_roles(self, roles_by_xmlid):
        """Set the role of every existing stage: known ones by XML id, others by flags.

        One write per role, whatever the number of stages.
        """
        stages = self.with_context(active_test=False).search([])
        role_by_id = {
            stage.id: self._guess_process_role(stage.closed, stage.unattended)
            for stage in stages
        }
        for xmlid, role in roles_by_xmlid.items():
            stage = self.env.ref(xmlid, raise_if_not_found=False)
            if stage and stage.closed == (role in CLOSING_ROLES):
                role_by_id[stage.id] = role
        for role in set(role_by_id.values()):
            ids = [stage_id for stage_id, r in role_by_id.items() if r == role]
            self.browse(ids).write({"process_role": role})

    @api.model
    def _place_after(self, stage, after_role):
        """Put `stage` right after the last stage of `after_role` in the kanban order.

        Closing stages that would come before it move one step down, so that the
        process stages read New, In Progress, Waiting, Resolved, Closed, Cancelled.
        """
        before = self.search([("process_role", "=", after_role)], order="sequence desc")
        sequence = (before[:1].sequence or 0) + 1
        to_shift = self.search(
            [
                ("id", "!=", stage.id),
                ("sequence", ">=", sequence),
                ("process_role", "in", CLOSING_ROLES),
            ]
        )
        for closing_stage in to_shift:
            closing_stage.sequence += 1
        stage.sequence = sequence

    @api.model
    def _install_process_roles(self):
        """Map the stages that exist at installation and place our Resolved stage.

        helpdesk_mgmt's stages get the role they play, stages an admin created get
        the best guess from their flags (so no stage is left outside the process
        gates), and Resolved goes between Waiting and Closed. helpdesk_mgmt's Done
        stage stops sending its bare "ticket closed" email: the process closes with
        its own closure email (summary, follow-up plan) right before.
        """
        self._map_process_roles(HELPDESK_MGMT_STAGE_ROLES)
        resolved = self.env.ref("mindx_helpdesk_process.helpdesk_ticket_stage_resolved")
        self._place_after(resolved, "waiting")
        done = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_done", raise_if_not_found=False
        )
        template = self.env.ref(
            "helpdesk_mgmt.closed_ticket_template", raise_if_not_found=False
        )
        if done and template and done.mail_template_id == template:
            done.mail_template_id = False
        self._install_rating_templates()

    @api.model
    def _install_rating_templates(self):
        """The stages with the role Closed send no rating email of their own.

        The closure email asks for the rating (helpdesk_mgmt_rating's Rating
        Email Template on such a stage would be a second email, and is not sent
        anyway: helpdesk.ticket._send_ticket_rating_mail). The templates
        removed are remembered so that uninstalling gives them back
        (hooks.uninstall_hook).
        """
        stages = self.with_context(active_test=False).search(
            [("process_role", "=", "closed"), ("rating_mail_template_id", "!=", False)]
        )
        removed = {str(s.id): s.rating_mail_template_id.id for s in stages}
        if removed:
            params = self.env["ir.config_parameter"].sudo()
            params.set_param(RATING_TEMPLATES_PARAM, json.dumps(removed))
            stages.rating_mail_template_id = False
