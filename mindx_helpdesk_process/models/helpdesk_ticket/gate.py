# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The stage gate: every move of a ticket, from any entry point, goes through
_check_process_move (the transitions are process_rules'); the process's record
is written by the process only (_check_process_record). See docs/PROCESS.md."""

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import ormcache

from ...exceptions import ProcessMoveRefused
from ...tools.numbers import check_whole_numbers
from .. import process_rules
from ..helpdesk_cos_policy import CLASSES_OF_SERVICE

# the module whose stored ticket fields are the process's record, unless people
# type them (process_rules.TICKET_USER_INPUTS)
MODULE = "mindx_helpdesk_process"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # blocking tickets first among tickets of the same priority (the class's stars)
    _order = "priority desc, is_blocking desc, sequence, number desc, id desc"
    # -- the process: when each step was done (first time; updates: last time) --
    process_role = fields.Selection(related="stage_id.process_role", store=True)
    received_date = fields.Datetime(
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
        help="When the request was received: the email's date for emailed "
        "requests, else the creation. SLA clocks start here.",
    )

    @api.depends("team_id")
    def _compute_stage_id(self):
        """A ticket sent to another team keeps its place in the process.

        helpdesk_mgmt puts a ticket in the new team's first stage when its stage
        is not one of the new team's: writing only the team reopened a closed or
        cancelled ticket, with no reason, no manager and no log, past the gate
        (which sees writes of stage_id). The ticket takes the new team's stage of
        the same process role instead; a change of role is a move, made with
        the stage through the gate.
        """
        no_team = self.env["helpdesk.ticket.team"]
        # team (or no team): its stages, asked once per team
        stages_of = {no_team: no_team._get_applicable_stages()}
        for team in self.team_id:
            stages_of[team] = team._get_applicable_stages()
        moving = self.filtered(
            lambda t: t.stage_id.process_role and t.stage_id not in stages_of[t.team_id]
        )
        for ticket in moving:
            role = ticket.stage_id.process_role
            same_role = stages_of[ticket.team_id].filtered(
                lambda s, role=role: s.process_role == role
            )
            if not same_role:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s cannot go to team %(team)s: that team "
                        "has no stage for %(role)s, where the ticket stands. Give "
                        "the team such a stage, or move the ticket first.",
                        ticket=ticket.display_name,
                        team=ticket.team_id.display_name,
                        role=ticket._process_role_label(role),
                    )
                )
            ticket.stage_id = same_role[:1]
        return super(HelpdeskTicket, self - moving)._compute_stage_id()

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("mindx_mail_new"):
            self = self.with_context(mindx_mail_new=False)  # see fields_get
        for vals in vals_list:
            self._check_process_vals(vals)
            self._stamp_cos_override(vals)
        self._prefill_team_stage(vals_list)
        tickets = super().create(vals_list)
        tickets._check_process_creation()
        tickets._sla_refresh_status()
        given = [
            t for t, vals in zip(tickets, vals_list, strict=True) if "priority" in vals
        ]
        self.browse([t.id for t in given])._flag_manual_priority()
        return tickets

    def _prefill_team_stage(self, vals_list):
        """Give new tickets their team's first stage, asked once per team.

        helpdesk_mgmt's create searches the team's stages for every ticket: a batch
        of 1,000 (an import, a busy mail gateway run) ran the same search 1,000
        times, a large share of the batch's time. The stage is the one it would pick.
        """
        first_stage = {}
        for vals in vals_list:
            team_id = vals.get("team_id")
            if team_id and "stage_id" not in vals:
                if team_id not in first_stage:
                    team = self.env["helpdesk.ticket.team"].browse(team_id)
                    first_stage[team_id] = team._get_applicable_stages()[:1].id
                vals["stage_id"] = first_stage[team_id]

    def write(self, vals):
        self._check_process_vals(vals)
        self._stamp_cos_override(vals)
        forced_from = {}
        old_roles = (
            {ticket: ticket.process_role for ticket in self}
            if "stage_id" in vals
            else {}
        )
        old_mains = (
            self._major_incident_snapshot(vals) if "major_incident_id" in vals else None
        )
        if "stage_id" in vals:
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            # a ticket sent to another team comes with that team's stage
            new_team = "team_id" in vals and self.env["helpdesk.ticket.team"].browse(
                vals["team_id"]
            )
            self._check_process_move(stage, team=new_team)
            if self.env.context.get("mindx_force_move"):
                forced_from = {ticket: ticket.stage_id for ticket in self}
        res = super().write(vals)
        if "stage_id" in vals:
            self._process_reset_reopened(old_roles)
            self._major_incident_release_reports()
            self._sla_on_stage_change(stage)
            self._sla_refresh_status()
            for ticket, old_stage in forced_from.items():
                ticket._process_log_move(
                    old_stage, stage, self._process_move_reason(), True
                )
        if "priority" in vals and "priority_manual" not in vals:
            self._flag_manual_priority()
        if old_mains is not None:
            self._log_major_incident_changes(old_mains)
        return res

    def action_process_move(self):
        """Reopen, cancel or (managers) force a move: a reason is asked first."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Move with a reason"),
            "res_model": "helpdesk.ticket.move.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_id": self.id,
            },
        }

    def action_correct_received_date(self):
        """A manager's logged correction of the received time (a phone report)."""
        self.ensure_one()
        self.env["helpdesk.ticket.received.wizard"]._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct received time"),
            "res_model": "helpdesk.ticket.received.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_id": self.id,
                "default_received_date": fields.Datetime.to_string(self.received_date),
            },
        }

    def _check_process_vals(self, vals):
        """Refuse, in words, what RPC clients can send and the form cannot.

        Values the ORM or PostgreSQL cannot store would fail with a traceback.
        """
        self._check_process_record(vals)
        self._check_major_incident_vals(vals)
        if vals.get("previous_ticket_id") and not self.env.su:
            # the link shows the other ticket's number and title to its readers
            self.browse(vals["previous_ticket_id"]).check_access("read")
        check_whole_numbers(self, vals, ["users_affected"])
        override = vals.get("cos_override")
        if override and not (
            isinstance(override, str) and override in dict(CLASSES_OF_SERVICE)
        ):
            raise ValidationError(
                self.env._(
                    "'Class override' must be one of %(classes)s, not %(value)r.",
                    classes=", ".join(code for code, _label in CLASSES_OF_SERVICE),
                    value=override,
                )
            )
        stage = vals.get("stage_id")
        if "stage_id" in vals and not (isinstance(stage, int) and stage > 0):
            raise ValidationError(
                self.env._(
                    "A ticket's stage must be a stage id, not %(value)r.", value=stage
                )
            )

    @api.model
    @ormcache()
    def _process_record_fields(self):
        """The stored fields of this addon that only the process writes.

        Derived from the declarations: every stored field this addon adds to (or
        redefines on) the ticket, less the ones people type. A new field is the
        process's until it is listed as a user input in process_rules.
        """
        return frozenset(
            fname
            for fname, field in self._fields.items()
            if field.store
            and MODULE in (field._modules or ())
            and fname not in process_rules.TICKET_USER_INPUTS
        )

    def _check_process_record(self, vals):
        """Only the process writes its record (process_rules: "Who writes what").

        `readonly` protects the form only: an RPC client, an import or a context
        default could write a step's time, erase a breach, silence the scan or
        restart the SLA clock. The process writes these as superuser code (the
        step dialogs and emails, the mail gateway, the scan), after checking the
        user's right to act.
        """
        if self.env.su:
            return
        written = set(vals)
        if not self:  # a creation: context defaults are written too
            written |= {
                key[len("default_") :]
                for key in self.env.context
                if key.startswith("default_")
            }
        written &= self._process_record_fields()
        if written:
            raise UserError(
                self.env._(
                    "%(fields)s: recorded by the support process, not written by "
                    "hand. Use the step buttons; to change the class, set 'Class "
                    "override' with a reason; to correct when a ticket was "
                    "received, a helpdesk manager uses 'Correct received time'.",
                    fields=", ".join(
                        sorted(
                            self._fields[fname].get_description(self.env)["string"]
                            for fname in written
                        )
                    ),
                )
            )

    @api.model
    def _process_install_existing(self):
        """Bring a helpdesk in use into the process (data file, at install only).

        Runs before the demo data, so that only the stages, companies and tickets
        that existed before installation are touched: stages get their roles,
        each company its default Class of Service policy, tickets their class.
        """
        self.env["helpdesk.ticket.stage"]._install_process_roles()
        companies = self.env["res.company"].with_context(active_test=False).search([])
        companies._cos_ensure_default_policy()
        self.with_context(active_test=False).search([])._cos_classify_existing()

    def _process_text(self, lazy_text):
        """A text of process_rules in the user's language."""
        return lazy_text._translate(self.env.lang or "en_US")

    def _process_reset_reopened(self, old_roles):
        """A ticket back from Resolved or Done to work does the fix and what
        follows again (process_rules.REOPENED_STEPS): with their times kept, the
        next step done would move it straight back, past the gates."""
        working = ("new", "in_progress", "waiting")
        reopened = self.filtered(
            lambda t: old_roles.get(t) in process_rules.REOPEN_FROM
            and t.process_role in working
        )
        if not reopened:
            return
        values = dict.fromkeys(
            (
                process_rules.STEPS[step].date_field
                for step in process_rules.REOPENED_STEPS
            ),
            False,
        )
        values.update(confirmation_suggestion=False, confirmation_reminder_date=False)
        # sudo: the steps' times are the process's record (_check_process_record)
        reopened.sudo().write(values)
        for ticket in reopened:
            ticket._process_log_note(
                self.env._(
                    "Reopened: the fix, the resolution email, the confirmation, the "
                    "closure and the final summary are to be done again (the step "
                    "log keeps their earlier times)."
                )
            )
        reopened._major_incident_reopen_reports()

    def _process_move_reason(self):
        """The reason given for the move being made (the move dialog's)."""
        return (self.env.context.get("mindx_move_reason") or "").strip()

    def _process_role_label(self, role):
        """A stage role in the user's language, as the stages' field labels it."""
        field = self.env["helpdesk.ticket.stage"]._fields["process_role"]
        return dict(field._description_selection(self.env))[role]

    def _is_process_manager(self):
        """A real helpdesk manager: not the superuser that crons and sudo run as."""
        return self.env.uid != SUPERUSER_ID and self.env.user.has_group(
            "helpdesk_mgmt.group_helpdesk_manager"
        )

    def _check_process_creation(self):
        """A ticket is born New: any other stage needs the steps of the way there."""
        for stage, tickets in self.grouped("stage_id").items():
            if stage.process_role not in ("new", False):
                tickets._check_process_move(stage, from_role="new")

    def _check_process_move(self, stage, from_role=None, team=False):
        """The one gate every stage change goes through (form, kanban, RPC, sudo).

        The context may carry `mindx_move_reason` (reopen, cancel) and
        `mindx_force_move`, honoured only for a real helpdesk manager. `team` is the
        ticket's new team when the same write changes it.
        """
        for ticket in self.filtered(
            lambda t: stage.company_id and stage.company_id != t.company_id
        ):
            # forced moves too: the ticket's own company could no longer read it
            raise UserError(
                self.env._(
                    "Cannot move %(ticket)s to %(stage)s: that stage belongs to "
                    "%(company)s, not to the ticket's company.",
                    ticket=ticket.display_name,
                    stage=stage.display_name,
                    company=stage.company_id.display_name,
                )
            )
        if self.env.context.get("mindx_force_move"):
            if not self._is_process_manager():
                raise UserError(
                    self.env._(
                        "Only helpdesk managers can force a stage move. Ask a "
                        "manager, or complete the missing steps."
                    )
                )
            if not self._process_move_reason():
                raise UserError(self.env._("Forcing a stage move needs a reason."))
            return
        errors = [
            error
            for ticket in self
            for error in [ticket._process_move_error(stage, from_role, team)]
            if error
        ]
        if len(errors) == 1 and len(self) == 1 and not from_role:
            # a ticket being moved (not created in a later stage: it would not
            # exist for the remedy's dialog once refused)
            raise ProcessMoveRefused(errors[0], *self._process_move_remedy(stage))
        if errors:
            raise UserError("\n".join(errors))

    def _process_move_remedy(self, stage):
        """(label, action) of what opens a refused move: the next step that fits
        where the ticket stands when steps are missing, the move dialog when a
        reason (or a manager's force) would do; (None, None) otherwise."""
        self.ensure_one()
        from_role = self.stage_id.process_role or "new"
        rule, missing = process_rules.missing_for_move(
            self, from_role, stage.process_role
        )
        try:
            if rule is not None and missing and self.process_next_step:
                step = self.process_next_step
                action = getattr(self, f"action_process_{step}")()
                label = self._process_step_label(step)
            elif (rule is not None and rule.reason) or self._is_process_manager():
                action = self.action_process_move()
                label = self.env._("Move with a reason")
            else:
                return None, None
        except (AccessError, UserError):
            return None, None  # the user may not do that either: the text says who
        # as the web client's button calls get them (web's clean_action)
        action.setdefault("views", [(False, "form")])
        return label, action

    def _process_log_move(self, old_stage, stage, reason, forced=False):
        """A move made with a reason, in the chatter: who moved the ticket from
        where to where, and why. Every forced move is logged, whatever made it
        (the move dialog, an import, an RPC client)."""
        values = {
            "old": old_stage.display_name,
            "new": stage.display_name,
            "user": self.env.user.name,
        }
        title = (
            self.env._("Forced move from %(old)s to %(new)s by %(user)s", **values)
            if forced
            else self.env._("Moved from %(old)s to %(new)s by %(user)s", **values)
        )
        return self._process_log_note(reason, title=title)

    def _process_move_error(self, stage, from_role=None, team=False):
        """Why this ticket may not move to `stage`, in words; None if it may."""
        self.ensure_one()
        team = team if team is not False else self.team_id
        values = {"ticket": self.display_name, "stage": stage.display_name}
        if stage.team_ids and team not in stage.team_ids:
            # the form only offers the team's stages; RPC clients may send any id
            return self.env._(
                "Cannot move %(ticket)s to %(stage)s: that stage belongs to "
                "%(teams)s, not to the ticket's team.",
                **values,
                teams=", ".join(stage.team_ids.mapped("display_name")),
            )
        from_role = from_role or self.stage_id.process_role or "new"
        rule, missing = process_rules.missing_for_move(
            self, from_role, stage.process_role
        )
        if rule is None:
            return self.env._(
                "Cannot move %(ticket)s to %(stage)s: the process does not go from "
                "%(from)s to %(to)s. A helpdesk manager can force the move with a "
                "reason.",
                **values,
                **{
                    "from": self._process_role_label(from_role),
                    "to": self._process_role_label(stage.process_role),
                },
            )
        if missing:
            return self.env._(
                "Cannot move %(ticket)s to %(stage)s: %(missing)s.",
                **values,
                missing="; ".join(
                    self._process_text(process_rules.CONDITIONS[code].missing)
                    for code in missing
                ),
            )
        return self._process_rule_error(rule, values)

    def _process_rule_error(self, rule, values):
        """What a move the process allows still needs: a manager, a reason."""
        # the mail gateway (sudo) reopens a closed ticket on the customer's reply
        customer_reopen = self.env.su and self.env.context.get("mindx_customer_reopen")
        if rule.manager and not self._is_process_manager() and not customer_reopen:
            return self.env._(
                "Cannot move %(ticket)s to %(stage)s: only a helpdesk manager may "
                "reopen a closed ticket.",
                **values,
            )
        if rule.reason and not self._process_move_reason():
            return self.env._(
                "Moving %(ticket)s to %(stage)s needs a reason: use the 'Move with "
                "a reason' button.",
                **values,
            )
        return None

    def _process_log_note(self, body, title=None):
        """An internal note: comment + mt_note, which a portal user cannot read even
        by id (a notification-type note can be); `title` in bold above `body`."""
        if title:
            body = Markup("<p><b>{}</b></p><p>{}</p>").format(title, body)
        return self.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note"
        )
