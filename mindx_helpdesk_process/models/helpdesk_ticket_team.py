# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize


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
