# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import timedelta

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, str2bool

from ..tools import webhook

MANAGERS = "helpdesk_mgmt.group_helpdesk_manager"
CRON_XMLID = "mindx_helpdesk_process.ir_cron_deliver_escalations"
ALLOW_PRIVATE_PARAM = "mindx_helpdesk_process.webhook_allow_private"
# five attempts, the waits doubling from a minute: 1, 2, 4, 8 minutes
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)
# (connect, read) seconds: a cron worker waits this long at most per attempt
TIMEOUT = (3.05, 10)
# deliveries looked at per lock attempt (the first one free is sent)
LOCK_CANDIDATES = 20

STATES = [("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed")]


class HelpdeskEscalationDelivery(models.Model):
    """One escalation to post to a team's webhook (Microsoft Teams, Slack, any
    JSON endpoint): the outbox between the agent's step and the network.

    The step records the delivery and returns; the scheduled action posts it,
    retries with backoff, and when it gives up tells the agent (a note, an
    activity). Written by the process only (sudo); a manager may send a failed
    one again. The URL's path and query are a secret (whoever has them may post
    in the Dev Team's channel): agents see its host only.
    """

    _name = "helpdesk.escalation.delivery"
    _description = "Helpdesk Escalation Delivery"
    _order = "create_date desc, id desc"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team", ondelete="set null", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Escalated by",
        help="Told when the delivery fails for good.",
    )
    kind = fields.Selection(selection=webhook.KINDS, required=True)
    url = fields.Char(string="URL", required=True, groups=MANAGERS)
    url_display = fields.Char(
        string="Destination",
        compute="_compute_url_display",
        store=True,
        help="The webhook's host: the rest of its URL is a secret.",
    )
    payload = fields.Text(
        required=True, groups=MANAGERS, help="The JSON body posted, as built."
    )
    state = fields.Selection(
        selection=STATES, string="Status", required=True, default="pending", index=True
    )
    attempt_count = fields.Integer(string="Attempts")
    last_attempt_date = fields.Datetime(string="Last attempt")
    last_error = fields.Char(string="Last error")
    next_attempt_date = fields.Datetime(
        string="Next attempt", default=fields.Datetime.now, index=True
    )
    sent_date = fields.Datetime(string="Sent on")
    activity_id = fields.Many2one(comodel_name="mail.activity", ondelete="set null")

    @api.depends("url")
    def _compute_url_display(self):
        for delivery in self:
            delivery.url_display = webhook.url_display(delivery.sudo().url)

    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for delivery in self:
            delivery.display_name = (
                f"{delivery.ticket_id.number} - {kinds.get(delivery.kind, '')}"
            )

    def _destination_label(self):
        """ "Microsoft Teams (Workflows) https://host/…": where it goes, no secret."""
        self.ensure_one()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return f"{kinds[self.kind]} {self.url_display}"

    # -- the outbox: recorded by the step, posted by the cron -------------------------

    @api.model
    def _enqueue(self, ticket, team):
        """Record the escalation of `ticket` to `team`'s webhook and wake the cron.

        Nothing is sent here: the agent's step must not wait for the network.
        The cron is triggered for now and Odoo wakes a cron worker once the
        step's transaction commits, so the Dev Team hears of it at once when the
        endpoint is up.
        """
        # sudo: the URL is the managers' secret, the agent escalates all the same
        kind, url = (
            team.sudo().escalation_webhook_kind,
            team.sudo().escalation_webhook_url,
        )
        payload = webhook.build_payload(kind, self._payload_data(ticket))
        # sudo: the outbox is the process's record; agents only read it
        delivery = self.sudo().create(
            {
                "ticket_id": ticket.id,
                "team_id": team.id,
                "user_id": self.env.user.id,
                "kind": kind,
                "url": url,
                "payload": json.dumps(payload, ensure_ascii=False),
            }
        )
        self._trigger_cron()
        return delivery.sudo(False)

    @api.model
    def _trigger_cron(self, at=None):
        # sudo: agents and managers may not read scheduled actions
        self.env.ref(CRON_XMLID).sudo()._trigger(at)

    @api.model
    def _payload_labels(self):
        """The payload's headings, in the language of whoever escalates (the Dev
        Team reads the agent's words)."""
        _ = self.env._
        return {
            "escalation": _("Escalation"),
            "ticket": _("Ticket"),
            "class": _("Class of Service"),
            "users": _("Users affected"),
            "blocking": _("blocking work"),
            "findings": _("Investigation findings"),
            "request": _("Request to the Dev Team"),
            "workaround": _("Workaround given to the customer"),
            "links": _("Links"),
            "reports": _("Linked reports (major incident)"),
            "open": _("Open the ticket"),
        }

    @api.model
    def _payload_data(self, ticket):
        """The ticket's data for the payload builders (tools/webhook.py)."""
        return {
            "id": ticket.id,
            "number": ticket.number,
            "name": ticket.name,
            "url": f"{ticket.get_base_url()}/odoo/helpdesk.ticket/{ticket.id}",
            "class_of_service": ticket.class_of_service,
            "class_label": ticket.cos_label,
            # a major incident's main ticket: the whole impact, and its reports
            "users_affected": ticket.incident_users_affected,
            "is_blocking": ticket.incident_is_blocking,
            "team": ticket.team_id.name,
            "company": ticket.company_id.name,
            "findings": ticket.investigation_findings,
            "request": ticket.escalation_request,
            "workaround": ticket.workaround,
            "links": ticket.escalation_links,
            "reports": "\n".join(
                self.env._(
                    "%(number)s: %(customer)s, %(users)s users affected",
                    number=report.number,
                    customer=report.partner_id.display_name
                    or report.partner_name
                    or "",
                    users=report.users_affected,
                )
                for report in ticket.major_incident_ticket_ids
            ),
            "escalated_by": self.env.user.name,
            "escalated_at": fields.Datetime.now().isoformat() + "Z",
            "labels": self._payload_labels(),
        }

    @api.model
    def _cron_deliver(self):
        """Post the next due delivery; the cron runner commits and calls again.

        One delivery per call, its state written in the same transaction as its
        lock: the runner commits it before the next call (up to 10 calls a run,
        then it runs again at once while deliveries are due), so a crash or a
        restart never posts a delivery whose success was already recorded.
        """
        delivery = self._lock_next_due()
        if delivery:
            delivery._attempt()
        remaining = self.search_count(self._due_domain(), limit=LOCK_CANDIDATES)
        self.env["ir.cron"]._notify_progress(done=len(delivery), remaining=remaining)
        return delivery

    @api.model
    def _due_domain(self):
        return [
            ("state", "=", "pending"),
            ("next_attempt_date", "<=", fields.Datetime.now()),
        ]

    @api.model
    def _lock_next_due(self):
        """The first due delivery no other worker holds, locked until commit.

        SKIP LOCKED passes over a delivery another worker is posting. Under
        REPEATABLE READ a delivery another worker posted and committed after this
        transaction's snapshot still looks due here, and locking it raises a
        serialization failure instead: it is skipped too (its state is already
        written). Each candidate is locked in its own savepoint so that such a
        failure leaves the transaction usable.
        """
        self.env.flush_all()
        candidates = self.env.execute_query(
            SQL(
                "SELECT id FROM helpdesk_escalation_delivery WHERE state = 'pending' "
                "AND next_attempt_date <= %s ORDER BY next_attempt_date, id LIMIT %s",
                fields.Datetime.now(),
                LOCK_CANDIDATES,
            )
        )
        for (delivery_id,) in candidates:
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        SQL(
                            "SELECT id FROM helpdesk_escalation_delivery "
                            "WHERE id = %s AND state = 'pending' "
                            "FOR NO KEY UPDATE SKIP LOCKED",
                            delivery_id,
                        ),
                        log_exceptions=False,
                    )
                    locked = self.env.cr.fetchone()
            except SerializationFailure:
                continue
            if locked:
                return self.browse(delivery_id)
        return self.browse()

    def _allow_private(self):
        # sudo: the cron's setting, read whoever triggers a post
        value = self.env["ir.config_parameter"].sudo().get_param(ALLOW_PRIVATE_PARAM)
        return str2bool(value or "False", default=False)

    def _attempt(self):
        """Post this delivery once and record what happened."""
        self.ensure_one()
        # sudo: the outbox is the process's record (the cron, a manager's retry)
        delivery = self.sudo()
        now = fields.Datetime.now()
        try:
            webhook.post_json(
                delivery.url,
                json.loads(delivery.payload),
                timeout=TIMEOUT,
                allow_private=self._allow_private(),
                headers={"X-Mindx-Delivery": str(delivery.id)},
            )
        except webhook.WebhookError as error:
            delivery._record_failure(str(error), error.retryable, now)
        else:
            delivery.write(
                {
                    "state": "sent",
                    "sent_date": now,
                    "last_attempt_date": now,
                    "attempt_count": delivery.attempt_count + 1,
                    "last_error": False,
                    "next_attempt_date": False,
                }
            )
            if delivery.activity_id:
                delivery.activity_id.action_feedback(
                    feedback=delivery.env._("Delivered on a later attempt.")
                )

    def _record_failure(self, error, retryable, now):
        """Retry later (1, 2, 4, 8 minutes), or give up and say so."""
        attempts = self.attempt_count + 1
        values = {
            "attempt_count": attempts,
            "last_attempt_date": now,
            "last_error": webhook.shorten(error, 500),
        }
        if retryable and attempts < MAX_ATTEMPTS:
            next_attempt = now + FIRST_RETRY * 2 ** (attempts - 1)
            self.write(dict(values, next_attempt_date=next_attempt))
            self._trigger_cron(next_attempt)
            return
        self.write(dict(values, state="failed", next_attempt_date=False))
        self._announce_failure()

    def _announce_failure(self):
        """An internal note on the ticket and an activity for the agent who
        escalated (else whoever handles the ticket), in their language."""
        ticket = self.ticket_id
        user = self.user_id
        if not user.active or user.share:
            user = ticket._process_handler()
        env = self.env["helpdesk.sla.breach"]._reader_env(ticket, user)
        note = env._(
            "The escalation to %(destination)s was not delivered (%(attempts)s "
            "attempts): %(error)s. Tell the Dev Team another way, or ask a helpdesk "
            "manager to fix the webhook and send it again (Escalation deliveries).",
            destination=self.with_env(env)._destination_label(),
            attempts=self.attempt_count,
            error=self.last_error,
        )
        ticket._process_log_note(Markup("<p>{}</p>").format(note))
        if user:
            activity = self.env["mail.activity"]._mindx_schedule_batch(
                "mail.mail_activity_data_warning",
                [(ticket, user, env._("Escalation not delivered"), note)],
            )
            self.activity_id = activity[:1]

    # -- a manager sends a failed delivery again ---------------------------------------

    def action_retry(self):
        """Send failed deliveries again: attempts from zero, to the team's
        current URL when it is still of the same kind (the manager fixed it)."""
        if not self.env.user.has_group(MANAGERS):
            raise UserError(
                self.env._("Only helpdesk managers may send an escalation again.")
            )
        self.check_access("read")
        failed = self.filtered(lambda d: d.state == "failed")
        if not failed:
            raise UserError(self.env._("Only failed deliveries can be sent again."))
        now = fields.Datetime.now()
        # sudo: the outbox is written by the process only; this is its retry
        for delivery in failed.sudo():
            team = delivery.team_id
            values = {
                "state": "pending",
                "attempt_count": 0,
                "next_attempt_date": now,
            }
            if team.escalation_webhook_url and team.escalation_webhook_kind == (
                delivery.kind
            ):
                values["url"] = team.escalation_webhook_url
            delivery.write(values)
        self._trigger_cron()
        return True
