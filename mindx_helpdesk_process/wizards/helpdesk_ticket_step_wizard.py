# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models import process_rules
from ..models.process_rules import INPUT_LABELS
from ..tools.numbers import check_whole_numbers

# Internal steps: the ticket fields each one asks for, and which are required.
STEP_FIELDS = process_rules.STEP_INPUTS
# the process's internal steps, labelled as the process labels them
INTERNAL_STEPS = [
    (code, label)
    for code, label in process_rules.STEP_SELECTION
    if process_rules.STEPS[code].kind == "internal"
]


class HelpdeskTicketStepWizard(models.TransientModel):
    """The dialog of every internal step: what the agent found or decided.

    Confirming stores the values on the ticket, posts them as an internal note
    (never emailed to the customer) and marks the step done; cancelling records
    nothing.
    """

    _name = "helpdesk.ticket.step.wizard"
    _description = "Helpdesk Ticket Process Step Wizard"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade"
    )
    step = fields.Selection(selection=INTERNAL_STEPS, required=True)
    # compute_sudo=False: read as the dialog's user (who may read the ticket,
    # checked at create), never as superuser
    class_of_service = fields.Selection(
        related="ticket_id.class_of_service", compute_sudo=False
    )
    cos_rationale = fields.Char(related="ticket_id.cos_rationale", compute_sudo=False)
    users_affected = fields.Integer(string=INPUT_LABELS["users_affected"])
    is_blocking = fields.Boolean(string=INPUT_LABELS["is_blocking"])
    assessment_note = fields.Text(string=INPUT_LABELS["assessment_note"])
    investigation_findings = fields.Text(string=INPUT_LABELS["investigation_findings"])
    investigation_scope = fields.Text(string=INPUT_LABELS["investigation_scope"])
    investigation_hypothesis = fields.Text(
        string=INPUT_LABELS["investigation_hypothesis"]
    )
    investigation_decision = fields.Text(string=INPUT_LABELS["investigation_decision"])
    workaround = fields.Text(string=INPUT_LABELS["workaround"])
    escalation_request = fields.Text(string=INPUT_LABELS["escalation_request"])
    escalation_links = fields.Text(string=INPUT_LABELS["escalation_links"])
    root_cause = fields.Text(string=INPUT_LABELS["root_cause"])
    resolution_summary = fields.Text(string=INPUT_LABELS["resolution_summary"])
    permanent_fix_plan = fields.Text(string=INPUT_LABELS["permanent_fix_plan"])
    verification_checklist = fields.Text(string=INPUT_LABELS["verification_checklist"])
    customer_confirmation = fields.Text(string=INPUT_LABELS["customer_confirmation"])
    lessons_learned = fields.Text(string=INPUT_LABELS["lessons_learned"])
    incident_pattern = fields.Text(string=INPUT_LABELS["incident_pattern"])
    kb_recommendation = fields.Text(string=INPUT_LABELS["kb_recommendation"])
    follow_up_plan = fields.Text(string=INPUT_LABELS["follow_up_plan"])

    @api.model_create_multi
    def create(self, vals_list):
        """A dialog only for a ticket its user may do the steps of: RPC clients
        create dialogs without the header buttons' checks."""
        for vals in vals_list:
            check_whole_numbers(self, vals, ["users_affected"])
        Ticket = self.env["helpdesk.ticket"]
        for vals in vals_list:
            ticket = Ticket.browse(vals.get("ticket_id") or [])
            step = vals.get("step") or self.env.context.get("default_step")
            if step:
                ticket._process_check_step(step)
            else:
                ticket._process_check_step_allowed()
        return super().create(vals_list)

    def write(self, vals):
        check_whole_numbers(self, vals, ["users_affected"])
        return super().write(vals)

    @api.model
    def default_get(self, fields_list):
        """Start from what the ticket already holds, so a step can be re-logged."""
        values = super().default_get(fields_list)
        ticket = self.env["helpdesk.ticket"].browse(values.get("ticket_id"))
        for fname in STEP_FIELDS.get(values.get("step"), {}):
            if fname in fields_list and ticket and fname not in values:
                values[fname] = ticket[fname]
        return values

    def action_confirm(self):
        self.ensure_one()
        self._check_required()
        ticket = self.ticket_id
        ticket.write({fname: self[fname] for fname in STEP_FIELDS[self.step]})
        message = ticket._process_log_note(self._note_body())
        if self.step == "escalate":
            message |= self._send_escalation()
        ticket._process_record_step(self.step, message[:1])
        return {"type": "ir.actions.act_window_close"}

    def _check_required(self):
        missing = [
            self._fields[fname].get_description(self.env)["string"]
            for fname, required in STEP_FIELDS[self.step].items()
            if required
            and not (
                self[fname].strip() if isinstance(self[fname], str) else self[fname]
            )
        ]
        if missing:
            raise UserError(
                self.env._(
                    "Please fill in before confirming: %(fields)s.",
                    fields=", ".join(missing),
                )
            )

    def _note_body(self):
        """The step's values as a structured note: a title, then one line a field."""
        label = dict(self._fields["step"]._description_selection(self.env))[self.step]
        lines = [
            Markup("<li><b>{}:</b> {}</li>").format(
                self._fields[fname].get_description(self.env)["string"],
                self._display_value(fname),
            )
            for fname in STEP_FIELDS[self.step]
            if self[fname] or isinstance(self[fname], bool)
        ]
        if self.step == "escalate" and self.ticket_id.team_id:
            lines.append(
                Markup("<li><b>{}:</b> {}</li>").format(
                    self.env._("Sent to"),
                    ", ".join(self.ticket_id.team_id._escalation_destinations()),
                )
            )
        if self.step == "assess":
            lines.insert(
                0,
                Markup("<li><b>{}:</b> {}</li>").format(
                    self.env._("Class of Service"), self.ticket_id.cos_rationale
                ),
            )
        return Markup("<p><b>{}</b></p><ul>{}</ul>").format(
            label, Markup("").join(lines)
        )

    def _display_value(self, fname):
        value = self[fname]
        if isinstance(value, bool):
            return self.env._("Yes") if value else self.env._("No")
        return value

    def _send_escalation(self):
        """Tell the Dev Team: email to the team's address, its channel, its
        webhook (Microsoft Teams, Slack, JSON), whichever are set.

        The webhook is posted by a scheduled action (helpdesk.escalation.delivery):
        the agent's step records it and returns without waiting for the network.
        """
        ticket, team = self.ticket_id, self.ticket_id.team_id
        # sudo: the webhook URL is the managers' secret; the agent escalates to it
        webhook_url = team.sudo().escalation_webhook_url
        if not (team.escalation_email or team.escalation_channel_id or webhook_url):
            raise UserError(
                self.env._(
                    "Team %(team)s has no escalation destination: set the Dev Team "
                    "email, channel or webhook in the team's settings (Helpdesk > "
                    "Configuration > Teams).",
                    team=team.display_name or self.env._("(no team)"),
                )
            )
        template = self.env.ref("mindx_helpdesk_process.mail_template_escalation")
        messages = self.env["mail.message"]
        partner = team._escalation_partner()
        if partner:
            messages |= ticket.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                partner_ids=partner.ids,
            )
        if team.escalation_channel_id:
            body = template._render_field("body_html", ticket.ids)[ticket.id]
            # sudo: the agent may not be a member of the Dev Team's channel
            team.escalation_channel_id.sudo().message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        if webhook_url:
            self.env["helpdesk.escalation.delivery"]._enqueue(ticket, team)
        return messages
