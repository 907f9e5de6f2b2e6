# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from textwrap import shorten

import pytz

from odoo import api, models
from odoo.tools import html2plaintext
from odoo.tools.translate import LazyTranslate

from ..models import sla_rules
from ..models.process_rules import STEPS

_lt = LazyTranslate(__name__)

# the report's "total resolution time by phase": label, minutes, the phase's end
PHASES = (
    (_lt("ACK"), "phase_ack_minutes", "ack_date"),
    (_lt("Investigation"), "phase_investigation_minutes", "investigation_date"),
    (_lt("Escalation"), "phase_escalation_minutes", "escalation_date"),
    (_lt("Dev fix"), "phase_dev_fix_minutes", "dev_response_date"),
    (_lt("Verification"), "phase_verification_minutes", "confirmation_date"),
)
EXCERPT_LENGTH = 240


class HelpdeskIncidentReport(models.AbstractModel):
    """The seed's hand-written completion report, generated from a ticket.

    Everything is computed in the language the agent chose for the report
    (`incident_report_lang`), so that labels coming from Python (step names,
    durations, dates) match the template's translated text.
    """

    _name = "report.mindx_helpdesk_process.report_helpdesk_incident"
    _description = "Helpdesk Incident Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["helpdesk.ticket"].browse(docids)
        docs.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "helpdesk.ticket",
            "docs": docs,
            "incident": {
                doc.id: self.with_context(lang=doc.incident_report_lang)._incident(
                    doc.with_context(lang=doc.incident_report_lang)
                )
                for doc in docs
            },
        }

    def _incident(self, ticket):
        tz = self._tz(ticket)
        return {
            "tz": tz,
            "received": self._datetime(ticket.received_date, tz),
            "escalated": self._datetime(ticket.escalation_date, tz),
            "fixed": self._datetime(ticket.dev_response_date, tz),
            "metrics": self._metrics(ticket),
            "timeline": self._timeline(ticket, tz),
            "phases": self._phases(ticket),
            "resolution_total": self._duration(
                ticket.process_resolution_minutes if ticket.resolution_date else None
            ),
            "class_label": dict(
                ticket._fields["class_of_service"]._description_selection(self.env)
            ).get(ticket.class_of_service, ""),
            # the team's email, channel and webhook (its host: the URL is secret)
            "escalation_to": ", ".join(
                ticket.team_id._escalation_destinations() if ticket.team_id else []
            ),
        }

    def _datetime(self, value, tz):
        """`value` in the reader's time zone, written the report language's way
        (its date format, 24-hour minutes: the report is read, not parsed)."""
        if not value:
            return ""
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        local = pytz.utc.localize(value).astimezone(pytz.timezone(tz))
        return local.strftime(f"{lang.date_format} %H:%M")

    def _duration(self, minutes):
        """Minutes as people say them: '9 min', '2 h 05 min', '3 d 4 h'."""
        if minutes is None or minutes is False:
            return ""
        minutes = int(minutes)
        if minutes < 60:
            return self.env._("%(minutes)s min", minutes=minutes)
        hours, rest = divmod(minutes, 60)
        if hours < 24:
            return self.env._(
                "%(hours)s h %(minutes)02d min", hours=hours, minutes=rest
            )
        days, hours = divmod(hours, 24)
        return self.env._("%(days)s d %(hours)s h", days=days, hours=hours)

    def _target_state(self, done, deadline):
        return sla_rules.target_state(done, deadline)

    def _metrics(self, ticket):
        """Key metrics: each with its value, its target and met / missed / none.

        One row per metric, in the order the report prints them: a table kept
        as one literal so that it reads like the report.
        """
        line = ticket.cos_policy_id._line_for(ticket.class_of_service)
        env = self.env
        updates_met, updates_due = self._update_counts(ticket)
        return [
            {
                "label": env._("Acknowledgement (ACK) sent"),
                "value": self._elapsed(ticket.received_date, ticket.ack_date),
                "target": line and self._duration(line.ack_minutes),
                "state": self._target_state(ticket.ack_date, ticket.sla_ack_deadline),
            },
            {
                "label": env._("Escalation after the investigation"),
                "value": self._elapsed(
                    ticket.investigation_date, ticket.escalation_date
                ),
                "target": line and self._duration(line.escalation_minutes),
                "state": self._target_state(
                    ticket.escalation_date, ticket.sla_escalation_deadline
                ),
            },
            {
                "label": env._("Customer updates on time"),
                "value": updates_due
                and env._("%(met)s of %(due)s", met=updates_met, due=updates_due),
                "target": line
                and env._(
                    "every %(duration)s", duration=self._duration(line.update_minutes)
                ),
                "state": updates_due
                and ("met" if updates_met == updates_due else "missed"),
            },
            {
                "label": env._("Total resolution time"),
                "value": self._elapsed(ticket.received_date, ticket.resolution_date),
                "target": line and self._duration(line.resolve_minutes),
                "state": self._target_state(
                    ticket.resolution_date, ticket.sla_resolve_deadline
                ),
            },
            {
                "label": env._("Customer confirmed the resolution"),
                "value": self._datetime(ticket.confirmation_date, self._tz(ticket)),
                "target": "",
                "state": "met" if ticket.confirmation_date else "missed",
            },
            {
                "label": env._("Final summary documented"),
                "value": self._datetime(ticket.summary_date, self._tz(ticket)),
                "target": "",
                "state": "met" if ticket.summary_date else "missed",
            },
        ] + self._satisfaction(ticket)

    def _satisfaction(self, ticket):
        """The customer's last rating (helpdesk_mgmt_rating's), when they gave
        one: its face in words and their comment; no row without a rating."""
        # sudo: the ratings of a ticket the reader may read (checked above)
        ratings = ticket.sudo().rating_ids.filtered(
            lambda r: r.consumed and r.rating >= 1
        )
        if not ratings:
            return []
        rating = ratings.sorted(lambda r: (r.write_date, r.id))[-1]
        face = dict(rating._fields["rating_text"]._description_selection(self.env))[
            rating.rating_text
        ]
        feedback = shorten(
            " ".join((rating.feedback or "").split()),
            EXCERPT_LENGTH,
            placeholder=" …",
        )
        return [
            {
                "label": self.env._("Customer satisfaction"),
                "value": f"{face}: “{feedback}”" if feedback else face,
                "target": "",
                "state": False,
            }
        ]

    @api.model
    def _update_counts(self, ticket):
        """(met, due) update deadlines, counted as the compliance analysis does."""
        return sla_rules.update_counts(
            [
                (s.deadline, s.target_state)
                for s in ticket.process_step_ids
                if s.step == "update"
            ],
            [
                (b.deadline, b.windows_missed)
                for b in ticket.sla_breach_ids
                if b.kind == "update"
            ],
        )

    def _timeline(self, ticket, tz):
        """Every step and every chatter message, in time order.

        A message a step sent (the ACK email, a logged note) is shown once, as the
        step, with the step's target; other messages (customer emails, notes) as
        they are.
        """
        env = self.env
        received = {
            "date": ticket.received_date,
            "action": env._("Request received"),
            "who": ticket.partner_id.name or ticket.partner_email or "",
            "kind": env._("Customer"),
            "detail": "",
            "deadline": "",
            "state": False,
        }
        rows = [received, *self._step_rows(ticket, tz), *self._message_rows(ticket)]
        rows.sort(key=lambda row: row["date"] or ticket.create_date)
        for row in rows:
            row["time"] = self._datetime(row["date"], tz)
        return rows

    def _step_rows(self, ticket, tz):
        env = self.env
        labels = dict(
            env["helpdesk.ticket.step"]._fields["step"]._description_selection(env)
        )
        return [
            {
                "date": step.date,
                "action": labels[step.step],
                "who": step.user_id.name or "",
                "kind": env._("External")
                if STEPS[step.step].kind == "customer"
                else env._("Internal"),
                "detail": self._excerpt(step.message_id),
                "deadline": self._datetime(step.deadline, tz),
                "state": step.target_state,
            }
            for step in ticket.process_step_ids
        ]

    def _message_rows(self, ticket):
        """The chatter's emails and notes that no step sent."""
        env = self.env
        stepped = ticket.process_step_ids.message_id
        messages = ticket.message_ids.filtered(
            lambda m: m.message_type in ("email", "comment")
            and m not in stepped
            and (m.body or m.subject)
        )
        return [
            {
                "date": message.date,
                "action": self._message_label(message),
                "who": message.author_id.name or message.email_from or "",
                "kind": env._("Internal")
                if message.subtype_id.internal
                else env._("External"),
                "detail": self._excerpt(message),
                "deadline": "",
                "state": False,
            }
            for message in messages
        ]

    def _message_label(self, message):
        # a customer with a portal account has a (share) user too
        author = message.author_id
        if message.message_type == "email" and (not author or author.partner_share):
            return self.env._("Email from the customer")
        if message.subtype_id.internal:
            return self.env._("Internal note")
        return self.env._("Message to the customer")

    def _excerpt(self, message):
        if not message:
            return ""
        text = html2plaintext(message.body or "").strip() or message.subject or ""
        return shorten(" ".join(text.split()), EXCERPT_LENGTH)

    def _phases(self, ticket):
        """Time by phase; a phase whose end is not recorded says so."""
        lang = self.env.lang or "en_US"
        return [
            {
                "label": label._translate(lang),
                "value": self._duration(ticket[minutes_field])
                if ticket[end_field]
                else "",
            }
            for label, minutes_field, end_field in PHASES
        ]

    def _tz(self, ticket):
        """The reader's time zone: the printing user's, else the company's hours."""
        company = ticket.company_id or self.env.company
        return self.env.user.tz or company.resource_calendar_id.tz or "UTC"

    def _elapsed(self, start, end):
        if not start or not end:
            return ""
        return self._duration(round((end - start).total_seconds() / 60))
