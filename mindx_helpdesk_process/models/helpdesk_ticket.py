# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .helpdesk_cos_policy import CLASSES_OF_SERVICE, MAX_USERS_AFFECTED


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"
    # blocking tickets first among tickets of the same priority (the class's stars)
    _order = "priority desc, is_blocking desc, sequence, number desc, id desc"

    users_affected = fields.Integer(
        default=1,
        tracking=True,
        help="How many people cannot work normally because of this issue, the "
        "requester included. It decides the Class of Service.",
    )
    is_blocking = fields.Boolean(
        string="Blocking work",
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
    cos_override_reason = fields.Text(string="Override reason", tracking=True)
    cos_override_user_id = fields.Many2one(
        comodel_name="res.users", string="Overridden by", readonly=True, copy=False
    )
    cos_rationale = fields.Char(
        string="Class rationale", compute="_compute_cos_rationale"
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
        copy=False,
        help="An agent chose the stars; they no longer follow the class.",
    )

    @api.depends("team_id", "company_id")
    def _compute_cos_policy_id(self):
        policy_by_ticket = self.env["helpdesk.cos.policy"]._policy_by_ticket(self)
        for ticket in self:
            ticket.cos_policy_id = policy_by_ticket[ticket]

    @api.depends("users_affected", "is_blocking", "cos_override", "cos_policy_id")
    def _compute_class_of_service(self):
        for ticket in self:
            policy = ticket.cos_policy_id
            auto, raised = (
                policy._classify(ticket.users_affected, ticket.is_blocking)
                if policy
                else ("standard", False)
            )
            ticket.class_of_service = ticket.cos_override or auto
            ticket.cos_blocking_raised = raised and not ticket.cos_override

    @api.depends(
        "users_affected",
        "is_blocking",
        "class_of_service",
        "cos_override",
        "cos_override_reason",
        "cos_override_user_id",
        "cos_policy_id",
    )
    @api.depends_context("lang")
    def _compute_cos_rationale(self):
        labels = dict(self._fields["class_of_service"]._description_selection(self.env))
        for ticket in self:
            ticket.cos_rationale = ticket._cos_rationale_text(labels)

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
        for ticket in self:
            if not 1 <= ticket.users_affected <= MAX_USERS_AFFECTED:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s: 'Users affected' must be between 1 and "
                        "%(max)s, not %(value)s. Count the people who cannot work "
                        "normally because of this issue, the requester included.",
                        ticket=ticket.display_name,
                        max=f"{MAX_USERS_AFFECTED:,}",
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._stamp_cos_override(vals)
        tickets = super().create(vals_list)
        given = [
            t for t, vals in zip(tickets, vals_list, strict=True) if "priority" in vals
        ]
        self.browse([t.id for t in given])._flag_manual_priority()
        return tickets

    def write(self, vals):
        self._stamp_cos_override(vals)
        res = super().write(vals)
        if "priority" in vals and "priority_manual" not in vals:
            self._flag_manual_priority()
        return res

    def _stamp_cos_override(self, vals):
        """Record who overrode the class: the user writing, not whoever flushes."""
        if "cos_override" in vals and "cos_override_user_id" not in vals:
            vals["cos_override_user_id"] = vals["cos_override"] and self.env.uid

    def action_cos_follow_class(self):
        """Let the stars follow the class again after a manual priority."""
        self.priority_manual = False
        self._recompute_class_of_service()

    def _flag_manual_priority(self):
        """Remember stars chosen by hand: those that differ from the class's."""
        chosen = self.filtered(
            lambda t: not t.priority_manual
            and t.class_of_service
            and t.priority != t.cos_policy_id._priority_for(t.class_of_service)
        )
        if chosen:
            chosen.write({"priority_manual": True})

    def _recompute_class_of_service(self):
        """Queue policy, class and priority of these tickets for recomputation."""
        for fname in ("cos_policy_id", "class_of_service", "cos_blocking_raised"):
            self.env.add_to_compute(self._fields[fname], self)
        self.env.add_to_compute(self._fields["priority"], self)

    def _cos_classify_existing(self):
        """Classify tickets created before installation, in one batch.

        Their stars were chosen before the class existed: they are kept, and marked
        as set by hand where they differ from what the class would give.
        """
        for fname in ("cos_policy_id", "class_of_service", "cos_blocking_raised"):
            self.env.add_to_compute(self._fields[fname], self)
        self._flag_manual_priority()

    def _cos_rationale_text(self, labels):
        self.ensure_one()
        if self.cos_override:
            return self.env._(
                "Overridden to %(cls)s by %(user)s: %(reason)s",
                cls=labels[self.cos_override],
                user=self.cos_override_user_id.name or self.env._("someone"),
                reason=(self.cos_override_reason or "").strip(),
            )
        if not self.cos_policy_id or not self.class_of_service:
            return False
        count = self.users_affected
        unit = (
            self.env._("user affected") if count == 1 else self.env._("users affected")
        )
        base_class = self.cos_policy_id._classify(count, False)[0]
        text = self.env._(
            "%(count)s %(unit)s (%(cls)s: %(range)s)",
            count=count,
            unit=unit,
            cls=labels[base_class],
            range=self.cos_policy_id._range_label(base_class),
        )
        if self.cos_blocking_raised:
            return self.env._(
                "%(text)s, blocking work raises it to %(cls)s",
                text=text,
                cls=labels[self.class_of_service],
            )
        if self.is_blocking:
            return self.env._("%(text)s, blocking work", text=text)
        return text
