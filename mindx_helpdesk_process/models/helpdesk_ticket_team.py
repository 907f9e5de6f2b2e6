# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize

from ..tools import webhook
from .helpdesk_escalation_delivery import MANAGERS, TIMEOUT

RECENT_DELIVERIES = 10


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    escalation_email = fields.Char(
        string="Dev Team email",
        help="Escalations of this team's tickets are emailed here, with the "
        "ticket's number, link, class, users affected, findings and workaround.",
    )
    escalation_channel_id = fields.Many2one(
        comodel_name="discuss.channel",
        string="Dev Team channel",
        help="Escalations are also posted in this Discuss channel.",
    )
    escalation_webhook_kind = fields.Selection(
        selection=webhook.KINDS,
        string="Dev Team webhook",
        help="Where the Dev Team lives: Microsoft Teams (a Workflows webhook, posted "
        "an Adaptive Card), Slack (an incoming webhook, posted Block Kit) or any "
        "endpoint taking the generic JSON body.",
    )
    # groups: whoever has the URL may post in the Dev Team's channel
    escalation_webhook_url = fields.Char(
        string="Webhook URL",
        groups=MANAGERS,
        help="Escalations are posted here by a scheduled action, retried when the "
        "endpoint fails. Private and loopback addresses are refused unless the "
        "system parameter mindx_helpdesk_process.webhook_allow_private is True.",
    )
    escalation_recent_delivery_ids = fields.Many2many(
        comodel_name="helpdesk.escalation.delivery",
        string="Recent deliveries",
        compute="_compute_escalation_recent_delivery_ids",
        groups=MANAGERS,
    )

    # the Helpdesk dashboard's SLA lines: open tickets of the team by status
    sla_at_risk_ticket_count = fields.Integer(
        string="SLA at risk", compute="_compute_sla_ticket_counts"
    )
    sla_breached_ticket_count = fields.Integer(
        string="SLA breached", compute="_compute_sla_ticket_counts"
    )

    def _compute_sla_ticket_counts(self):
        counts = {
            (team.id, status): count
            for team, status, count in self.env["helpdesk.ticket"]._read_group(
                [
                    ("team_id", "in", self.ids),
                    ("closed", "=", False),
                    ("sla_status", "in", ("at_risk", "breached")),
                ],
                ["team_id", "sla_status"],
                ["__count"],
            )
        }
        for team in self:
            team.sla_at_risk_ticket_count = counts.get((team.id, "at_risk"), 0)
            team.sla_breached_ticket_count = counts.get((team.id, "breached"), 0)

    def _compute_escalation_recent_delivery_ids(self):
        Delivery = self.env["helpdesk.escalation.delivery"]
        for team in self:
            team.escalation_recent_delivery_ids = Delivery.search(
                [("team_id", "=", team.id)], limit=RECENT_DELIVERIES
            )

    @api.constrains("escalation_webhook_url", "escalation_webhook_kind")
    def _check_escalation_webhook(self):
        for team in self.sudo():
            url, kind = team.escalation_webhook_url, team.escalation_webhook_kind
            problem = url and webhook.check_url(url.strip())
            if problem:
                raise ValidationError(
                    self.env._(
                        "Team %(team)s: the webhook URL must be an http or https "
                        "address (%(problem)s).",
                        team=team.display_name,
                        problem=problem,
                    )
                )
            if url and not kind:
                raise ValidationError(
                    self.env._(
                        "Team %(team)s: choose the kind of the Dev Team webhook "
                        "(Microsoft Teams, Slack or generic JSON).",
                        team=team.display_name,
                    )
                )

    def action_escalation_webhook_test(self):
        """Post a test message now, and say how it went (a manager's button: the
        answer is the point, so it does not go through the outbox). Long for
        its two notifications' texts (sent, failed), written out in full."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGERS):
            raise UserError(
                self.env._("Only helpdesk managers may test the Dev Team webhook.")
            )
        if not (self.escalation_webhook_url and self.escalation_webhook_kind):
            raise UserError(self.env._("Set the webhook's kind and URL first."))
        Delivery = self.env["helpdesk.escalation.delivery"]
        data = {
            "number": "TEST",
            "name": self.env._("Test message: the Dev Team webhook works"),
            "url": f"{self.get_base_url()}/odoo/helpdesk.ticket.team/{self.id}",
            "team": self.name,
            "company": self.company_id.name,
            "findings": self.env._(
                "A test of team %(team)s's escalation webhook, sent from the team's "
                "settings. Nothing to do.",
                team=self.name,
            ),
            "escalated_by": self.env.user.name,
            "test": True,
            "labels": Delivery._payload_labels(),
        }
        try:
            webhook.post_json(
                self.escalation_webhook_url,
                webhook.build_payload(self.escalation_webhook_kind, data),
                timeout=TIMEOUT,
                allow_private=Delivery._allow_private(),
            )
        except webhook.WebhookError as error:
            raise UserError(
                self.env._(
                    "The test message to %(destination)s failed: %(error)s",
                    destination=webhook.url_display(self.escalation_webhook_url),
                    error=str(error),
                )
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Test message sent to %(destination)s.",
                    destination=webhook.url_display(self.escalation_webhook_url),
                ),
            },
        }

    def _escalation_destinations(self):
        """Where an escalation of this team goes, in words an agent may read
        (the webhook's host only)."""
        self.ensure_one()
        # sudo: the channel may be private to the Dev Team, the URL the managers'
        team = self.sudo()
        destinations = [team.escalation_email or ""]
        if team.escalation_channel_id:
            destinations.append(f"#{team.escalation_channel_id.name}")
        if team.escalation_webhook_url:
            kinds = dict(
                self._fields["escalation_webhook_kind"]._description_selection(self.env)
            )
            destinations.append(
                f"{kinds.get(team.escalation_webhook_kind, '')} "
                f"{webhook.url_display(team.escalation_webhook_url)}"
            )
        return [d for d in destinations if d]

    @api.constrains("escalation_email")
    def _check_escalation_email(self):
        for team in self:
            if team.escalation_email and not email_normalize(team.escalation_email):
                raise ValidationError(
                    self.env._(
                        "Team %(team)s: '%(email)s' is not a valid email address for "
                        "the Dev Team.",
                        team=team.display_name,
                        email=team.escalation_email,
                    )
                )

    def _escalation_partner(self):
        """The partner that receives escalation emails (found or created)."""
        self.ensure_one()
        if not self.escalation_email:
            return self.env["res.partner"]
        # sudo: agents escalate but may not create contacts; this one is internal
        return (
            self.env["res.partner"]
            .sudo()
            ._find_or_create_from_emails([self.escalation_email])[0]
        )
