# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Major incidents: several reports of one problem linked to one main ticket,
whose class reflects the whole impact (the users affected of every report).

A report is linked by writing its `major_incident_id` (the form, the list's
"Link to major incident" action); one level only, same company; unlinking needs
a reason and is logged on both tickets (docs/PROCESS.md ▸ Major incidents)."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import clean_context

from .. import process_rules
from ..process_rules import INCIDENT_SHARED_INPUTS, REPORT_OWN_STEPS, STEPS


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    major_incident_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Part of major incident",
        index="btree_not_null",
        copy=False,
        tracking=True,
        ondelete="set null",
        domain="[('id', '!=', id), ('major_incident_id', '=', False), "
        "('company_id', '=', company_id)]",
        help="The main ticket of the major incident this report belongs to: the "
        "agent works the main ticket, whose class counts every report's users.",
    )
    major_incident_number = fields.Char(
        string="Major incident number", related="major_incident_id.number"
    )
    major_incident_ticket_ids = fields.One2many(
        comodel_name="helpdesk.ticket",
        inverse_name="major_incident_id",
        string="Linked reports",
        readonly=True,
    )
    major_incident_report_count = fields.Integer(
        string="Linked reports count", compute="_compute_major_incident_report_count"
    )
    # the whole impact the class is computed from: this ticket and its reports
    incident_users_affected = fields.Integer(
        string="Users affected (whole incident)",
        compute="_compute_incident_impact",
        store=True,
    )
    incident_is_blocking = fields.Boolean(
        string="Blocking work (whole incident)",
        compute="_compute_incident_impact",
        store=True,
    )

    @api.depends("major_incident_ticket_ids")
    def _compute_major_incident_report_count(self):
        for ticket in self:
            ticket.major_incident_report_count = len(ticket.major_incident_ticket_ids)

    @api.depends(
        "users_affected",
        "is_blocking",
        "partner_id",
        "major_incident_ticket_ids.users_affected",
        "major_incident_ticket_ids.is_blocking",
    )
    def _compute_incident_impact(self):
        for ticket in self:
            reports = ticket.major_incident_ticket_ids
            own = ticket.users_affected if ticket._incident_counts_itself() else 0
            ticket.incident_users_affected = own + sum(reports.mapped("users_affected"))
            ticket.incident_is_blocking = ticket.is_blocking or any(
                reports.mapped("is_blocking")
            )

    def _incident_counts_itself(self):
        """Whether the ticket is one of the incident's reports: yes unless it is a
        main ticket the team opened for the incident, without a customer of its
        own (its users are its reports')."""
        return bool(self.partner_id or not self.major_incident_ticket_ids)

    def _incident_report_total(self):
        """How many customers' reports the incident has, this ticket included
        when it is one."""
        return len(self.major_incident_ticket_ids) + int(self._incident_counts_itself())

    @api.constrains("major_incident_id", "company_id")
    def _check_major_incident(self):
        """One level, no self-link, one company: each refused in words."""
        for ticket in self.filtered("major_incident_id"):
            main = ticket.major_incident_id
            values = {
                "ticket": ticket.display_name,
                "main": main.sudo().display_name,
            }
            if main == ticket:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s cannot be linked to itself: choose the "
                        "main ticket of the major incident.",
                        **values,
                    )
                )
            if main.major_incident_id:
                raise ValidationError(
                    self.env._(
                        "Ticket %(main)s is itself a report of another major "
                        "incident: link %(ticket)s to that incident's main ticket.",
                        **values,
                    )
                )
            if ticket.major_incident_ticket_ids:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s is the main ticket of a major incident: "
                        "unlink its reports first, or link them to %(main)s.",
                        **values,
                    )
                )
            if main.company_id != ticket.company_id:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s cannot be part of %(main)s: a major "
                        "incident's reports belong to its company.",
                        **values,
                    )
                )

    def _check_major_incident_vals(self, vals):
        """A link names a ticket the user may read; an unlink needs a reason."""
        if "major_incident_id" not in vals or self.env.su:
            return
        if vals["major_incident_id"]:
            main = self.browse(vals["major_incident_id"])
            main.check_access("read")
            if main.process_role in ("closed", "cancelled"):
                raise UserError(
                    self.env._(
                        "Ticket %(main)s is %(stage)s: a new report cannot join its "
                        "major incident. Work on the report on its own, or link it "
                        "to an open main ticket.",
                        main=main.display_name,
                        stage=main.stage_id.display_name,
                    )
                )
        elif self.filtered("major_incident_id") and not self._incident_unlink_reason():
            raise UserError(
                self.env._(
                    "Unlinking a report from its major incident needs a reason: "
                    "use the 'Unlink from the major incident' button."
                )
            )

    def _incident_unlink_reason(self):
        return (self.env.context.get("mindx_unlink_reason") or "").strip()

    def _major_incident_snapshot(self, vals):
        """Before a link or an unlink: each report's main ticket, and the class
        of every main ticket concerned (their class changes with their reports,
        which tracking does not see: they are not the records written)."""
        mains = self.major_incident_id | self.browse(vals["major_incident_id"] or [])
        return {
            "mains": {ticket: ticket.major_incident_id for ticket in self},
            "classes": {main: main.class_of_service for main in mains},
        }

    def _log_major_incident_changes(self, snapshot):
        """Linking and unlinking, logged on the report and on the main ticket,
        with the main tickets' new class."""
        reason = self._incident_unlink_reason()
        self._log_major_incident_links(snapshot["mains"], reason)
        labels = dict(self._fields["class_of_service"]._description_selection(self.env))
        for main, before in snapshot["classes"].items():
            if main.class_of_service != before:
                main._process_log_note(
                    self.env._(
                        "Class of service %(old)s → %(new)s: %(rationale)s.",
                        old=labels.get(before, "–"),
                        new=labels.get(main.class_of_service, "–"),
                        rationale=main.cos_rationale or "",
                    )
                )

    def _log_major_incident_links(self, old_mains, reason):
        for ticket in self:
            old, new = old_mains[ticket], ticket.major_incident_id
            if old == new:
                continue
            if new:
                new._major_incident_catch_up(ticket)
                ticket._process_log_note(
                    self.env._(
                        "Linked to major incident %(main)s by %(user)s.",
                        main=new.display_name,
                        user=self.env.user.name,
                    )
                )
                new._process_log_note(
                    self.env._(
                        "Report %(ticket)s linked by %(user)s: %(count)s users "
                        "affected in all.",
                        ticket=ticket.display_name,
                        user=self.env.user.name,
                        count=new.incident_users_affected,
                    )
                )
            if old:
                title = self.env._(
                    "%(ticket)s unlinked from major incident %(main)s by %(user)s",
                    ticket=ticket.display_name,
                    main=old.display_name,
                    user=self.env.user.name,
                )
                body = reason or self.env._("(no reason: the process's own change)")
                ticket._process_log_note(body, title=title)
                old._process_log_note(body, title=title)

    def action_major_incident_unlink(self):
        """Ask the reason for unlinking this report (logged on both tickets)."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Unlink from the major incident"),
            "res_model": "helpdesk.ticket.incident.link.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_ticket_ids": self.ids,
                "default_mode": "unlink",
            },
        }

    # -- one process for every report: the main ticket's steps, fanned out --

    def _major_incident_check_report_step(self, step):
        """A report of a major incident is worked through its main ticket: only
        its customer's confirmation is its own (process_rules.REPORT_OWN_STEPS)."""
        linked = self.filtered("major_incident_id")[:1]
        if linked and step not in REPORT_OWN_STEPS:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s is part of major incident %(main)s: do "
                    "'%(step)s' on the main ticket (it reaches this report's "
                    "customer too), or unlink the report to work on it on its own.",
                    ticket=linked.display_name,
                    main=linked.major_incident_id.sudo().display_name,
                    step=self._process_step_label(step),
                )
            )

    def _major_incident_fan_out(self, step, message=None, promise=None):
        """A step just done on a main ticket, done for each of its reports."""
        if step in REPORT_OWN_STEPS:
            return
        for main in self.filtered("major_incident_ticket_ids"):
            main._major_incident_mirror(
                main.major_incident_ticket_ids,
                [step],
                message,
                promise,
                date=main[STEPS[step].date_field],
            )

    def _major_incident_catch_up(self, report):
        """A report linked after some steps: the steps done on this main ticket
        are done for it, and its customer gets the latest customer email (the
        one that says where the incident stands now)."""
        self.ensure_one()
        done = [
            step
            for step, spec in STEPS.items()
            if step not in REPORT_OWN_STEPS
            and self[spec.date_field]
            and not report[spec.date_field]
        ]
        if done:
            # the next update promised to everyone, unless it is overdue already
            promise = self.sla_update_promised
            if not promise or promise <= fields.Datetime.now():
                promise = None
            self._major_incident_mirror(report, done, None, promise)

    def _major_incident_mirror(self, reports, steps, message, promise, date=None):
        """Do `steps` (in the process's order) for `reports`, as done on this main
        ticket at `date` (else now): its findings copied to them, the last
        customer step's email sent to each report's customer in their language,
        on their own thread (their reply comes back to their report), each step
        logged "via" this ticket. A report where the first step does not fit
        (cancelled, closed, or without an email address for a customer step) is
        named in a note here.

        As superuser, for the agent (who stays the author): the agent works the
        main ticket, the reports may be in colleagues' hands.
        """
        self.ensure_one()
        # the agent's composer context (default_*) must not reach the reports'
        # (replaced, not updated: with_context would keep those keys)
        reports = reports.sudo()
        reports = reports.with_env(reports.env(context=clean_context(self.env.context)))
        reports.write({fname: self[fname] for fname in INCIDENT_SHARED_INPUTS})
        emailed = [step for step in steps if STEPS[step].kind == "customer"][-1:]
        left_out = {}
        for report in reports:
            fitting = process_rules.STEPS_BY_ROLE[report.process_role or "new"]
            if steps[0] not in fitting:
                left_out[report] = report.stage_id.display_name
                continue
            email = emailed and report._major_incident_send(emailed[0], promise)
            if emailed and not email:
                left_out[report] = self.env._("no customer email address")
                continue
            for step in steps:
                report._process_write_step(
                    step,
                    email if STEPS[step].kind == "customer" else message,
                    promise,
                    via=self,
                    date=date,
                )
        if left_out:
            self._major_incident_note_left_out(steps, left_out)

    def _major_incident_reopen_reports(self):
        """A reopened main ticket takes back its Resolved reports: the fix is
        to be done again for them too (their confirmation too, as for any
        reopened ticket). Closed reports stay closed: their customer confirmed
        the fix and was told it is closed (their reply reopens their own ticket
        if the issue comes back for them)."""
        for main in self.filtered("major_incident_ticket_ids"):
            waiting = main.major_incident_ticket_ids.filtered(
                lambda r: r.process_role == "resolved"
            )
            reason = self.env._(
                "Reopened with major incident %(main)s: %(reason)s",
                main=main.display_name,
                reason=self._process_move_reason(),
            )
            for report in waiting.sudo().with_context(mindx_move_reason=reason):
                stage = report._process_stage_for_role(main.process_role)
                if stage:
                    old_stage = report.stage_id
                    report.write({"stage_id": stage.id})
                    report._process_log_move(old_stage, stage, reason)

    def _major_incident_release_reports(self):
        """A cancelled main ticket (a duplicate, a mistake) lets its reports go:
        each is unlinked, with the reason logged, and worked on its own."""
        for main in self.filtered(
            lambda t: t.process_role == "cancelled" and t.major_incident_ticket_ids
        ):
            reason = self.env._(
                "Main ticket %(main)s cancelled: %(reason)s",
                main=main.display_name,
                reason=self._process_move_reason(),
            )
            main.major_incident_ticket_ids.sudo().with_context(
                mindx_unlink_reason=reason
            ).write({"major_incident_id": False})

    def _major_incident_send(self, step, promise):
        """The customer email of `step` to this report's customer (the step's
        template, in their language, on this report's thread); None without an
        email address to send it to."""
        self.ensure_one()
        if not self.partner_id.email:
            return None
        template = self.env.ref(process_rules.TEMPLATE_BY_STEP[step])
        ticket = self
        if promise:
            ticket = self.with_context(
                mindx_update_promise=fields.Datetime.to_string(promise)
            )
        return ticket.message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )

    def _major_incident_note_left_out(self, steps, left_out):
        labels = ", ".join(self._process_step_label(step) for step in steps)
        lines = [
            self.env._(
                "%(ticket)s: not done (%(why)s)", ticket=report.display_name, why=why
            )
            for report, why in left_out.items()
        ]
        self._process_log_note(
            "; ".join(lines),
            title=self.env._(
                "%(steps)s not done for these reports of the major incident",
                steps=labels,
            ),
        )
