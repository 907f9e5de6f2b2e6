# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The seven steps: when each was done and what it found, the header buttons
and their dialogs, recording a step and moving the ticket on, the checklist."""

from collections import defaultdict

import pytz
from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import get_lang

from odoo.addons.base.models.res_partner import _lang_get

from ...tools.email_text import text_as_html
from .. import process_rules, sla_rules
from ..process_rules import AGENTS, INPUT_LABELS, REPORT_OWN_STEPS

# the prefetch group of the texts the step dialogs record (assessment_note...)
RECORD_PREFETCH = "mindx_process_record"

CHECK_ICONS = {
    "done": Markup('<i class="fa fa-check-circle text-success" title="Done"/>'),
    "skipped": Markup('<i class="fa fa-minus-circle text-muted" title="Not needed"/>'),
    "todo": Markup('<i class="fa fa-circle-o text-muted" title="To do"/>'),
}

# a checklist row: icon, number, title, when, who, on time or late
CHECKLIST_ROW = Markup(
    "<tr><td>%s</td><td>%s. %s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
)
TARGET_BADGES = {
    "met": Markup('<span class="badge rounded-pill text-bg-success">%s</span>'),
    "missed": Markup('<span class="badge rounded-pill text-bg-danger">%s</span>'),
}
CHECKLIST_TABLE = Markup(
    '<table class="table table-sm o_mindx_process_checklist"><tbody>%s</tbody></table>'
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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
    # the steps offered outside their turn (header buttons), where they fit
    process_can_update = fields.Boolean(
        string="Update possible", compute="_compute_process_next_step"
    )
    process_can_escalate = fields.Boolean(
        string="Escalation possible", compute="_compute_process_next_step"
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
    # -- what the steps found and decided (internal unless sent by an email) --
    # Fetched together, apart from the ticket's other fields (RECORD_PREFETCH):
    # most reads of a ticket need none of them (lists, kanban, the gate, the
    # mail gateway), and a prefetch checks every field's groups.
    assessment_note = fields.Text(
        string=INPUT_LABELS["assessment_note"],
        help="Impact, urgency and planned next steps (internal).",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    investigation_findings = fields.Text(
        string=INPUT_LABELS["investigation_findings"],
        help="Monitoring, logs and what they show (internal).",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    investigation_scope = fields.Text(
        string=INPUT_LABELS["investigation_scope"],
        help="Who and what is affected, and what not.",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    investigation_hypothesis = fields.Text(
        string=INPUT_LABELS["investigation_hypothesis"],
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    investigation_decision = fields.Text(
        string=INPUT_LABELS["investigation_decision"],
        help="E.g. escalate to the Dev Team, or fix in-house.",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    workaround = fields.Text(
        string=INPUT_LABELS["workaround"],
        help="What the customer can do meanwhile; quoted in customer emails.",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    escalation_request = fields.Text(
        string=INPUT_LABELS["escalation_request"],
        help="What the Dev Team is asked for (e.g. a temporary fix now, a "
        "permanent one in the next release).",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    escalation_links = fields.Text(
        string=INPUT_LABELS["escalation_links"],
        help="Monitoring dashboards, logs, screenshots.",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    root_cause = fields.Text(
        string=INPUT_LABELS["root_cause"], groups=AGENTS, prefetch=RECORD_PREFETCH
    )
    resolution_summary = fields.Text(
        string=INPUT_LABELS["resolution_summary"],
        help="The fix, and how it was verified.",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    permanent_fix_plan = fields.Text(
        string=INPUT_LABELS["permanent_fix_plan"],
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    verification_checklist = fields.Text(
        string=INPUT_LABELS["verification_checklist"],
        help="What the customer should check; quoted in the resolution email.",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    customer_confirmation = fields.Text(
        string=INPUT_LABELS["customer_confirmation"],
        help="The customer's own words confirming the resolution.",
        prefetch=RECORD_PREFETCH,
    )
    follow_up_plan = fields.Text(
        string=INPUT_LABELS["follow_up_plan"],
        help="Monitoring and next steps after closure; quoted in the closure email.",
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    lessons_learned = fields.Text(
        string=INPUT_LABELS["lessons_learned"], groups=AGENTS, prefetch=RECORD_PREFETCH
    )
    incident_pattern = fields.Text(
        string=INPUT_LABELS["incident_pattern"], groups=AGENTS, prefetch=RECORD_PREFETCH
    )
    kb_recommendation = fields.Text(
        string=INPUT_LABELS["kb_recommendation"],
        groups=AGENTS,
        prefetch=RECORD_PREFETCH,
    )
    incident_report_lang = fields.Selection(
        selection=_lang_get,
        string="Report language",
        compute="_compute_incident_report_lang",
        store=True,
        readonly=False,
        help="Language of the printed incident report: the customer's by default.",
    )

    @api.depends("partner_id.lang")
    def _compute_incident_report_lang(self):
        for ticket in self:
            ticket.incident_report_lang = (
                ticket.partner_id.lang or ticket.incident_report_lang or "en_US"
            )

    @api.depends(
        "class_of_service",
        "process_role",
        "major_incident_id",
        *process_rules.STEP_DATE_FIELDS,
    )
    def _compute_process_next_step(self):
        for ticket in self:
            fitting = ticket._process_fitting_steps()
            ticket.process_next_step = ticket._process_next_step_code()
            ticket.process_can_update = "update" in fitting and bool(ticket.ack_date)
            ticket.process_can_escalate = (
                "escalate" in fitting
                and bool(ticket.investigation_date)
                and not ticket.escalation_date
            )

    # Not on process_step_ids: a step's log is written with its date on the
    # ticket (which invalidates) and never changed; and following that one2many
    # would make every form search the logs twice (issue #24).
    @api.depends("received_date", "class_of_service", *process_rules.STEP_DATE_FIELDS)
    @api.depends_context("lang", "tz")
    def _compute_process_checklist_html(self):
        # one formatter for all the rows of all the tickets (see its docstring)
        when_text = self._process_checklist_when_formatter()
        first_logs = self._process_first_logs()
        for ticket in self:
            ticket.process_checklist_html = ticket._process_checklist_markup(
                when_text, first_logs[ticket.id]
            )

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

    def _process_open_composer(self, step):
        """Odoo's composer with the step's template; the step counts once sent."""
        self.ensure_one()
        # who may not change the ticket gets a plain refusal, before the template
        # renders the agents' notes it quotes
        self.check_access("write")
        self._process_check_step(step)
        # a main ticket the team opened for a major incident has no customer of
        # its own: its emails go to its reports' customers
        if not self.partner_id.email and not self.major_incident_ticket_ids:
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
        self._process_check_step(step)
        return {
            "type": "ir.actions.act_window",
            "name": self._process_step_label(step),
            "res_model": "helpdesk.ticket.step.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id, "default_step": step},
        }

    def _process_check_step(self, step):
        """May the current user record `step` on these tickets where they stand:
        the composer, the step dialog and the recording itself ask this."""
        self._process_check_step_allowed()
        self._process_check_step_fits(step)
        self._major_incident_check_report_step(step)

    def _process_check_step_fits(self, step):
        """Only a step that makes sense where the ticket stands
        (process_rules.STEPS_BY_ROLE): none on a cancelled ticket, no update
        once the fix is announced, no closure before the resolution."""
        for ticket in self:
            role = ticket.process_role or "new"
            if step in process_rules.STEPS_BY_ROLE[role]:
                continue
            raise UserError(
                self.env._(
                    "'%(step)s' is not a step of ticket %(ticket)s in %(stage)s. "
                    "%(instead)s",
                    step=self._process_step_label(step),
                    ticket=ticket.display_name,
                    stage=ticket.stage_id.display_name,
                    instead=self._process_text(process_rules.INSTEAD_BY_ROLE[role]),
                )
            )

    def _process_fitting_steps(self):
        """The steps the header may offer where the ticket stands: on a report of
        a major incident, only its customer's confirmation (the rest is done on
        the main ticket)."""
        self.ensure_one()
        fitting = process_rules.STEPS_BY_ROLE[self.process_role or "new"]
        if self.major_incident_id:
            return tuple(step for step in fitting if step in REPORT_OWN_STEPS)
        return fitting

    def _process_step_label(self, step):
        field = self._fields["process_next_step"]
        return dict(field._description_selection(self.env))[step]

    def _process_record_step(self, step, message=None, promise=None):
        """Mark `step` done now, by the current user, and move on if a gate opens.

        `promise`: the next update the step's email promised (the composer's);
        the update deadline from now on.
        """
        # the header buttons check it too; a dialog opened before the ticket was
        # cancelled, or an RPC client, comes here directly
        self._process_check_step(step)
        self._process_write_step(step, message, promise)
        self._major_incident_fan_out(step, message, promise)

    def _process_write_step(
        self, step, message=None, promise=None, via=None, date=None
    ):
        """Write the step's time (`date`, else now), log it and move on, the
        user's right checked before (_process_record_step), or the step done on
        the main ticket of a major incident (`via`) for its reports."""
        now = date or fields.Datetime.now()
        date_field = process_rules.STEPS[step].date_field
        kind = process_rules.STEPS[step].kind
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
            self.env["helpdesk.sla.breach"]._close_answered(ticket, step)
        self.env["helpdesk.ticket.step"]._log(self, step, now, message, via=via)
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
        """The step the agent is expected to do next (highlighted in the header):
        the first one not done, in the process's order, of those that make sense
        where the ticket stands (after a forced move too)."""
        self.ensure_one()
        fitting = self._process_fitting_steps()
        order = ["assess", "ack", "investigate"]
        if self.class_of_service != "standard" or self.escalation_date:
            order += ["escalate", "update"]
        order += ["dev_response", "resolve", "confirm", "close", "summary"]
        for step in order:
            if step not in fitting:
                continue
            if step == "update":
                if not process_rules.CONDITIONS["update_after_escalation"].test(self):
                    return step
            elif not self[process_rules.STEPS[step].date_field]:
                return step
        return False

    def _process_checklist_when_formatter(self):
        """A function giving a step's time as the web client shows a datetime
        field: in the language's date and time formats (without seconds), in the
        context's time zone. Built once for all the times of all the tickets: the
        checklist shows every done step's time, and babel's formatting, looking
        up the zone and the locale again for each value, was most of its cost.
        The time zone is the context's, as the field depends on it (and as
        fields.Datetime.context_timestamp reads it), else the user's: the web
        client sends it with every call, so that the form does not read the user
        and their partner for it."""
        try:
            tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        lang = get_lang(self.env)
        time_format = lang.time_format.replace(":%S", "")
        pattern = f"{lang.date_format} {time_format}"

        def when_text(value):
            return (
                pytz.utc.localize(value, is_dst=False).astimezone(tz).strftime(pattern)
            )

        return when_text

    def action_view_process_timeline(self):
        """The ticket's timeline (every logged step, against its target) and what
        the done steps recorded, in a dialog: the form would otherwise read the
        logs and the 17 texts at every opening, each text checked against the
        agents' group (issue #24)."""
        self.ensure_one()
        view = self.env.ref("mindx_helpdesk_process.helpdesk_ticket_view_form_timeline")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Timeline of %(ticket)s", ticket=self.display_name),
            "res_model": self._name,
            "res_id": self.id,
            "views": [(view.id, "form")],
            "target": "new",
        }

    def _process_first_logs(self):
        """{ticket id: {step: its first log}} for these tickets, in one query
        (the one2many would search the logs, then read them). A ticket being
        edited in the form (a new id with an origin) has its origin's logs."""
        origins = {ticket.id: ticket._origin.id for ticket in self}
        first_logs = defaultdict(dict)
        if any(origins.values()):
            logs = (
                self.env["helpdesk.ticket.step"]
                .sudo()
                .search_fetch(
                    [("ticket_id", "in", [i for i in origins.values() if i])],
                    [
                        "ticket_id",
                        "step",
                        "date",
                        "user_id",
                        "via_ticket_id",
                        "target_state",
                    ],
                    order="date, id",
                )
            )
            for log in logs:
                first_logs[log.ticket_id.id].setdefault(log.step, log)
        return {ticket_id: first_logs[origin] for ticket_id, origin in origins.items()}

    def _process_checklist_markup(self, when_text, first_log):
        """The 7 steps as an HTML table: done or not, when, by whom, and whether
        on time when the step had a target.

        `when_text`: the times' formatter (_process_checklist_when_formatter);
        `first_log`: {step: its first log} (_process_first_logs). Both built
        once by the caller for many tickets."""
        self.ensure_one()
        target_labels = dict(
            self.env["helpdesk.ticket.step"]
            ._fields["target_state"]
            ._description_selection(self.env)
        )
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
            # Markup's % escapes as format() does, without the Formatter's
            # parsing of the template for each row (most of the rows' cost)
            rows.append(
                CHECKLIST_ROW
                % (
                    CHECK_ICONS["done" if done else "skipped" if skipped else "todo"],
                    number,
                    self._process_text(title),
                    when_text(when)
                    if when
                    else (self.env._("not needed") if skipped else ""),
                    self._process_checklist_who(log),
                    self._process_checklist_target(log, number, target_labels),
                )
            )
        return CHECKLIST_TABLE % Markup("").join(rows)

    @staticmethod
    def _process_checklist_target(log, number, labels):
        """The step's log against its target, as the timeline shows it (the
        first row is the receipt: the assessment's log is the second's)."""
        if not log or number == 1 or not log.target_state:
            return ""
        return TARGET_BADGES[log.target_state] % labels[log.target_state]

    def _process_checklist_who(self, log):
        """Who did a step, and through which main ticket for a report of a major
        incident."""
        if not log:
            return ""
        if log.via_ticket_id:
            return self.env._(
                "%(user)s, via %(main)s",
                user=log.user_id.name,
                main=log.via_ticket_id.number or log.via_ticket_id.display_name,
            )
        return log.user_id.name

    def _process_handler(self):
        """Who handles this ticket: its assignee, else its team's leader (empty
        when neither is set). Every to-do the process gives goes to them."""
        self.ensure_one()
        return self.user_id or self.team_id.user_id

    def _process_agent_env(self):
        """This environment in the language of who handles the ticket: what the
        process writes for agents (to-dos, internal notes) when a customer's
        email or click runs in the customer's language."""
        self.ensure_one()
        # sudo: only the handler's language is read (a customer may not read
        # the team's users)
        lang = self.sudo()._process_handler().lang or self.env.lang
        return self.env(context=dict(self.env.context, lang=lang))

    def _process_ask_agent(self, summary, note=""):
        """A to-do for the people handling the ticket (assignee, else team leader).

        `summary`: text, or a function of an environment giving it, called in
        the assignee's language (a customer's email or click runs in the
        customer's). `note` is text (often the customer's words): escaped, never
        HTML, so a link or a tracking image in a reply stays text in the
        activity and in the email that announces it.
        """
        self.ensure_one()
        user = self._process_handler()
        # asked by the process, not by the customer whose click or email made it,
        # and told in the assignee's language (the gateway runs as the customer)
        ticket = self.with_user(SUPERUSER_ID) if self.env.user.share else self
        ticket = ticket.with_env(ticket.env(context=self._process_agent_env().context))
        if callable(summary):
            summary = summary(ticket.env)
        if user:
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=text_as_html(note) if note else "",
                user_id=user.id,
            )
        else:
            self._process_log_note(summary)
