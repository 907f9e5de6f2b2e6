# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.working_time import WorkingClock
from .process_rules import STEP_SELECTION, STEPS
from .sla_rules import (
    BY_CODE,
    KIND_BY_STEP,
    TARGET_STATES,
    UPDATE_PROMISING_STEPS,
    target_state,
)


class HelpdeskTicketStep(models.Model):
    """One performed step of the process: what, when, who, and the message it made.

    The ticket keeps the date of each step; this log keeps every occurrence (all
    the customer updates, a re-logged investigation) for the timeline and reports,
    each with the deadline it answered and whether it made it.
    """

    _name = "helpdesk.ticket.step"
    _description = "Helpdesk Ticket Process Step"
    _order = "date, id"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    step = fields.Selection(selection=STEP_SELECTION, required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Done by", default=lambda self: self.env.user
    )
    message_id = fields.Many2one(
        comodel_name="mail.message", string="Message", ondelete="set null"
    )
    via_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Done via",
        ondelete="set null",
        help="The main ticket of the major incident on which the step was done for "
        "this report.",
    )
    update_promised = fields.Datetime(
        string="Next update promised",
        help="For an ACK or an update: the next update its email promised, the "
        "deadline of that next update.",
    )
    deadline = fields.Datetime(
        string="Target",
        compute="_compute_target",
        store=True,
        help="When this step was due under the ticket's class of service when it "
        "was done; empty for steps without an SLA target.",
    )
    target_state = fields.Selection(
        selection=TARGET_STATES,
        string="On time?",
        compute="_compute_target",
        store=True,
    )

    @api.depends("step", "date", "ticket_id")
    def _compute_target(self):
        """The deadline the step answered, read from the ticket when it is logged.

        Not kept in step with the ticket's deadlines afterwards: a class changed
        or a policy edited later must not turn an ACK that was on time under the
        class of the day into a late one (timeline, report and compliance figures
        are history). It also spares every stage move a search of the step logs.
        """
        clock = WorkingClock()
        for record in self:
            kind = KIND_BY_STEP.get(record.step)
            if kind == "update":
                deadline = record._update_deadline(clock)
            elif kind:
                deadline = record.ticket_id[BY_CODE[kind].deadline_field]
            else:
                deadline = False
            record.deadline = deadline
            record.target_state = target_state(record.date, deadline)

    def _update_deadline(self, clock):
        """An update is due when the customer's previous email (the ACK, or the
        previous update) promised it; one cadence after that email when it
        promised nothing (logs from before promises were kept)."""
        ticket = self.ticket_id
        line = ticket.cos_policy_id._line_for(ticket.class_of_service)
        customer_steps = {
            code for code, step in STEPS.items() if step.kind == "customer"
        }
        previous = ticket.process_step_ids.filtered(
            lambda s: s.step in customer_steps
            and (s.date, s.id or 0) < (self.date, self.id or 0)
        )
        if not line or not previous:
            return False
        last = previous.sorted(lambda s: (s.date, s.id or 0))[-1]
        if last.update_promised:
            return last.update_promised
        company = ticket.company_id or self.env.company
        return line._sla_add(last.date, line.update_minutes, company, clock)

    @api.model
    def _log(self, tickets, step, date, message=None, via=None):
        """One log line per ticket for `step`, done at `date` by the current user
        (helpdesk.ticket._process_record_step, after checking their right), on
        the main ticket `via` for the reports of a major incident."""
        # sudo: the step log is the process's record, not for users to write
        return self.sudo().create(
            [
                {
                    "ticket_id": ticket.id,
                    "step": step,
                    "date": date,
                    "user_id": self.env.uid,
                    "message_id": message.id if message else False,
                    "via_ticket_id": via.id if via else False,
                    "update_promised": step in UPDATE_PROMISING_STEPS
                    and ticket.sla_update_promised,
                }
                for ticket in tickets
            ]
        )
