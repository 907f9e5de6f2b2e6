# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The process record can be trusted: tried through the entry points a user or
an attacker really has (external JSON-RPC, Odoo's chat routes with and without a
login, the portal, the mail gateway with raw emails), not only through the ORM."""

import json
from datetime import datetime, timedelta

from lxml import html as lxml_html

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import freeze_all_time, mail_new_test_user

from .common import INBOUND_EMAIL, HelpdeskProcessCommon, HelpdeskProcessHttpCommon

MODULE = "mindx_helpdesk_process"
# What people type on a ticket, written down here on its own (not imported from
# process_rules): any other stored field this addon adds to the ticket must be
# refused to agents and managers alike, whatever the code's list says.
TICKET_USER_INPUTS = {
    "users_affected",
    "is_blocking",
    "cos_override",
    "cos_override_reason",
    "priority",
    "previous_ticket_id",
    "major_incident_id",
    "incident_report_lang",
    "assessment_note",
    "investigation_findings",
    "investigation_scope",
    "investigation_hypothesis",
    "investigation_decision",
    "workaround",
    "escalation_request",
    "escalation_links",
    "root_cause",
    "resolution_summary",
    "permanent_fix_plan",
    "verification_checklist",
    "customer_confirmation",
    "lessons_learned",
    "incident_pattern",
    "kb_recommendation",
    "follow_up_plan",
}
# Configuration a helpdesk manager sets (agents only read it).
CONFIG_INPUTS = {
    "helpdesk.cos.policy": {
        "name",
        "active",
        "sequence",
        "company_id",
        "is_default",
        "team_ids",
        "priority_min_users",
        "expedite_min_users",
        "blocking_raises_class",
        "sla_at_risk_ratio",
        "sla_pause_stage_ids",
        "line_ids",
    },
    "helpdesk.cos.policy.line": {
        "policy_id",
        "sequence",
        "class_of_service",
        "ack_minutes",
        "update_minutes",
        "escalation_minutes",
        "resolve_minutes",
        "working_hours",
        "calendar_id",
        "priority",
    },
}
# Logs of the process: nobody writes them, managers included.
PROCESS_LOGS = ("helpdesk.ticket.step", "helpdesk.sla.breach")
REFUSALS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
}


class JsonRpcMixin:
    """External JSON-RPC (/jsonrpc, execute_kw), as any client library calls it."""

    def _rpc(self, login, model, method, *args, **kwargs):
        uid = self.env["res.users"].search([("login", "=", login)]).id
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    uid,
                    login,
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
        }
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/jsonrpc",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        body = response.json()
        error = body.get("error")
        return body.get("result"), error and error["data"]["name"]

    def _assert_refused(self, error, what):
        self.assertIn(error, REFUSALS, f"{what}: not refused ({error})")


def forged_value(record, fname):
    """A value a forger would send for `fname`: anything other than the current."""
    field = record._fields[fname]
    current = record.sudo()[fname]
    if field.type == "datetime":
        return "2020-01-02 03:04:05"
    if field.type == "boolean":
        return not current
    if field.type in ("integer", "float"):
        return (current or 0) + 7
    if field.type in ("char", "text", "html"):
        return "forged"
    if field.type == "selection":
        values = [v for v, _l in field._description_selection(record.env)]
        return next(v for v in values if v != current)
    if field.type == "many2one":
        other = (
            record.env[field.comodel_name]
            .sudo()
            .search([("id", "not in", current.ids)], limit=1)
        )
        return other.id
    return [Command.clear()]  # one2many / many2many: erase the log


@tagged("post_install", "-at_install")
class TestOnlyTheProcessWritesItsRecord(JsonRpcMixin, HelpdeskProcessHttpCommon):
    """Every stored field this addon adds, written over external RPC by an agent
    and by a manager: refused unless it is a user input."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls._create_ticket(user_id=cls.agent.id, users_affected=3)
        cls.earlier = cls._create_ticket(name="Earlier report")
        cls.ticket.sudo()._process_record_step("assess")
        cls.env["helpdesk.sla.breach"].create(
            {
                "ticket_id": cls.ticket.id,
                "kind": "ack",
                "deadline": fields.Datetime.now(),
                "detected_date": fields.Datetime.now(),
            }
        )
        cls.company_b = cls.env["res.company"].create({"name": "MindX Da Nang"})

    def _input_value(self, fname):
        """A value a user would type (the field is a user input)."""
        return {
            "users_affected": 5,
            "cos_override": "expedite",
            "priority": "2",
            "previous_ticket_id": self.earlier.id,
            "major_incident_id": self.earlier.id,
            "incident_report_lang": "en_US",
        }.get(fname) or forged_value(self.ticket, fname)

    def test_code_and_test_agree_on_the_user_inputs(self):
        Ticket = self.env["helpdesk.ticket"]
        ours = {
            fname
            for fname, field in Ticket._fields.items()
            if field.store and MODULE in (field._modules or ())
        }
        self.assertEqual(ours - Ticket._process_record_fields(), TICKET_USER_INPUTS)

    def test_ticket_fields_refused_unless_user_input(self):
        Ticket = self.env["helpdesk.ticket"]
        stored = sorted(
            fname
            for fname, field in Ticket._fields.items()
            if field.store and MODULE in (field._modules or ())
        )
        self.assertGreater(len(stored), 60)
        for login in ("mindx_agent", "mindx_manager"):
            for fname in stored:
                with self.subTest(login=login, field=fname):
                    self._assert_ticket_write(login, fname)

    def _assert_ticket_write(self, login, fname):
        ticket = self.ticket
        if fname in TICKET_USER_INPUTS:
            values = {fname: self._input_value(fname)}
            if fname == "cos_override":
                values["cos_override_reason"] = "Exam in one hour"
            _result, error = self._rpc(login, ticket._name, "write", ticket.ids, values)
            self.assertFalse(error, f"{fname} is a user input")
            return
        self.env.invalidate_all()
        before = ticket.sudo().read([fname])[0][fname]
        forged = {fname: forged_value(ticket, fname)}
        _result, error = self._rpc(login, ticket._name, "write", ticket.ids, forged)
        self._assert_refused(error, fname)
        self.env.invalidate_all()
        self.assertEqual(ticket.sudo().read([fname])[0][fname], before)

    def test_process_logs_written_by_nobody(self):
        logs = {
            "helpdesk.ticket.step": self.ticket.sudo().process_step_ids,
            "helpdesk.sla.breach": self.ticket.sudo().sla_breach_ids,
        }
        for model, record in logs.items():
            self.assertTrue(record)
            for fname, field in record._fields.items():
                if not field.store or fname in ("id", "display_name"):
                    continue
                for login in ("mindx_agent", "mindx_manager"):
                    with self.subTest(model=model, field=fname, login=login):
                        value = {fname: forged_value(record, fname)}
                        _r, error = self._rpc(login, model, "write", record.ids, value)
                        self._assert_refused(error, f"{model}.{fname}")
            for login in ("mindx_agent", "mindx_manager"):
                _r, error = self._rpc(login, model, "unlink", record.ids)
                self._assert_refused(error, f"unlink {model}")

    def test_configuration_for_managers_only(self):
        policy = self.env.company.helpdesk_cos_policy_id
        records = {
            "helpdesk.cos.policy": policy,
            "helpdesk.cos.policy.line": policy.line_ids[:1],
        }
        for model, record in records.items():
            for fname, field in record._fields.items():
                if not field.store or fname in models_magic_fields():
                    continue
                with self.subTest(model=model, field=fname):
                    value = {fname: forged_value(record, fname)}
                    _r, error = self._rpc(
                        "mindx_agent", model, "write", record.ids, value
                    )
                    self._assert_refused(error, f"agent writes {model}.{fname}")
                    if fname not in CONFIG_INPUTS[model]:
                        _r, error = self._rpc(
                            "mindx_manager", model, "write", record.ids, value
                        )
                        self._assert_refused(error, f"manager writes {model}.{fname}")

    def test_context_defaults_cannot_stamp_a_new_ticket(self):
        values = {"name": "Forged", "team_id": self.team.id}
        for key in ("ack_date", "sla_status", "received_date", "sla_ack_flagged"):
            with self.subTest(default=key):
                context = {f"default_{key}": forged_value(self.ticket, key)}
                _r, error = self._rpc(
                    "mindx_agent", "helpdesk.ticket", "create", values, context=context
                )
                self._assert_refused(error, f"default_{key}")

    def test_copy_and_import_cannot_stamp_either(self):
        _r, error = self._rpc(
            "mindx_agent",
            "helpdesk.ticket",
            "copy",
            self.ticket.ids,
            {"ack_date": "2020-01-01 00:00:00"},
        )
        self._assert_refused(error, "a copy with a step's time")
        result, error = self._rpc(
            "mindx_agent",
            "helpdesk.ticket",
            "load",
            ["name", "team_id/.id", "ack_date", "sla_status"],
            [["Imported", str(self.team.id), "2020-01-01 00:00:00", "met"]],
        )
        self.assertFalse(error)
        self.assertFalse(result["ids"])
        self.assertIn("recorded by the support process", str(result["messages"]))
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("name", "=", "Imported")])
        )

    def test_portal_actions_refused_to_the_customer(self):
        """The ticket's public methods, called by its customer over RPC."""
        for method in (
            "action_process_ack",
            "action_process_confirm_suggestion",
            "action_cos_follow_class",
            "action_correct_received_date",
            "action_process_move",
        ):
            with self.subTest(method=method):
                _r, error = self._rpc(
                    "ha_coordinator", "helpdesk.ticket", method, self.ticket.ids
                )
                self._assert_refused(error, f"the customer calls {method}")

    def test_override_signed_by_the_server(self):
        values = {
            "cos_override": "expedite",
            "cos_override_reason": "Exam in one hour",
            "cos_override_user_id": self.manager.id,
        }
        _r, error = self._rpc(
            "mindx_agent", "helpdesk.ticket", "write", self.ticket.ids, values
        )
        self._assert_refused(error, "a signature sent by the client")
        del values["cos_override_user_id"]
        _r, error = self._rpc(
            "mindx_agent", "helpdesk.ticket", "write", self.ticket.ids, values
        )
        self.assertFalse(error)
        self.assertEqual(self.ticket.cos_override_user_id, self.agent)

    def test_override_reason_stays_internal(self):
        self.ticket.with_user(self.agent).write(
            {"cos_override": "expedite", "cos_override_reason": "Principal's nephew"}
        )
        (read,), error = self._rpc(
            "ha_coordinator",
            "helpdesk.ticket",
            "read",
            self.ticket.ids,
            ["class_of_service", "cos_rationale"],
        )
        self.assertFalse(error)
        self.assertEqual(read["class_of_service"], "expedite")
        self.assertIn("3 users affected", read["cos_rationale"])
        self.assertNotIn("nephew", read["cos_rationale"])
        for fname in ("cos_override_reason", "cos_override_user_id"):
            _r, error = self._rpc(
                "ha_coordinator", "helpdesk.ticket", "read", self.ticket.ids, [fname]
            )
            self._assert_refused(error, f"the customer reads {fname}")
        ack = self.env.ref("mindx_helpdesk_process.mail_template_ack")
        body = ack._render_field("body_html", self.ticket.ids)[self.ticket.id]
        self.assertNotIn("nephew", body)
        self.assertIn("Expedite", body)

    def test_link_to_another_companys_ticket_refused(self):
        self.manager.company_ids = [Command.link(self.company_b.id)]
        team_b = self.env["helpdesk.ticket.team"].create(
            {"name": "Da Nang", "company_id": self.company_b.id}
        )
        other = self._create_ticket(
            name="Da Nang: grades", team_id=team_b.id, company_id=self.company_b.id
        )
        for login in ("mindx_agent", "mindx_manager"):
            with self.subTest(login=login):
                _r, error = self._rpc(
                    login,
                    "helpdesk.ticket",
                    "write",
                    self.ticket.ids,
                    {"previous_ticket_id": other.id},
                )
                self._assert_refused(error, "a link across companies")
                self.assertFalse(self.ticket.previous_ticket_id)

    def test_dialogs_refused_for_tickets_their_user_cannot_change(self):
        own_agent = mail_new_test_user(
            self.env,
            login="mindx_own_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user_own",
        )
        self.team.user_ids = [Command.link(own_agent.id)]
        others = self.ticket  # assigned to the agent, not to own_agent
        for model, values in (
            ("helpdesk.ticket.step.wizard", {"step": "investigate"}),
            ("helpdesk.ticket.move.wizard", {"reason": "x"}),
            ("helpdesk.ticket.received.wizard", {"reason": "x"}),
        ):
            with self.subTest(model=model):
                values = dict(values, ticket_id=others.id)
                if model == "helpdesk.ticket.move.wizard":
                    values["stage_id"] = self.stage_by_role["cancelled"].id
                if model == "helpdesk.ticket.received.wizard":
                    values["received_date"] = "2026-01-01 08:00:00"
                _r, error = self._rpc("mindx_own_agent", model, "create", values)
                self._assert_refused(error, f"{model} for someone else's ticket")
                self.assertFalse(
                    self.env[model].search([("ticket_id", "=", others.id)])
                )

    def test_team_change_keeps_closed_and_cancelled_tickets_where_they_are(self):
        other_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Finance Support", "user_ids": [Command.set(self.agent.ids)]}
        )
        for role in ("closed", "cancelled"):
            with self.subTest(role=role):
                ticket = self._force_stage(self._create_ticket(), role)
                _r, error = self._rpc(
                    "mindx_agent",
                    "helpdesk.ticket",
                    "write",
                    ticket.ids,
                    {"team_id": other_team.id},
                )
                self.assertFalse(error)
                self.assertEqual(ticket.team_id, other_team)
                self.assertEqual(ticket.stage_id.process_role, role)

    def test_team_without_the_tickets_stage_refused(self):
        closed = self.stage_by_role["closed"]
        private_team = self.env["helpdesk.ticket.team"].create({"name": "Exams"})
        self.env["helpdesk.ticket.stage"].create(
            {"name": "Exams inbox", "team_ids": [Command.set(private_team.ids)]}
        )
        ticket = self._force_stage(self._create_ticket(), "closed")
        # the team's stages: its own only, none of them closed
        closed.team_ids = [Command.set(self.team.ids)]
        _r, error = self._rpc(
            "mindx_agent",
            "helpdesk.ticket",
            "write",
            ticket.ids,
            {"team_id": private_team.id},
        )
        self._assert_refused(error, "a team with no stage for the ticket's role")
        self.assertEqual(ticket.stage_id, closed)

    def test_received_time_corrected_by_managers_only_and_logged(self):
        ticket = self.ticket
        for login in ("mindx_agent", "mindx_manager"):
            _r, error = self._rpc(
                login,
                "helpdesk.ticket",
                "write",
                ticket.ids,
                {"received_date": "2020-01-01 00:00:00"},
            )
            self._assert_refused(error, f"{login} rewrites the received time")
        before = ticket.received_date
        earlier = fields.Datetime.to_string(before - timedelta(minutes=50))
        values = {"ticket_id": ticket.id, "received_date": earlier, "reason": "Phone"}
        _r, error = self._rpc(
            "mindx_agent", "helpdesk.ticket.received.wizard", "create", values
        )
        self._assert_refused(error, "an agent's correction")
        wizard_id, error = self._rpc(
            "mindx_manager", "helpdesk.ticket.received.wizard", "create", values
        )
        self.assertFalse(error)
        _r, error = self._rpc(
            "mindx_manager",
            "helpdesk.ticket.received.wizard",
            "action_confirm",
            [wizard_id],
        )
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertEqual(fields.Datetime.to_string(ticket.received_date), earlier)
        note = ticket.message_ids[0]
        self.assertIn("Received time corrected", note.body)
        self.assertIn("Le Thi Manager", note.body)
        self.assertIn("Phone", note.body)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))


