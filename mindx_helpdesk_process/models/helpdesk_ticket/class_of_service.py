# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Class of Service: users affected and blocking work give the class (the
policy's thresholds), in words (the rationale); an override with a reason wins;
the stars follow the class until an agent picks others."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import sla_rules
from ..helpdesk_cos_policy import CLASSES_OF_SERVICE, MAX_USERS_AFFECTED
from ..process_rules import AGENTS, INPUT_LABELS


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    users_affected = fields.Integer(
        string=INPUT_LABELS["users_affected"],
        default=1,
        tracking=True,
        help="How many people cannot work normally because of this issue, the "
        "requester included. It decides the Class of Service.",
    )
    is_blocking = fields.Boolean(
        string=INPUT_LABELS["is_blocking"],
        tracking=True,
        help="The affected users cannot do their job right now (e.g. a class in "
        "progress cannot submit assignments). Blocking tickets come first within "
        "their class.",
    )
    cos_policy_id = fields.Many2one(
        comodel_name="helpdesk.cos.policy",
        string="Class of Service policy",
        compute="_compute_cos_policy_id",
        store=True,
        readonly=True,
    )
    class_of_service = fields.Selection(
        selection=CLASSES_OF_SERVICE,
        compute="_compute_class_of_service",
        store=True,
        index=True,
        tracking=True,
    )
    cos_blocking_raised = fields.Boolean(
        compute="_compute_class_of_service",
        store=True,
        help="The class was raised one level because the ticket blocks work.",
    )
    cos_override = fields.Selection(
        selection=CLASSES_OF_SERVICE,
        string="Class override",
        tracking=True,
        help="Set only to overrule the automatic class; a reason is required.",
    )
    cos_override_reason = fields.Text(
        string="Override reason", tracking=True, groups=AGENTS
    )
    cos_override_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Overridden by",
        readonly=True,
        copy=False,
        groups=AGENTS,
    )
    # compute_sudo: the class in words is the customer's to read (portal, emails)
    # and the employee's who asked; the policy behind it is the helpdesk's
    cos_rationale = fields.Char(
        string="Class rationale", compute="_compute_cos_rationale", compute_sudo=True
    )
    cos_label = fields.Char(
        string="Class of Service name",
        compute="_compute_cos_rationale",
        compute_sudo=True,
    )
    # Stars follow the class until an agent picks other stars by hand.
    priority = fields.Selection(
        default=None,
        compute="_compute_priority",
        store=True,
        readonly=False,
    )
    priority_manual = fields.Boolean(
        string="Priority set by hand",
        readonly=True,
        copy=False,
        help="An agent chose the stars; they no longer follow the class.",
    )

    @api.depends("team_id", "company_id")
    def _compute_cos_policy_id(self):
        policy_by_ticket = self.env["helpdesk.cos.policy"]._policy_by_ticket(self)
        for ticket in self:
            ticket.cos_policy_id = policy_by_ticket[ticket]

    @api.depends(
        "incident_users_affected",
        "incident_is_blocking",
        "cos_override",
        "cos_policy_id",
    )
    def _compute_class_of_service(self):
        """From the whole impact: the ticket's users, and on a major incident's
        main ticket those of every linked report (major_incident.py)."""
        for ticket in self:
            policy = ticket.cos_policy_id
            auto, raised = (
                policy._classify(
                    ticket.incident_users_affected, ticket.incident_is_blocking
                )
                if policy
                else ("standard", False)
            )
            ticket.class_of_service = ticket.cos_override or auto
            ticket.cos_blocking_raised = raised and not ticket.cos_override

    @api.depends(
        "incident_users_affected",
        "incident_is_blocking",
        "major_incident_ticket_ids",
        "class_of_service",
        "cos_override",
        "cos_policy_id",
    )
    @api.depends_context("lang")
    def _compute_cos_rationale(self):
        labels = dict(self._fields["class_of_service"]._description_selection(self.env))
        for ticket in self:
            ticket.cos_rationale = ticket._cos_rationale_text(labels)
            ticket.cos_label = labels.get(ticket.class_of_service, False)

    @api.depends("class_of_service", "cos_policy_id")
    def _compute_priority(self):
        for ticket in self:
            if ticket.priority_manual and ticket.priority:
                ticket.priority = ticket.priority
            elif ticket.class_of_service:
                ticket.priority = ticket.cos_policy_id._priority_for(
                    ticket.class_of_service
                )
            else:
                ticket.priority = ticket.priority or "1"

    @api.constrains("users_affected")
    def _check_users_affected(self):
        max_users = f"{MAX_USERS_AFFECTED:,}"
        for ticket in self:
            if not 1 <= ticket.users_affected <= MAX_USERS_AFFECTED:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s: 'Users affected' must be between 1 and "
                        "%(max)s, not %(value)s. Count the people who cannot work "
                        "normally because of this issue, the requester included.",
                        ticket=ticket.display_name,
                        max=max_users,
                        value=ticket.users_affected,
                    )
                )

    @api.constrains("cos_override", "cos_override_reason")
    def _check_cos_override_reason(self):
        for ticket in self:
            if ticket.cos_override and not (ticket.cos_override_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s: overriding the Class of Service needs a "
                        "reason. Write why in 'Override reason', or clear the "
                        "override to go back to the automatic class.",
                        ticket=ticket.display_name,
                    )
                )

    @api.onchange("cos_override")
    def _onchange_cos_override(self):
        if not self.cos_override:
            self.cos_override_reason = False

    def _stamp_cos_override(self, vals):
        """Record who overrode the class: the user writing, stamped here (the
        client never says who signed; _check_process_record refuses it)."""
        if "cos_override" in vals:
            vals["cos_override_user_id"] = vals["cos_override"] and self.env.uid

    def action_cos_follow_class(self):
        """Let the stars follow the class again after a manual priority."""
        self.check_access("write")
        # sudo: the flag is the process's record (_check_process_record)
        self.sudo().priority_manual = False
        self._recompute_class_of_service()

    def _flag_manual_priority(self):
        """Remember stars chosen by hand: those that differ from the class's."""
        chosen = self.filtered(
            lambda t: not t.priority_manual
            and t.class_of_service
            and t.priority != t.cos_policy_id._priority_for(t.class_of_service)
        )
        if chosen:
            # sudo: the flag is the process's record (_check_process_record)
            chosen.sudo().write({"priority_manual": True})

    def _recompute_class_of_service(self):
        """Queue policy, class, priority and deadlines of these tickets."""
        for fname in (
            "cos_policy_id",
            "class_of_service",
            "cos_blocking_raised",
            "priority",
            *sla_rules.DEADLINE_FIELDS,
        ):
            self.env.add_to_compute(self._fields[fname], self)

    def _cos_classify_existing(self):
        """Classify tickets created before installation, in one batch.

        Their stars were chosen before the class existed: they are kept, and marked
        as set by hand where they differ from what the class would give.
        """
        for fname in ("cos_policy_id", "class_of_service", "cos_blocking_raised"):
            self.env.add_to_compute(self._fields[fname], self)
        self._flag_manual_priority()
        # the column was just filled with "now": they were received when created
        self.flush_recordset(["received_date"])
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET received_date = create_date WHERE id IN %s",
            [tuple(self.ids) or (0,)],
        )
        self.invalidate_recordset(["received_date"])
        # and what counts from there (SLA deadlines, phases) is computed from it
        self.modified(["received_date"])
        self._sla_mark_passed_before_install()

    def _cos_rationale_text(self, labels):
        """The class in words, as the customer may read it (portal, ACK email).

        An override names the class the team chose and the automatic reason; the
        agent's own justification (cos_override_reason) stays internal.
        """
        self.ensure_one()
        automatic = False
        if self.class_of_service and self.cos_policy_id:
            automatic = self.cos_policy_id._rationale(
                self.incident_users_affected,
                self.incident_is_blocking,
                labels,
                reports=self._incident_report_total(),
            )
        if self.cos_override:
            return self.env._(
                "%(cls)s, set by the support team (automatically: %(auto)s)",
                cls=labels[self.cos_override],
                auto=automatic or self.env._("not classified"),
            )
        return automatic
