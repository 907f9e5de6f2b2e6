# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import (
    create_index,
    email_normalize,
    format_datetime,
    html2plaintext,
    ormcache,
)

from odoo.addons.base.models.res_partner import _lang_get

from . import process_rules, sla_rules
from .helpdesk_cos_policy import (
    CLASSES_OF_SERVICE,
    MAX_USERS_AFFECTED,
    check_whole_numbers,
)
from .helpdesk_cos_policy_line import WorkingClock

# "users affected: 15", "15 users", "15 học viên" (students), "15 người dùng"
USERS_AFFECTED_PATTERNS = [
    r"(?:users? affected|affected users?|số người bị ảnh hưởng)\s*[:=]?\s*(\d{1,6})",
    r"(\d{1,6})\s*(?:users|students|học viên|học sinh|người dùng|sinh viên)\b",
]
# how much earlier than its arrival an email's Date may be (the customer's Send)
EMAIL_DATE_TOLERANCE = timedelta(minutes=5)
# an email's hint above this is not trusted (the field itself allows more)
MAX_SUGGESTED_USERS = 10_000

CHECK_ICONS = {
    "done": Markup('<i class="fa fa-check-circle text-success" title="Done"/>'),
    "skipped": Markup('<i class="fa fa-minus-circle text-muted" title="Not needed"/>'),
    "todo": Markup('<i class="fa fa-circle-o text-muted" title="To do"/>'),
}

# the process's internal notes: agents only (customers read their own tickets)
AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"
# the module whose stored ticket fields are the process's record, unless people
# type them (process_rules.TICKET_USER_INPUTS)
MODULE = "mindx_helpdesk_process"
SLA_DEADLINE_FIELDS = (
    "sla_ack_deadline",
    "sla_update_deadline",
    "sla_escalation_deadline",
    "sla_resolve_deadline",
    "sla_next_deadline",
    "sla_next_kind",
    "sla_at_risk_date",
)
# "due soon" on the cards, lists and their filter: the next deadline within this
SLA_DUE_SOON = timedelta(hours=1)


