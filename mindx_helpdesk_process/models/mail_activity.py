# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _mindx_schedule_batch(self, act_type_xmlid, items):
        """activity_schedule() for (record, user, summary, note) items of one model,
        each with its own note, in one create (activity_schedule takes one note
        for all), each assignee told once (_mindx_notify_assignees)."""
        if not items or self.env.context.get("mail_activity_automation_skip"):
            return self.browse()
        activity_type = self.env.ref(act_type_xmlid)
        model_id = self.env["ir.model"]._get_id(items[0][0]._name)
        today = fields.Date.context_today(self)
        activities = self.with_context(mail_activity_quick_update=True).create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "automated": True,
                    "note": note,
                    "date_deadline": today,
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "user_id": user.id,
                }
                for record, user, summary, note in items
            ]
        )
        activities = activities.with_env(self.env)
        activities._mindx_notify_assignees()
        return activities

    def _mindx_notify_assignees(self):
        """Tell each assignee of these new activities, one message per person.

        Odoo notifies every new activity on its own (a message, and an email for
        most users): a scan flagging hundreds of tickets of one team leader sent
        them hundreds of emails, and spent most of its queries on them (README ▸
        Performance). A single activity keeps Odoo's own notice; several become
        one digest.
        """
        for user, assigned in self.grouped("user_id").items():
            if user == self.env.user:
                continue  # as Odoo: no notice for what one assigns oneself
            # sudo: the notice is the system's, whoever runs the scan
            if len(assigned) == 1:
                assigned.sudo().action_notify()
                continue
            assigned = assigned.with_context(lang=user.lang or self.env.lang)
            base_url = self.env[assigned[:1].res_model].browse().get_base_url()
            body = assigned.env["ir.qweb"]._render(
                "mindx_helpdesk_process.message_sla_activities_assigned",
                {"activities": assigned, "base_url": base_url},
                minimal_qcontext=True,
            )
            self.env["mail.thread"].sudo().with_context(lang=user.lang).message_notify(
                partner_ids=user.partner_id.ids,
                body=body,
                subject=assigned.env._(
                    "%(count)s SLA activities assigned to you", count=len(assigned)
                ),
                email_layout_xmlid="mail.mail_notification_layout",
            )
