# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What opening the agents' screens costs: the ticket form and the kanban.

scripts/bench.sh measures both against helpdesk_mgmt's (issue #24: the form at
most 10 queries more, the kanban at most 1.3 times the time); the counts are
locked here, on the requests the web client sends (web_client.py), so that a
field added to a view or a compute that starts reading per record shows up.
"""

from datetime import datetime, timedelta

from odoo.tests import tagged

from odoo.addons.mail.tests.common import freeze_all_time

from ..models.process_rules import STEP_INPUTS
from ..tools import web_client
from .common import HelpdeskProcessCommon
from .seed_00003 import Replay00003

# a fixed moment after the seed's replay: computed fields that read the clock
# (deadlines, countdowns) see the same ticket whatever the day the suite runs
READ_AT = datetime(2026, 11, 30, 9, 0)
KANBAN_CARDS = 80
# what the step dialogs record, shown in the timeline dialog only
STEP_TEXTS = {
    fname
    for inputs in STEP_INPUTS.values()
    for fname in inputs
    if fname not in ("users_affected", "is_blocking")
}


@tagged("post_install", "-at_install", "is_query_count")
class TestScreenCost(Replay00003, HelpdeskProcessCommon):
    """The form's web_read of the seed ticket (closed, its ten steps logged)
    and the kanban's first page of the team's tickets, as the agent; each
    once before the count, so that registry caches (access rules, views) are
    warm, as in a server that has served the screen before."""

    def _count(self, expected, request):
        """`request()` once to warm up, then its queries counted."""
        with freeze_all_time(READ_AT):
            request()
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(expected):
                return request()

    def _client_env(self):
        """The agent's environment as a web client call makes it."""
        context = web_client.client_context(self.env, self.agent.id)
        return self.env(user=self.agent, context=context)

    def test_form_open_query_count(self):
        """The form reads neither the step log nor the steps' texts (the
        timeline dialog does): its checklist reads the logs in one query."""
        ticket, _stages = self._replay_00003()
        agent_env = self._client_env()
        spec = web_client.form_spec(agent_env, "helpdesk.ticket")
        self.assertFalse(set(spec) & {"process_step_ids", *STEP_TEXTS})
        [values] = self._count(13, lambda: ticket.with_env(agent_env).web_read(spec))
        checklist = str(values["process_checklist_html"])
        self.assertEqual(checklist.count("fa-check-circle"), 7)
        self.assertEqual(checklist.count(">On time</span>"), 3)
        self.assertEqual(values["stage_id"]["id"], ticket.stage_id.id)

    def test_timeline_dialog_query_count(self):
        """The Process tab's "Timeline and what the steps recorded" opens the
        ticket in a form of its own: the ten logged steps and the texts."""
        ticket, _stages = self._replay_00003()
        agent_env = self._client_env()
        action = ticket.with_env(agent_env).action_view_process_timeline()
        self.assertEqual((action["res_id"], action["target"]), (ticket.id, "new"))
        [(view_id, _type)] = action["views"]
        spec = web_client.form_spec(agent_env, "helpdesk.ticket", view_id)
        self.assertLessEqual(set(STEP_TEXTS), set(spec))
        [values] = self._count(3, lambda: ticket.with_env(agent_env).web_read(spec))
        self.assertEqual(len(values["process_step_ids"]), 10)
        self.assertEqual(values["root_cause"], ticket.root_cause)

    def test_steps_texts_fetched_apart(self):
        """Reading a ticket (a list, the gate, the mail gateway) does not fetch
        the texts the step dialogs record: they are a prefetch group of their
        own, read together when one is needed."""
        ticket, _stages = self._replay_00003()
        self.env.invalidate_all()
        ticket = ticket.with_user(self.agent)
        cache = self.env.cache

        def cached(fnames):
            return {
                fname
                for fname in fnames
                if cache.contains(ticket, ticket._fields[fname])
            }

        self.assertTrue(ticket.name)
        self.assertEqual(
            cached({"description", "stage_id", "ack_date"}),
            {"description", "stage_id", "ack_date"},
        )
        self.assertFalse(cached(STEP_TEXTS))
        with self.assertQueryCount(1):
            self.assertTrue(ticket.root_cause)
        self.assertEqual(cached(STEP_TEXTS), STEP_TEXTS)

    def test_kanban_first_page_query_count(self):
        new, in_progress = (self.stage_by_role[r] for r in ("new", "in_progress"))
        # received an hour before the reading: one fixed clock, whatever the day
        with freeze_all_time(READ_AT - timedelta(hours=1)):
            tickets = self._create_ticket() | self._create_ticket(users_affected=16)
            self._force_stage(tickets[1], "in_progress")
            tickets |= self._create_ticket(is_blocking=True)
        agent_env = self._client_env()
        request = web_client.kanban_request(agent_env, "helpdesk.ticket")
        domain = [("team_id", "=", self.team.id)]

        def load():
            return web_client.kanban_load(
                agent_env["helpdesk.ticket"],
                domain,
                request,
                KANBAN_CARDS,
            )

        columns, cards = self._count(12, load)
        self.assertEqual(cards["length"], 3)
        counts = {g["stage_id"][0]: g["stage_id_count"] for g in columns["groups"]}
        self.assertEqual(counts[new.id], 2)
        self.assertEqual(counts[in_progress.id], 1)