def models_magic_fields():
    return {"id", "create_uid", "create_date", "write_uid", "write_date"}


@tagged("post_install", "-at_install")
class TestChatRoutesRecordNoStep(HelpdeskProcessHttpCommon):
    """Odoo's chat route posts as superuser with the caller's context: a post
    that carries the composer's step, from the customer, the holder of the
    portal link or an employee follower, records no step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = mail_new_test_user(
            cls.env, login="mindx_teacher", groups="base.group_user"
        )

    def _ticket_awaiting_ack(self):
        ticket = self._create_ticket(user_id=self.agent.id)
        ticket.sudo()._process_record_step("assess")
        # the customer follows their ticket (as when it came by email): the
        # route keeps only followers among the recipients a non-employee names
        ticket.message_subscribe((self.employee.partner_id | self.customer).ids)
        return ticket

    def _post(self, ticket, **route_kwargs):
        params = {
            "thread_model": "helpdesk.ticket",
            "thread_id": ticket.id,
            "post_data": {
                "body": "ACK: we are on it",
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "partner_ids": ticket.partner_id.ids,
            },
            "context": {
                "mindx_process_step": "ack",
                "default_process_step": "ack",
                "mindx_force_move": True,
                "mindx_move_reason": "forged",
            },
            **route_kwargs,
        }
        with mute_logger("odoo.http"):
            return self.make_jsonrpc_request("/mail/message/post", params)

    def _assert_no_step(self, ticket, body="ACK: we are on it"):
        self.env.invalidate_all()
        self.assertTrue(ticket.message_ids.filtered(lambda m: body in m.body))
        self.assertFalse(ticket.ack_date)
        self.assertEqual(ticket.process_step_ids.mapped("step"), ["assess"])
        self.assertEqual(ticket.stage_id.process_role, "new")

    def test_portal_customer_logged_in(self):
        ticket = self._ticket_awaiting_ack()
        self.authenticate("ha_coordinator", "ha_coordinator")
        self._post(ticket)
        self._assert_no_step(ticket)

    def test_portal_link_and_token_without_login(self):
        ticket = self._ticket_awaiting_ack()
        ticket._portal_ensure_token()
        self._post(ticket, token=ticket.access_token)
        self._assert_no_step(ticket)

    def test_employee_follower(self):
        ticket = self._ticket_awaiting_ack()
        self.authenticate("mindx_teacher", "mindx_teacher")
        self._post(ticket)
        self._assert_no_step(ticket)

    def test_the_agents_own_chat_post_is_no_ack_either(self):
        """The ACK is the composer's template sent by the step button, not any
        chat message: even the agent's post with the context key records nothing."""
        ticket = self._ticket_awaiting_ack()
        self.authenticate("mindx_agent", "mindx_agent")
        self._post(ticket)
        self._assert_no_step(ticket)