def text_as_html(text):
    """Text (a customer's words) as HTML that shows it as written: escaped, line
    breaks kept, no link made clickable (plaintext2html would)."""
    return Markup("<p>{}</p>").format(Markup("<br/>").join(str(text).splitlines()))


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"
    # blocking tickets first among tickets of the same priority (the class's stars)
    _order = "priority desc, is_blocking desc, sequence, number desc, id desc"

    users_affected = fields.Integer(
        string="Users affected",
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
    # -- the process: when each step was done (first time; updates: last time) --
    process_role = fields.Selection(related="stage_id.process_role", store=True)
    received_date = fields.Datetime(
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
        help="When the request was received: the email's date for emailed "
        "requests, else the creation. SLA clocks start here.",
    )
    assessment_date = fields.Datetime(string="Assessed on", readonly=True, copy=False)
    ack_date = fields.Datetime(string="ACK sent on", readonly=True, copy=False)
    investigation_date = fields.Datetime(
        string="Investigation logged on", readonly=True, copy=False
    )
    escalation_date = fields.Datetime(string="Escalated on", readonly=True, copy=False)
    last_update_date = fields.Datetime(
        string="Customer last updated on",
        readonly=True,
        copy=False,
        help="Last customer-facing email of the process: ACK, update, resolution "
        "or closure.",
    )
    dev_response_date = fields.Datetime(
        string="Fix logged on", readonly=True, copy=False
    )
    resolution_date = fields.Datetime(
        string="Resolution sent on", readonly=True, copy=False
    )
    confirmation_date = fields.Datetime(
        string="Confirmed on", readonly=True, copy=False
    )
    closure_date = fields.Datetime(string="Closure sent on", readonly=True, copy=False)
    summary_date = fields.Datetime(
        string="Summary logged on", readonly=True, copy=False
    )
    process_step_ids = fields.One2many(
        comodel_name="helpdesk.ticket.step",
        inverse_name="ticket_id",
        string="Process steps",
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    process_next_step = fields.Selection(
        selection=process_rules.STEP_SELECTION,
        string="Next step",
        compute="_compute_process_next_step",
    )
    process_checklist_html = fields.Html(
        string="Process checklist",
        compute="_compute_process_checklist_html",
        # compute_sudo: whoever reads the ticket sees its checklist (the form of an
        # employee's own request), not the step log behind it
        compute_sudo=True,
        sanitize=False,
    )
    process_resolution_minutes = fields.Integer(
        string="Resolution time (minutes)",
        compute="_compute_process_phases",
        store=True,
        aggregator="avg",
        help="From receipt to the resolution email.",
    )
    # the report's "total resolution time by phase", from the steps' own times
    phase_ack_minutes = fields.Integer(
        string="ACK phase (minutes)",
        compute="_compute_process_phases",
        store=True,
        aggregator="avg",
        help="From receipt to the ACK email.",
    )
    phase_investigation_minutes = fields.Integer(
        string="Investigation phase (minutes)",
        compute="_compute_process_phases",
        store=True,
        aggregator="avg",
        help="From the ACK to the logged investigation.",
    )
    phase_escalation_minutes = fields.Integer(
        string="Escalation phase (minutes)",
        compute="_compute_process_phases",
        store=True,
        aggregator="avg",
        help="From the investigation to the escalation.",
    )
    phase_dev_fix_minutes = fields.Integer(
        string="Fix phase (minutes)",
        compute="_compute_process_phases",
        store=True,
        aggregator="avg",
        help="From the escalation (or the investigation) to the logged fix.",
    )
    phase_verification_minutes = fields.Integer(
        string="Verification phase (minutes)",
        compute="_compute_process_phases",
        store=True,
        aggregator="avg",
        help="From the resolution email to the customer's confirmation.",
    )
    process_portal_status = fields.Char(
        string="Where your request stands",
        compute="_compute_process_portal_status",
        help="The current step in plain words, as the customer sees it.",
    )
    next_update_due = fields.Datetime(
        compute="_compute_next_update_due",
        # compute_sudo: promised to the customer; read from the policy's cadence
        compute_sudo=True,
        help="When the customer expects the next update, from the class's update "
        "cadence.",
    )
    # -- SLA: deadlines (recomputed on events), status (also moved by the cron) --
    sla_ack_deadline = fields.Datetime(
        string="ACK due", compute="_compute_sla_deadlines", store=True, index=True
    )
    sla_update_deadline = fields.Datetime(
        string="Next update due",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
    )
    sla_escalation_deadline = fields.Datetime(
        string="Escalation due",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
    )
    sla_resolve_deadline = fields.Datetime(
        string="Resolution due",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
    )
    sla_next_deadline = fields.Datetime(
        string="Next SLA deadline",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
        help="The earliest deadline still pending: the breach scan looks here.",
    )
    sla_next_kind = fields.Selection(
        selection=sla_rules.KIND_SELECTION,
        string="Next deadline for",
        compute="_compute_sla_deadlines",
        store=True,
        help="What the next SLA deadline is for (ACK, update, escalation, "
        "resolution): the countdown on cards and lists names it.",
    )
    sla_due_soon = fields.Boolean(
        string="Due soon or overdue",
        compute="_compute_sla_due_soon",
        search="_search_sla_due_soon",
        help="The next SLA deadline is within the hour, or passed.",
    )
    sla_at_risk_date = fields.Datetime(
        string="At risk from",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
    )
    sla_status = fields.Selection(
        selection=[
            ("on_track", "On track"),
            ("at_risk", "At risk"),
            ("breached", "Breached"),
            ("met", "Met"),
        ],
        string="SLA",
        default="on_track",
        index=True,
        readonly=True,
        copy=False,
    )
    sla_breached = fields.Boolean(string="SLA breached", readonly=True, copy=False)
    # kinds already flagged: the scan no longer looks at their deadline
    sla_ack_flagged = fields.Boolean(readonly=True, copy=False)
    sla_escalation_flagged = fields.Boolean(readonly=True, copy=False)
    sla_resolve_flagged = fields.Boolean(readonly=True, copy=False)
    sla_update_missed = fields.Integer(
        string="Updates missed in a row",
        readonly=True,
        copy=False,
        help="Update deadlines flagged since the last customer update; the next "
        "one is due one cadence after the last missed one.",
    )
    sla_update_promised = fields.Datetime(
        string="Next update promised",
        readonly=True,
        copy=False,
        help="The next update the last ACK or update email promised the customer: "
        "the update deadline.",
    )
    sla_paused_minutes = fields.Integer(readonly=True, copy=False)
    sla_pause_start = fields.Datetime(readonly=True, copy=False)
    sla_breach_ids = fields.One2many(
        comodel_name="helpdesk.sla.breach",
        inverse_name="ticket_id",
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    # compute_sudo: the count shows on the form of whoever reads the ticket
    sla_breach_count = fields.Integer(
        compute="_compute_sla_breach_count", compute_sudo=True
    )
    # -- the customer by email --
    last_customer_message_date = fields.Datetime(
        string="Customer last wrote on", readonly=True, copy=False
    )
    users_affected_suggested = fields.Boolean(
        string="Users affected suggested by the email",
        readonly=True,
        copy=False,
        help="Users affected was pre-filled from the customer's email (e.g. '15 "
        "học viên'); confirm it when classifying.",
    )
    confirmation_suggestion = fields.Text(
        string="Possible confirmation",
        readonly=True,
        copy=False,
        help="The customer's reply to the resolution email: confirm the resolution "
        "with it if it says the issue is fixed.",
    )
    confirmation_reminder_date = fields.Datetime(
        string="Confirmation reminder sent on", readonly=True, copy=False
    )
    previous_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Follow-up of",
        copy=False,
        help="The closed ticket this one continues (a reply after the reopen window).",
    )
    # -- what the steps found and decided (internal unless sent by an email) --
    assessment_note = fields.Text(
        help="Impact, urgency and planned next steps (internal).", groups=AGENTS
    )
    investigation_findings = fields.Text(
        help="Monitoring, logs and what they show (internal).", groups=AGENTS
    )
    investigation_scope = fields.Text(
        help="Who and what is affected, and what not.", groups=AGENTS
    )
    investigation_hypothesis = fields.Text(
        string="Root cause hypothesis", groups=AGENTS
    )
    investigation_decision = fields.Text(
        string="Decision",
        help="E.g. escalate to the Dev Team, or fix in-house.",
        groups=AGENTS,
    )
    workaround = fields.Text(
        help="What the customer can do meanwhile; quoted in customer emails.",
        groups=AGENTS,
    )
    escalation_request = fields.Text(
        string="Request to the Dev Team",
        help="What the Dev Team is asked for (e.g. a temporary fix now, a "
        "permanent one in the next release).",
        groups=AGENTS,
    )
    escalation_links = fields.Text(
        string="Links", help="Monitoring dashboards, logs, screenshots.", groups=AGENTS
    )
    root_cause = fields.Text(groups=AGENTS)
    resolution_summary = fields.Text(
        string="Fix applied", help="The fix, and how it was verified.", groups=AGENTS
    )
    permanent_fix_plan = fields.Text(string="Permanent fix plan", groups=AGENTS)
    verification_checklist = fields.Text(
        help="What the customer should check; quoted in the resolution email.",
        groups=AGENTS,
    )
    customer_confirmation = fields.Text(
        help="The customer's own words confirming the resolution."
    )
    follow_up_plan = fields.Text(
        help="Monitoring and next steps after closure; quoted in the closure email.",
        groups=AGENTS,
    )
    lessons_learned = fields.Text(groups=AGENTS)
    incident_pattern = fields.Text(string="Pattern", groups=AGENTS)
    kb_recommendation = fields.Text(
        string="Knowledge-base recommendation", groups=AGENTS
    )
    incident_report_lang = fields.Selection(
        selection=_lang_get,
        string="Report language",
        compute="_compute_incident_report_lang",
        store=True,
        readonly=False,
        help="Language of the printed incident report: the customer's by default.",
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
                        role=ticket._process_text(process_rules.ROLE_LABELS[role]),
                    )
                )
            ticket.stage_id = same_role[:1]
        return super(HelpdeskTicket, self - moving)._compute_stage_id()

    @api.depends("partner_id.lang")
    def _compute_incident_report_lang(self):
        for ticket in self:
            ticket.incident_report_lang = (
                ticket.partner_id.lang or ticket.incident_report_lang or "en_US"
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

    @api.depends(
        "class_of_service",
        "process_role",
        *(date_field for date_field, _kind in process_rules.STEPS.values()),
    )
    def _compute_process_next_step(self):
        for ticket in self:
            ticket.process_next_step = ticket._process_next_step_code()

    @api.depends(
        "received_date",
        "process_step_ids",
        *(date_field for date_field, _kind in process_rules.STEPS.values()),
    )
    @api.depends_context("lang", "tz")
    def _compute_process_checklist_html(self):
        for ticket in self:
            ticket.process_checklist_html = ticket._process_checklist_markup()

    @api.depends("process_role", "ack_date", "escalation_date", "confirmation_date")
    @api.depends_context("lang")
    def _compute_process_portal_status(self):
        for ticket in self:
            ticket.process_portal_status = ticket._portal_status_text()

    def _portal_status_text(self):
        """What the customer is told about their request, without internal detail."""
        self.ensure_one()
        role = self.process_role
        if role == "new":
            return self.env._("Received: we will confirm it to you shortly.")
        if role == "in_progress":
            return self.env._("We are investigating the issue.")
        if role == "waiting":
            return self.env._("Our development team is working on a fix.")
        if role == "resolved" and not self.confirmation_date:
            return self.env._("Fixed: please check and confirm that it works for you.")
        if role == "resolved":
            return self.env._("Confirmed: we are closing your request.")
        if role == "closed":
            return self.env._(
                "Closed. Reply to our last email if the issue comes back."
            )
        return self.env._("Cancelled.")

    @api.depends(
        "received_date",
        "ack_date",
        "investigation_date",
        "escalation_date",
        "dev_response_date",
        "resolution_date",
        "confirmation_date",
    )
    def _compute_process_phases(self):
        def minutes(start, end):
            return round((end - start).total_seconds() / 60) if start and end else 0

        for ticket in self:
            ticket.process_resolution_minutes = minutes(
                ticket.received_date, ticket.resolution_date
            )
            ticket.phase_ack_minutes = minutes(ticket.received_date, ticket.ack_date)
            ticket.phase_investigation_minutes = minutes(
                ticket.ack_date, ticket.investigation_date
            )
            ticket.phase_escalation_minutes = minutes(
                ticket.investigation_date, ticket.escalation_date
            )
            ticket.phase_dev_fix_minutes = minutes(
                ticket.escalation_date or ticket.investigation_date,
                ticket.dev_response_date,
            )
            ticket.phase_verification_minutes = minutes(
                ticket.resolution_date, ticket.confirmation_date
            )

    @api.depends(
        "sla_update_deadline", "cos_policy_id", "class_of_service", "process_role"
    )
    @api.depends_context("mindx_update_promise")
    def _compute_next_update_due(self):
        """The update the customer is promised: the SLA's update deadline, or, in
        the ACK or update email being written, the one that email promises (the
        composer puts it in the context: mail_compose_message); before the ACK, one
        cadence from now. None once the ticket is resolved, closed or cancelled
        (the updates are over)."""
        promise = fields.Datetime.to_datetime(
            self.env.context.get("mindx_update_promise")
        )
        for ticket in self:
            if ticket.process_role in ("resolved", "closed", "cancelled"):
                ticket.next_update_due = False
            elif promise:
                ticket.next_update_due = promise
            elif ticket.sla_update_deadline:
                ticket.next_update_due = ticket.sla_update_deadline
            else:
                ticket.next_update_due = ticket._sla_update_promise(
                    fields.Datetime.now()
                )

    def _sla_update_promise(self, sent):
        """The next update an ACK or update email sent at `sent` promises: one
        cadence of the class later, on its clock (working hours or 24/7)."""
        self.ensure_one()
        line = self.cos_policy_id._line_for(self.class_of_service)
        if not line:
            return False
        company = self.company_id or self.env.company
        return line._sla_add(sent, line.update_minutes, company)

    @api.depends(
        "received_date",
        "class_of_service",
        "cos_policy_id",
        "stage_id",
        "ack_date",
        "last_update_date",
        "investigation_date",
        "escalation_date",
        "dev_response_date",
        "resolution_date",
        "sla_update_missed",
        "sla_update_promised",
        "sla_paused_minutes",
        "sla_pause_start",
        "sla_ack_flagged",
        "sla_escalation_flagged",
        "sla_resolve_flagged",
    )
    def _compute_sla_deadlines(self):
        clock = WorkingClock()
        for ticket in self:
            ticket.update(ticket._sla_deadline_values(clock))

    def _compute_sla_due_soon(self):
        soon = fields.Datetime.now() + SLA_DUE_SOON
        for ticket in self:
            deadline = ticket.sla_next_deadline
            ticket.sla_due_soon = bool(deadline and deadline <= soon)

    def _search_sla_due_soon(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search 'Due soon or overdue' with = or !=."))
        domain = [("sla_next_deadline", "<=", fields.Datetime.now() + SLA_DUE_SOON)]
        return domain if (operator == "=") == value else ["!", *domain]

    def _compute_sla_breach_count(self):
        counts = dict(
            self.env["helpdesk.sla.breach"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.sla_breach_count = counts.get(ticket, 0)

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

    @api.constrains("previous_ticket_id", "company_id")
    def _check_previous_ticket_company(self):
        """A link names the linked ticket's number and title: never another
        company's (whoever reads this ticket could not read that one)."""
        for ticket in self.filtered("previous_ticket_id"):
            previous = ticket.previous_ticket_id
            if previous == ticket or previous.company_id != ticket.company_id:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s cannot be a follow-up of %(previous)s: "
                        "link a ticket of the same company (%(company)s), other "
                        "than itself.",
                        ticket=ticket.display_name,
                        previous=previous.sudo().number or previous.id,
                        company=ticket.company_id.display_name,
                    )
                )

    @api.onchange("cos_override")
    def _onchange_cos_override(self):
        if not self.cos_override:
            self.cos_override_reason = False

    def init(self):
        res = super().init()
        # the breach scan's at-risk query: breached tickets keep their past at-risk
        # date, only those on track can enter the window
        create_index(
            self.env.cr,
            indexname="helpdesk_ticket_sla_at_risk_on_track_index",
            tablename=self._table,
            expressions=["sla_at_risk_date"],
            where="sla_status = 'on_track'",
        )
        return res

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
        times, 15% of the batch's time. The stage is the one it would pick.
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
            self._sla_on_stage_change(stage)
            self._sla_refresh_status()
            for ticket, old_stage in forced_from.items():
                ticket._process_log_move(
                    old_stage, stage, self.env.context.get("mindx_move_reason"), True
                )
        if "priority" in vals and "priority_manual" not in vals:
            self._flag_manual_priority()
        return res

    # -- step actions (header buttons) ----------------------------------------

    def action_process_assess(self):
        return self._process_open_step_wizard("assess")

    def action_process_ack(self):
        return self._process_open_composer("ack")

    def action_process_investigate(self):
        return self._process_open_step_wizard("investigate")

    def action_process_escalate(self):
        return self._process_open_step_wizard("escalate")

    def action_process_update(self):
        return self._process_open_composer("update")

    def action_process_dev_response(self):
        return self._process_open_step_wizard("dev_response")

    def action_process_resolve(self):
        return self._process_open_composer("resolve")

    def action_process_confirm(self):
        return self._process_open_step_wizard("confirm")

    def action_process_close(self):
        return self._process_open_composer("close")

    def action_process_summary(self):
        return self._process_open_step_wizard("summary")

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
                "default_force": self.env.context.get("mindx_offer_force", False),
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

    def _process_open_composer(self, step):
        """Odoo's composer with the step's template; the step counts once sent."""
        self.ensure_one()
        # who may not change the ticket gets a plain refusal, before the template
        # renders the agents' notes it quotes
        self.check_access("write")
        self._process_check_open()
        if not self.partner_id.email:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s has no customer email address: set the "
                    "Contact (with an email) before sending the customer emails.",
                    ticket=self.display_name,
                )
            )
        template = self.env.ref(process_rules.TEMPLATE_BY_STEP[step])
        return {
            "type": "ir.actions.act_window",
            "name": self._process_step_label(step),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": template.id,
                "default_email_layout_xmlid": "mail.mail_notification_light",
                # the composer records the step once sent (mail_compose_message)
                "default_process_step": step,
            },
        }

    def _process_open_step_wizard(self, step):
        self.ensure_one()
        self.check_access("write")
        self._process_check_open()
        return {
            "type": "ir.actions.act_window",
            "name": self._process_step_label(step),
            "res_model": "helpdesk.ticket.step.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id, "default_step": step},
        }

    def _process_check_open(self):
        """No step on a cancelled ticket (spam, duplicate): no email, no log."""
        for ticket in self.filtered(lambda t: t.process_role == "cancelled"):
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s is cancelled: its process steps are closed. A "
                    "helpdesk manager can force it back to a working stage first.",
                    ticket=ticket.display_name,
                )
            )

    def _check_process_vals(self, vals):
        """Refuse, in words, what RPC clients can send and the form cannot.

        Values the ORM or PostgreSQL cannot store would fail with a traceback.
        """
        self._check_process_record(vals)
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
            *SLA_DEADLINE_FIELDS,
        ):
            self.env.add_to_compute(self._fields[fname], self)

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

    def _sla_mark_passed_before_install(self):
        """Deadlines that passed before the addon existed: breached, not announced.

        The team did not work under these targets yet. The tickets show as breached
        (they are, by the class's targets) but the first scan must not open a note
        and an activity on every old open ticket (668 of 1,000 in the lifecycle
        test): their deadlines are marked as already flagged.
        """
        now = fields.Datetime.now()
        self.flush_recordset()
        by_flags = {}
        for ticket in self:
            if ticket.process_role in ("closed", "cancelled"):
                continue  # done before the targets existed: nothing pending
            flags = tuple(
                kind.flag_field
                for kind in sla_rules.KINDS
                if kind.flag_field
                and ticket[kind.deadline_field]
                and ticket[kind.deadline_field] <= now
                and ticket._sla_still_pending(kind)
            )
            if flags:
                by_flags.setdefault(flags, []).append(ticket.id)
        for flags, ids in by_flags.items():
            values = dict.fromkeys(flags, True)
            values.update(sla_breached=True, sla_status="breached")
            self.browse(ids).write(values)

    def _cos_rationale_text(self, labels):
        """The class in words, as the customer may read it (portal, ACK email).

        An override names the class the team chose and the automatic reason; the
        agent's own justification (cos_override_reason) stays internal.
        """
        self.ensure_one()
        automatic = self._cos_automatic_rationale(labels)
        if self.cos_override:
            return self.env._(
                "%(cls)s, set by the support team (automatically: %(auto)s)",
                cls=labels[self.cos_override],
                auto=automatic or self.env._("not classified"),
            )
        return automatic

    def _cos_automatic_rationale(self, labels):
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
        raised = self.cos_policy_id._classify(count, self.is_blocking)
        if raised[1]:
            return self.env._(
                "%(text)s, blocking work raises it to %(cls)s",
                text=text,
                cls=labels[raised[0]],
            )
        if self.is_blocking:
            return self.env._("%(text)s, blocking work", text=text)
        return text

    # -- the process: gates, steps, auto-advance --------------------------------

    def _process_text(self, lazy_text):
        """A text of process_rules in the user's language."""
        return lazy_text._translate(self.env.lang or "en_US")

    def _process_step_label(self, step):
        field = self._fields["process_next_step"]
        return dict(field._description_selection(self.env))[step]

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
            if not (self.env.context.get("mindx_move_reason") or "").strip():
                raise UserError(self.env._("Forcing a stage move needs a reason."))
            return
        errors = [
            error
            for ticket in self
            for error in [ticket._process_move_error(stage, from_role, team)]
            if error
        ]
        if errors:
            raise UserError("\n".join(errors))

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
        from_role = from_role or self.stage_id.process_role or "new"
        to_role = stage.process_role
        rule, missing = process_rules.missing_for_move(self, from_role, to_role)
        values = {"ticket": self.display_name, "stage": stage.display_name}
        if stage.team_ids and team not in stage.team_ids:
            # the form only offers the team's stages; RPC clients may send any id
            return self.env._(
                "Cannot move %(ticket)s to %(stage)s: that stage belongs to "
                "%(teams)s, not to the ticket's team.",
                **values,
                teams=", ".join(stage.team_ids.mapped("display_name")),
            )
        if rule is None:
            return self.env._(
                "Cannot move %(ticket)s to %(stage)s: the process does not go from "
                "%(from)s to %(to)s. A helpdesk manager can force the move with a "
                "reason.",
                **values,
                **{
                    "from": self._process_text(process_rules.ROLE_LABELS[from_role]),
                    "to": self._process_text(process_rules.ROLE_LABELS[to_role]),
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
        # the mail gateway (sudo) reopens a closed ticket on the customer's reply
        customer_reopen = self.env.su and self.env.context.get("mindx_customer_reopen")
        if rule.manager and not self._is_process_manager() and not customer_reopen:
            return self.env._(
                "Cannot move %(ticket)s to %(stage)s: only a helpdesk manager may "
                "reopen a closed ticket.",
                **values,
            )
        if (
            rule.reason
            and not (self.env.context.get("mindx_move_reason") or "").strip()
        ):
            return self.env._(
                "Moving %(ticket)s to %(stage)s needs a reason: use the 'Move with "
                "a reason' button.",
                **values,
            )
        return None

    def _process_record_step(self, step, message=None, promise=None):
        """Mark `step` done now, by the current user, and move on if a gate opens.

        `promise`: the next update the step's email promised (the composer's);
        the update deadline from now on.
        """
        self._process_check_step_allowed()
        # the header buttons check it too; a dialog opened before the ticket was
        # cancelled, or an RPC client, comes here directly
        self._process_check_open()
        now = fields.Datetime.now()
        date_field, kind = process_rules.STEPS[step]
        for ticket in self:
            values = {}
            if step == "update" or not ticket[date_field]:
                values[date_field] = now
            if kind == "customer":
                values[process_rules.CUSTOMER_UPDATE_FIELD] = now
                values["sla_update_missed"] = 0
                values["sla_update_promised"] = (
                    step in sla_rules.UPDATE_PROMISING_STEPS
                    and (promise or ticket._sla_update_promise(now))
                )
            # sudo: the step dates are the process's to set (_check_process_vals)
            ticket.sudo().write(values)
            ticket._sla_close_breaches(step)
        # sudo: the step log is the process's record, not for users to write (the
        # right to act on the tickets was checked above)
        self.env["helpdesk.ticket.step"].sudo().create(
            [
                {
                    "ticket_id": ticket.id,
                    "step": step,
                    "date": now,
                    "user_id": self.env.uid,
                    "message_id": message.id if message else False,
                    "update_promised": ticket.sla_update_promised
                    if step in sla_rules.UPDATE_PROMISING_STEPS
                    else False,
                }
                for ticket in self
            ]
        )
        self._process_auto_advance()
        self._sla_refresh_status()

    def _process_check_step_allowed(self):
        """Who records a step: a helpdesk user who may change these tickets, or
        the process itself (superuser code: the mail gateway, the scan, the
        portal's confirmation of the customer's own ticket).

        Decided from the real user, never from the context: Odoo's chat routes
        post as superuser with whatever context the caller sends.
        """
        if self.env.su:
            return
        if not self.env.user.has_group(AGENTS):
            raise AccessError(
                self.env._(
                    "Only helpdesk users record the steps of a ticket; %(user)s is "
                    "not one. Ask the team handling it.",
                    user=self.env.user.name,
                )
            )
        self.check_access("write")

    def _process_auto_advance(self):
        """Move each ticket as far forward as its completed steps allow.

        As the report's agent did: ACK -> In Progress, escalation and update ->
        Waiting, the fix -> Resolved, closure email and summary -> Closed.
        """
        for ticket in self:
            role = ticket.stage_id.process_role or "new"
            if role not in process_rules.FORWARD_PATH:
                continue
            ahead = process_rules.FORWARD_PATH[
                process_rules.FORWARD_PATH.index(role) + 1 :
            ]
            for target in reversed(ahead):
                rule, missing = process_rules.missing_for_move(ticket, role, target)
                if rule is None or missing or rule.reason or rule.manager:
                    continue
                stage = ticket._process_stage_for_role(target)
                if stage:
                    ticket.write({"stage_id": stage.id})
                break

    def _process_stage_for_role(self, role):
        self.ensure_one()
        return self.env["helpdesk.ticket.stage"].search(
            [
                ("process_role", "=", role),
                # the cron and the mail gateway see every company's stages
                ("company_id", "in", [False, self.company_id.id]),
                "|",
                ("team_ids", "=", False),
                ("team_ids", "in", self.team_id.ids),
            ],
            limit=1,
        )

    def _process_next_step_code(self):
        """The step the agent is expected to do next (highlighted in the header)."""
        self.ensure_one()
        if self.process_role == "cancelled":
            return False
        order = ["assess", "ack", "investigate"]
        if self.class_of_service != "standard" or self.escalation_date:
            order += ["escalate", "update"]
        order += ["dev_response", "resolve", "confirm", "close", "summary"]
        for step in order:
            if step == "update":
                if not process_rules.CONDITIONS["update_after_escalation"].test(self):
                    return step
            elif not self[process_rules.STEPS[step].date_field]:
                return step
        return False

    def _process_checklist_markup(self):
        """The 7 steps as an HTML table: done or not, when and by whom."""
        self.ensure_one()
        first_log = {}
        for log in self.process_step_ids.sorted("date"):
            first_log.setdefault(log.step, log)
        rows = []
        for number, (title, conditions, step) in enumerate(process_rules.CHECKLIST, 1):
            done = all(process_rules.CONDITIONS[c].test(self) for c in conditions)
            skipped = (
                not done
                and step in process_rules.CHECKLIST_SKIPPABLE
                and self.class_of_service == "standard"
                and bool(self.dev_response_date)
            )
            log = first_log.get(step) if done else False
            when = self[process_rules.STEPS[step].date_field] if done else False
            if number == 1:
                when = done and self.received_date
            rows.append(
                Markup(
                    "<tr><td>{icon}</td><td>{number}. {title}</td>"
                    "<td>{when}</td><td>{who}</td></tr>"
                ).format(
                    icon=CHECK_ICONS[
                        "done" if done else "skipped" if skipped else "todo"
                    ],
                    number=number,
                    title=self._process_text(title),
                    when=format_datetime(self.env, when, dt_format="short")
                    if when
                    else (self.env._("not needed") if skipped else ""),
                    who=log.user_id.name if log else "",
                )
            )
        return Markup(
            '<table class="table table-sm o_mindx_process_checklist"><tbody>{}'
            "</tbody></table>"
        ).format(Markup("").join(rows))

    def _process_customer_confirmation(self, text):
        """The customer says it works (portal button, reply): the confirm step.

        Never a silent skip: before the resolution email there is nothing to
        confirm, and after the confirmation the closure email and the summary are
        still the agent's to do; both cases leave the agent an activity.
        """
        for ticket in self:
            if ticket.confirmation_date:
                continue
            if not ticket.resolution_date:
                ticket._process_ask_agent(
                    self.env._(
                        "The customer asked to close this ticket before the "
                        "resolution email: check with them."
                    ),
                    text,
                )
                continue
            ticket.customer_confirmation = text
            note = ticket._process_log_note(
                text, title=self.env._("Customer confirmation")
            )
            ticket._process_record_step("confirm", note)
            if ticket.process_role != "closed":
                ticket._process_ask_agent(
                    self.env._(
                        "The customer confirmed the resolution: send the closure "
                        "email and log the final summary."
                    ),
                    text,
                )

    def _process_ask_agent(self, summary, note=""):
        """A to-do for the people handling the ticket (assignee, else team leader).

        `note` is text (often the customer's words): escaped, never HTML, so a
        link or a tracking image in a reply stays text in the activity and in
        the email that announces it.
        """
        self.ensure_one()
        user = self.user_id or self.team_id.user_id or self.team_id.user_ids[:1]
        if user:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=text_as_html(note) if note else "",
                user_id=user.id,
            )
        else:
            self._process_log_note(summary)

    # -- the customer by email (mail gateway) ------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new email: a ticket received at the email's date, or a reply.

        A reply that lost its headers but names one of the sender's tickets in the
        subject ("Re: [HT00003] ...") is threaded on that ticket.
        """
        existing = self._ticket_from_subject(msg_dict)
        if existing:
            existing.message_update(msg_dict)
            return existing
        values = dict(custom_values or {})
        if not msg_dict.get("author_id") and msg_dict.get("email_from"):
            # a first-time customer: their contact is created from the email, so
            # that the process emails (ACK, updates) have someone to go to
            partners = self.env["res.partner"]._find_or_create_from_emails(
                [msg_dict["email_from"]]
            )
            msg_dict["author_id"] = partners[0].id if partners else False
        received, note = self._received_date_from_email(msg_dict.get("date"))
        values.setdefault("received_date", received)
        body = html2plaintext(msg_dict.get("body") or "")
        hint = self._users_affected_hint(f"{msg_dict.get('subject') or ''}\n{body}")
        if hint:
            values.setdefault("users_affected", hint)
            values.setdefault("users_affected_suggested", True)
        ticket = super(
            HelpdeskTicket, self.with_context(mindx_mail_new=True)
        ).message_new(msg_dict, custom_values=values)
        ticket.last_customer_message_date = received
        if note:
            ticket._process_log_note(note)
        return ticket

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Only the fields' types for mail.thread's message_new.

        It asks for every attribute of every field to see whether the model has a
        name: 3.8 ms per new ticket with this addon's fields (2.9 ms without it),
        the largest cost of an email that opens a ticket. The context key lives
        from our message_new to create, which drops it.
        """
        if attributes is None and self.env.context.get("mindx_mail_new"):
            attributes = ["type"]
        return super().fields_get(allfields=allfields, attributes=attributes)

    def message_update(self, msg_dict, update_vals=None):
        """A reply has an effect only when the ticket's customer wrote it.

        Anyone may reply on the thread (a colleague in CC, a stranger quoting the
        right In-Reply-To, a machine): the email is stored on the ticket, but only
        the customer's word confirms a resolution, reopens a closed ticket or
        restarts the silence clock (reminder, confirmation by timeout).
        """
        res = super().message_update(msg_dict, update_vals=update_vals)
        if self.env.context.get("mindx_incoming_automatic"):
            return res
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        for ticket in self.filtered(lambda t: t._is_customer(author)):
            ticket.last_customer_message_date = fields.Datetime.now()
            ticket._on_customer_reply(msg_dict)
        return res

    def _is_customer(self, partner):
        """Whether `partner` speaks for this ticket's customer: the ticket's
        contact, or (company setting) a contact of the same company.

        The author comes from the email's From: address; a forged From: of the
        customer's own address (spoofing) cannot be told apart here, only by the
        mail server's DKIM/DMARC checks before the email reaches Odoo.
        """
        self.ensure_one()
        customer = self.partner_id
        if not partner or not customer or not partner.partner_share:
            return False
        if partner == customer:
            return True
        company = self.company_id or self.env.company
        return bool(
            company.helpdesk_colleagues_speak_for_customer
            and customer.commercial_partner_id.is_company
            and partner.commercial_partner_id == customer.commercial_partner_id
        )

    def _on_customer_reply(self, msg_dict):
        """What a customer's reply means depends on where the ticket stands."""
        self.ensure_one()
        text = html2plaintext(msg_dict.get("body") or "").strip()[:2000]
        role = self.process_role
        if role == "waiting":
            self._process_ask_agent(
                self.env._("The customer replied while waiting."), text
            )
        elif role == "resolved" and not self.confirmation_date:
            self.confirmation_suggestion = text
            self._process_ask_agent(
                self.env._(
                    "The customer replied to the resolution: confirm the resolution "
                    "if the reply says it is fixed, else reopen."
                ),
                text,
            )
        elif role == "closed":
            self._on_reply_to_closed(text)

    def _on_reply_to_closed(self, text):
        window = self.company_id.helpdesk_reopen_window_days
        closed_on = self.closed_date or self.closure_date
        if closed_on and fields.Datetime.now() - closed_on <= timedelta(days=window):
            stage = self._process_stage_for_role("in_progress")
            self.with_context(
                mindx_move_reason=self.env._("The customer replied after closure."),
                mindx_customer_reopen=True,
            ).write({"stage_id": stage.id})
            self._process_log_note(
                self.env._(
                    "Reopened: the customer replied within %(days)s days of closure.",
                    days=window,
                )
            )
            self._process_ask_agent(
                self.env._("Reopened by the customer's reply."), text
            )
            return
        follow_up = self.create(
            {
                "name": self.env._("Follow-up: %(name)s", name=self.name),
                "description": Markup("<pre>{}</pre>").format(text),
                "previous_ticket_id": self.id,
                "partner_id": self.partner_id.id,
                "team_id": self.team_id.id,
                "company_id": self.company_id.id,
                "user_id": self.user_id.id,
            }
        )
        self._process_log_note(
            self.env._(
                "The customer replied after the reopen window: follow-up ticket "
                "%(ticket)s was opened.",
                ticket=follow_up.display_name,
            )
        )

    def _ticket_from_subject(self, msg_dict):
        match = re.search(r"\[([A-Z]{1,10}\d{3,})\]", msg_dict.get("subject") or "")
        sender = email_normalize(msg_dict.get("email_from") or "")
        if not match or not sender:
            return self.browse()
        ticket = self.search([("number", "=", match.group(1))], limit=1)
        if email_normalize(ticket.partner_id.email or "") == sender:
            return ticket
        return self.browse()

    def _received_date_from_email(self, date_string):
        """The email's Date header, within a few minutes before it reached us.

        The Date header is the sender's to write: backdated, it would make a ticket
        arrive breached (notes, activities, the leader's email); in the future,
        restart the clock. The SLA counts from when our mail server got the email
        (mail_thread.email_arrival), or from the Date header when that is at most
        EMAIL_DATE_TOLERANCE earlier (the time the customer pressed Send).
        """
        arrival = (
            fields.Datetime.to_datetime(self.env.context.get("mindx_email_arrival"))
            or fields.Datetime.now()
        )
        try:
            written = fields.Datetime.to_datetime(date_string) if date_string else None
        except ValueError:
            written = None
        if written and arrival - EMAIL_DATE_TOLERANCE <= written <= arrival:
            return written, None
        if written and arrival < written <= arrival + EMAIL_DATE_TOLERANCE:
            return arrival, None  # the sender's clock is a little fast
        return arrival, self.env._(
            "The email's date (%(date)s) is not when it reached us: the ticket "
            "counts from its arrival, %(arrival)s.",
            date=date_string or self.env._("missing"),
            arrival=format_datetime(self.env, arrival, dt_format="short"),
        )

    @api.model
    def _users_affected_hint(self, text):
        """'users affected: 15' or '15 học viên' in the email, within a sane range."""
        for pattern in USERS_AFFECTED_PATTERNS:
            match = re.search(pattern, text, flags=re.IGNORECASE)
            if match and 1 <= int(match.group(1)) <= MAX_SUGGESTED_USERS:
                return int(match.group(1))
        return 0

    def _process_log_note(self, body, title=None):
        """An internal note: comment + mt_note, which a portal user cannot read even
        by id (a notification-type note can be); `title` in bold above `body`."""
        if title:
            body = Markup("<p><b>{}</b></p><p>{}</p>").format(title, body)
        return self.message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note"
        )

    def action_process_confirm_suggestion(self):
        """Open the confirmation dialog pre-filled with the customer's reply."""
        action = self._process_open_step_wizard("confirm")
        action["context"]["default_customer_confirmation"] = (
            self.confirmation_suggestion
        )
        return action

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """An automatic email is logged on the ticket and forwarded to nobody."""
        if self.env.context.get("mindx_incoming_automatic"):
            return []
        return super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)

    def _notify_by_email_get_headers(self, headers=None):
        """Our automatic emails say so, so that auto-responders do not answer."""
        headers = super()._notify_by_email_get_headers(headers=headers)
        if self.env.context.get("mindx_outgoing_automatic"):
            headers["Auto-Submitted"] = "auto-replied"
            headers["X-Auto-Response-Suppress"] = "All"
        return headers

    @api.model
    def _cron_remind_silent_resolved(self):
        """Resolved tickets whose customer stays silent: one reminder, then timeout.

        After `helpdesk_confirm_reminder_days` working days without a reply to the
        resolution email, the customer gets one reminder; after as many more, the
        resolution counts as confirmed by timeout (logged with the silence as the
        reason) and the agent is asked for the closure email, which is never
        skipped.
        """
        tickets = self.search(
            [
                ("process_role", "=", "resolved"),
                ("resolution_date", "!=", False),
                ("confirmation_date", "=", False),
            ]
        )
        now = fields.Datetime.now()
        for ticket in tickets:
            replied = (ticket.last_customer_message_date or ticket.resolution_date) > (
                ticket.resolution_date
            )
            if replied:
                continue
            company = ticket.company_id or self.env.company
            days = company.helpdesk_confirm_reminder_days
            if not ticket.confirmation_reminder_date:
                if now >= ticket._add_working_days(ticket.resolution_date, days):
                    ticket._send_confirmation_reminder()
            elif now >= ticket._add_working_days(
                ticket.confirmation_reminder_date, days
            ):
                ticket._process_customer_confirmation(
                    self.env._(
                        "Confirmed by timeout: no reply from the customer to the "
                        "resolution email nor to the reminder."
                    )
                )

    def _add_working_days(self, start, days):
        """`start` plus `days` working days of the company's calendar (leaves too)."""
        self.ensure_one()
        calendar = (self.company_id or self.env.company).resource_calendar_id
        if not calendar:
            return start + timedelta(days=days)
        return calendar.plan_days(days + 1, start, compute_leaves=True) or (
            start + timedelta(days=days)
        )

    def _send_confirmation_reminder(self):
        self.ensure_one()
        template = self.env.ref(
            "mindx_helpdesk_process.mail_template_confirmation_reminder"
        )
        self.with_context(mindx_outgoing_automatic=True).message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.partner_id.ids,
        )
        self.confirmation_reminder_date = fields.Datetime.now()

    def _message_update_content(self, message, body, *args, **kwargs):
        """A message that records a step stays as it was sent (the route lets
        its author edit or empty it): the step log and the incident report quote
        it."""
        logged = (
            self.env["helpdesk.ticket.step"]
            .sudo()
            .search_count([("message_id", "=", message.id)], limit=1)
        )
        if logged:
            raise UserError(
                self.env._(
                    "This message records a step of ticket %(ticket)s: it cannot be "
                    "edited or deleted. Post a new message to add or correct "
                    "something.",
                    ticket=self.display_name,
                )
            )
        return super()._message_update_content(message, body, *args, **kwargs)

    def _process_is_customer_email(self, message, step):
        """A customer step counts only for a real email to the ticket's customer."""
        self.ensure_one()
        return (
            step in process_rules.STEPS
            and process_rules.STEPS[step].kind == "customer"
            and message.message_type == "comment"
            and not message.subtype_id.internal
            and self.partner_id in message.partner_ids
        )

    # -- SLA: deadlines, status, breach flagging ------------------------------------

    def _sla_deadline_values(self, clock):
        """Every deadline of the ticket, the earliest pending one, and when the
        ticket gets at risk (a share of the pending targets' time used)."""
        self.ensure_one()
        empty = dict.fromkeys(SLA_DEADLINE_FIELDS, False)
        line = self.cos_policy_id._line_for(self.class_of_service)
        if not line or not self.received_date:
            return empty
        company = self.company_id or self.env.company
        role = self.stage_id.process_role or "new"
        # a closed or cancelled ticket waits for no step: nothing is pending
        stopped = role in ("closed", "cancelled")
        values = dict(empty)
        pending = []  # (deadline, start, target minutes, flagged, kind)
        values["sla_ack_deadline"] = line._sla_add(
            self.received_date, line.ack_minutes, company, clock
        )
        if not self.ack_date and not stopped:
            pending.append(
                (
                    values["sla_ack_deadline"],
                    self.received_date,
                    line.ack_minutes,
                    self.sla_ack_flagged,
                    "ack",
                )
            )
        if self.ack_date and role in ("new", "in_progress", "waiting"):
            values["sla_update_deadline"], start = self._sla_update_window(
                line, company, clock
            )
            pending.append(
                (
                    values["sla_update_deadline"],
                    start,
                    line.update_minutes,
                    False,
                    "update",
                )
            )
        if self.investigation_date:
            values["sla_escalation_deadline"] = line._sla_add(
                self.investigation_date, line.escalation_minutes, company, clock
            )
            if not (self.escalation_date or self.dev_response_date) and not stopped:
                pending.append(
                    (
                        values["sla_escalation_deadline"],
                        self.investigation_date,
                        line.escalation_minutes,
                        self.sla_escalation_flagged,
                        "escalation",
                    )
                )
        if not self.sla_pause_start:
            minutes = line.resolve_minutes + self.sla_paused_minutes
            values["sla_resolve_deadline"] = line._sla_add(
                self.received_date, minutes, company, clock
            )
            if not self.resolution_date and not stopped:
                pending.append(
                    (
                        values["sla_resolve_deadline"],
                        self.received_date,
                        minutes,
                        self.sla_resolve_flagged,
                        "resolve",
                    )
                )
        ratio = self.cos_policy_id._sla_at_risk_ratio()
        watched = [item for item in pending if not item[3]]
        values["sla_next_deadline"] = min((item[0] for item in watched), default=False)
        values["sla_next_kind"] = next(
            (
                kind
                for deadline, *_rest, kind in watched
                if deadline == values["sla_next_deadline"]
            ),
            False,
        )
        values["sla_at_risk_date"] = min(
            (
                line._sla_add(start, target * ratio, company, clock)
                for _deadline, start, target, _flag, _kind in pending
            ),
            default=False,
        )
        return values

    def _sla_update_window(self, line, company, clock):
        """(deadline, start) of the update window the ticket is in.

        The first deadline is the one the last ACK or update email promised;
        each window missed since (sla_update_missed, counted by the scan) adds
        one cadence.
        """
        base = self.last_update_date or self.ack_date
        first = self.sla_update_promised or line._sla_add(
            base, line.update_minutes, company, clock
        )
        missed = self.sla_update_missed
        if not missed:
            return first, base
        minutes = line.update_minutes
        return (
            line._sla_add(first, minutes * missed, company, clock),
            line._sla_add(first, minutes * (missed - 1), company, clock),
        )

    def _sla_refresh_status(self, now=None):
        """Put each ticket's SLA status in line with its deadlines at `now`."""
        now = now or fields.Datetime.now()
        by_status = {}
        for ticket in self:
            role = ticket.process_role
            if role == "cancelled":
                status = False  # no service was owed: neither met nor breached
            elif ticket.sla_breached:
                status = "breached"
            elif role in ("resolved", "closed") or (
                ticket.resolution_date and not ticket.sla_at_risk_date
            ):
                status = "met"  # final: finished work is never on track
            elif ticket.sla_at_risk_date and ticket.sla_at_risk_date <= now:
                status = "at_risk"
            else:
                status = "on_track"
            if status != ticket.sla_status:
                by_status.setdefault(status, self.browse())
                by_status[status] |= ticket
        for status, tickets in by_status.items():
            # sudo: the SLA bookkeeping is the process's (_check_process_record)
            tickets.sudo().write({"sla_status": status})

    def _sla_on_stage_change(self, stage):
        """Stop the resolution clock in pause stages, restart it when leaving."""
        now = fields.Datetime.now()
        for ticket in self:
            pausing = ticket.cos_policy_id._sla_pauses_in(stage)
            # sudo: the SLA bookkeeping is the process's (_check_process_record)
            if pausing and not ticket.sla_pause_start:
                ticket.sudo().sla_pause_start = now
            elif not pausing and ticket.sla_pause_start:
                ticket.sudo().write(
                    {
                        "sla_paused_minutes": ticket.sla_paused_minutes
                        + ticket._sla_minutes_between(ticket.sla_pause_start, now),
                        "sla_pause_start": False,
                    }
                )

    def _sla_minutes_between(self, start, end):
        """Minutes between two moments on the ticket's clock (working time or not)."""
        line = self.cos_policy_id._line_for(self.class_of_service)
        company = self.company_id or self.env.company
        calendar = line.working_hours and line._sla_calendar(company)
        if calendar:
            return round(calendar.get_work_hours_count(start, end) * 60)
        return round((end - start).total_seconds() / 60)

    @api.model
    def _cron_flag_sla_breaches(self, batch_size=500):
        """The scheduled action "flag SLA breaches" (its code names this model):
        the scan itself is the breach log's (helpdesk.sla.breach._scan)."""
        return self.env["helpdesk.sla.breach"]._scan(batch_size)

    def action_sla_flag_now(self):
        """Server action for managers: run the breach scan now."""
        self._check_sla_manager()
        self._cron_flag_sla_breaches()

    def action_sla_recompute(self):
        """Server action for managers: recompute the deadlines of these tickets."""
        self._check_sla_manager()
        # the action's records come from the client: only tickets the manager may
        # change (their companies), as for the scan below
        self.check_access("write")
        for fname in SLA_DEADLINE_FIELDS:
            self.env.add_to_compute(self._fields[fname], self)
        self.flush_recordset()
        self._sla_refresh_status()

    def _check_sla_manager(self):
        if not self.env.user.has_group("helpdesk_mgmt.group_helpdesk_manager"):
            raise UserError(
                self.env._("Only helpdesk managers can run the SLA actions.")
            )

    def _sla_passed_deadlines(self, now):
        """(kind, deadline, windows missed) of each deadline passed at `now`."""
        self.ensure_one()
        passed = []
        for kind in sla_rules.KINDS:
            deadline = self[kind.deadline_field]
            flag = kind.flag_field
            if not deadline or deadline > now or (flag and self[flag]):
                continue
            if not flag:  # counted in windows until the step answers it
                line = self.cos_policy_id._line_for(self.class_of_service)
                company = self.company_id or self.env.company
                windows = line._sla_windows_passed(deadline, now, company)
                passed.append((kind.code, deadline, windows))
            elif self._sla_still_pending(kind):
                passed.append((kind.code, deadline, 1))
        return passed

    def _sla_still_pending(self, kind):
        """No step that answers `kind` (an sla_rules.SlaKind) is done yet."""
        return not any(
            self[process_rules.STEPS[step].date_field] for step in kind.answered_by
        )

    def _sla_mark_flagged(self, passed):
        for ticket, kind, windows in passed:
            values = {"sla_breached": True}
            if kind == "update":
                values["sla_update_missed"] = ticket.sla_update_missed + windows
            else:
                values[f"sla_{kind}_flagged"] = True
            ticket.sudo().write(values)

    def _sla_close_breaches(self, step):
        """A step done closes the open breaches (and their activities) it answers."""
        kinds = sla_rules.CLOSED_BY_STEP.get(step, ())
        # sudo: whoever may do the step closes its breaches, even where the breach
        # log's rules (an agent following another team's ticket) hide them
        breaches = self.sudo().sla_breach_ids.filtered(
            lambda b: b.kind in kinds and not b.done_date
        )
        if breaches:
            breaches.write(
                {"done_date": fields.Datetime.now(), "done_user_id": self.env.uid}
            )
            breaches.activity_id.with_env(self.env).action_feedback(
                feedback=self.env._(
                    "Done: %(step)s", step=self._process_step_label(step)
                )
            )