@tagged("post_install", "-at_install")
class TestStepMessagesStayAsSent(HelpdeskProcessHttpCommon):
    """Odoo's route lets the author of a comment edit or empty it afterwards."""

    def _update(self, message, body):
        with mute_logger("odoo.http"):
            return self.url_open(
                "/mail/message/update_content",
                data=json.dumps(
                    {
                        "params": {
                            "message_id": message.id,
                            "body": body,
                            "attachment_ids": [],
                        }
                    }
                ),
                headers={"Content-Type": "application/json"},
            ).json()

    def test_the_ack_cannot_be_rewritten_or_deleted(self):
        ticket = self._create_ticket(user_id=self.agent.id)
        ticket.sudo()._process_record_step("assess")
        self._send_step_email(ticket, "ack")
        ack = ticket.process_step_ids.filtered(lambda s: s.step == "ack").message_id
        self.assertTrue(ack)
        sent = ack.body
        self.authenticate("mindx_agent", "mindx_agent")
        for body in ("<p>We answered within a minute.</p>", ""):
            with self.subTest(body=body):
                reply = self._update(ack, body)
                self.assertIn("cannot be edited", reply["error"]["data"]["message"])
                ack.invalidate_recordset()
                self.assertEqual(ack.body, sent)
        # an ordinary comment of the agent stays theirs to edit
        note = ticket.with_user(self.agent).message_post(
            body="typo", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertNotIn("error", self._update(note, "<p>fixed</p>"))
        note.invalidate_recordset()
        self.assertIn("fixed", note.body)


@tagged("post_install", "-at_install")
class TestPortalCloseIsTheCustomers(HelpdeskProcessHttpCommon):
    def test_a_colleague_who_reads_the_ticket_cannot_confirm_it(self):
        school = self.env["res.partner"].create(
            {"name": "Trường THPT Example", "is_company": True}
        )
        self.customer.parent_id = school
        colleague = mail_new_test_user(
            self.env, login="ha_colleague", groups="base.group_portal"
        )
        colleague.partner_id.parent_id = school
        ticket = self._create_ticket()
        self._force_stage(ticket, "resolved")
        ticket.sudo().resolution_date = fields.Datetime.now()
        ticket.with_user(colleague).check_access("read")  # the school's tickets
        self.authenticate("ha_colleague", "ha_colleague")
        page = self.url_open("/my/tickets").text
        marker = 'csrf_token: "'
        start = page.index(marker) + len(marker)
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/ticket/close",
                data={
                    "ticket_id": ticket.id,
                    "csrf_token": page[start : page.index('"', start)],
                },
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ticket.confirmation_date)


@tagged("post_install", "-at_install")
class TestCustomerWordsThroughTheGateway(HelpdeskProcessCommon):
    """Raw emails through the mail gateway: when the SLA clock starts, whose
    reply counts as the customer's, and what customer text becomes."""

    NOW = datetime(2026, 11, 30, 9, 0)

    def setUp(self):
        super().setUp()
        self.enterContext(freeze_all_time(self.NOW))

    @staticmethod
    def _email_date(when):
        return when.strftime("%a, %d %b %Y %H:%M:%S +0000")

    def _new_ticket(self, subject, **kwargs):
        with self.mock_mail_gateway():
            return self._receive_email(subject, **kwargs)

    def test_backdated_email_counts_from_its_arrival(self):
        ticket = self._new_ticket(
            "Backdated by two days",
            date=self._email_date(self.NOW - timedelta(days=2)),
        )
        self.assertEqual(ticket.received_date, self.NOW)
        self.assertEqual(ticket.sla_status, "on_track")
        self.assertFalse(ticket.sla_breach_ids)
        self.assertTrue(
            ticket.message_ids.filtered(lambda m: "not when it reached us" in m.body)
        )

    def test_email_written_minutes_before_arrival_keeps_its_date(self):
        ticket = self._new_ticket(
            "Sent three minutes ago",
            date=self._email_date(self.NOW - timedelta(minutes=3)),
        )
        self.assertEqual(ticket.received_date, self.NOW - timedelta(minutes=3))

    def test_arrival_is_our_servers_trace_not_the_processing_time(self):
        """Fetched an hour late: the clock starts when our server got it."""
        arrived = self.NOW - timedelta(hours=1)
        ticket = self._new_ticket(
            "Fetched late",
            date=self._email_date(arrived - timedelta(minutes=1)),
            received=self._email_date(arrived),
        )
        self.assertEqual(ticket.received_date, arrived - timedelta(minutes=1))

    def test_a_forged_trace_of_our_server_cannot_go_back_weeks(self):
        ticket = self._new_ticket(
            "Forged trace",
            date=self._email_date(self.NOW - timedelta(days=20)),
            received=self._email_date(self.NOW - timedelta(days=20)),
        )
        self.assertEqual(ticket.received_date, self.NOW)

    def _resolved_ticket(self):
        ticket = self._new_ticket("LMS chậm")
        self._force_stage(ticket, "resolved")
        ticket.sudo().resolution_date = self.NOW
        ticket.user_id = self.agent
        return ticket

    def _reply(self, ticket, body, email_from, cc=""):
        first = ticket.message_ids.sorted("id")[0]
        with (
            freeze_all_time(self.NOW + timedelta(minutes=30)),
            self.mock_mail_gateway(),
        ):
            self.format_and_process(
                INBOUND_EMAIL,
                email_from,
                self.team_alias_email,
                subject=f"Re: {ticket.name}",
                target_model="helpdesk.ticket",
                extra=f"In-Reply-To: {first.message_id}\n",
                body=body,
                date=self._email_date(self.NOW + timedelta(minutes=30)),
                return_path=email_from,
                cc=cc,
            )
        ticket.invalidate_recordset()

    def test_a_strangers_reply_is_stored_not_the_customers_word(self):
        ticket = self._resolved_ticket()
        silence = ticket.last_customer_message_date
        self._reply(ticket, "It works now, close it.", "stranger@elsewhere.example")
        self.assertTrue(ticket.message_ids.filtered(lambda m: "It works now" in m.body))
        self.assertFalse(ticket.confirmation_suggestion)
        self.assertEqual(ticket.last_customer_message_date, silence)
        self.assertFalse(ticket.activity_ids)

    def test_a_colleague_counts_only_when_the_company_says_so(self):
        school = self.env["res.partner"].create(
            {"name": "Trường THPT Example", "is_company": True}
        )
        self.customer.parent_id = school
        colleague = self.env["res.partner"].create(
            {
                "name": "Tran Van Colleague",
                "email": "colleague@customer.example.com",
                "parent_id": school.id,
            }
        )
        ticket = self._resolved_ticket()
        self._reply(ticket, "Works for me too.", colleague.email_formatted)
        self.assertFalse(ticket.confirmation_suggestion)
        self.env.company.helpdesk_colleagues_speak_for_customer = True
        self._reply(ticket, "Confirmed by the school.", colleague.email_formatted)
        self.assertEqual(ticket.confirmation_suggestion, "Confirmed by the school.")

    def test_a_strangers_reply_does_not_reopen_a_closed_ticket(self):
        ticket = self._new_ticket("Closed one")
        self._force_stage(ticket, "closed")
        ticket.sudo().closure_date = self.NOW
        self._reply(ticket, "Still broken!", "stranger@elsewhere.example")
        self.assertEqual(ticket.stage_id.process_role, "closed")
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("previous_ticket_id", "=", ticket.id)])
        )

    def test_customer_html_is_text_in_the_agents_activity(self):
        ticket = self._resolved_ticket()
        body = (
            '<p>Fixed, thanks! <img src="https://tracker.example/p.gif"/> '
            '<a href="https://evil.example/login">https://lms.mindx.vn</a></p>'
        )
        self._reply(ticket, body, '"Nguyen Thi Ha" <ha.nguyen@customer.example.com>')
        activity = ticket.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("Fixed, thanks!", str(activity.note))
        self._assert_shown_as_text(activity.note)
        # the notice that tells the agent of the activity quotes the note
        notices = self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.agent.partner_id.ids),
            ]
        )
        self.assertTrue(notices)
        for message in notices:
            self._assert_shown_as_text(message.body)

    def _assert_shown_as_text(self, html):
        """No image loads and no link leads anywhere: the customer's markup is
        shown as the text it was."""
        tree = lxml_html.fromstring(f"<div>{html}</div>")
        self.assertFalse(tree.xpath("//img"), html)
        self.assertFalse(tree.xpath("//a[contains(@href, 'evil')]"), html)
