# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import HelpdeskProcessCommon


@tagged("post_install", "-at_install")
class TestClassOfService(HelpdeskProcessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env.company.helpdesk_cos_policy_id
        cls.other_team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Finance Support", "user_ids": [(6, 0, [cls.agent.id])]}
        )

    def _classify(self, users, blocking=False, team=None):
        ticket = self._create_ticket(
            users_affected=users, is_blocking=blocking, team_id=(team or self.team).id
        )
        return ticket.class_of_service

    # -- the seed's ticket and the thresholds ------------------------------------

    def test_seed_ticket_00003(self):
        """15 students + 1 coordinator, blocking: Priority, High (2 stars)."""
        ticket = self._create_ticket(users_affected=16, is_blocking=True)
        self.assertEqual(ticket.cos_policy_id, self.policy)
        self.assertEqual(ticket.class_of_service, "priority")
        self.assertEqual(ticket.priority, "2")
        self.assertFalse(ticket.priority_manual)
        self.assertEqual(
            ticket.cos_rationale, "16 users affected (Priority: 5–25), blocking work"
        )

    def test_default_boundaries(self):
        self.assertTrue(self.policy.is_default)
        expected = {1: "standard", 4: "standard", 5: "priority", 25: "priority"}
        expected.update({26: "expedite", 10_000_000: "expedite"})
        for users, cos in expected.items():
            self.assertEqual(self._classify(users), cos, f"{users} users")

    def test_rationale_in_words(self):
        ticket = self._create_ticket(users_affected=1)
        self.assertEqual(ticket.cos_rationale, "1 user affected (Standard: 1–4)")
        ticket.users_affected = 30
        self.assertEqual(
            ticket.cos_rationale, "30 users affected (Expedite: 26 or more)"
        )
        self.assertEqual(ticket.priority, "3")

    def test_team_policy_wins_over_company_default(self):
        team_policy = self.env["helpdesk.cos.policy"].create(
            {
                "name": "Finance: small teams",
                "team_ids": [(6, 0, [self.other_team.id])],
                "priority_min_users": 3,
                "expedite_min_users": 10,
            }
        )
        expected = {2: "standard", 3: "priority", 9: "priority", 10: "expedite"}
        for users, cos in expected.items():
            self.assertEqual(self._classify(users, team=self.other_team), cos)
        self.assertEqual(self._classify(9), "priority")
        self.assertEqual(self._classify(10), "priority")
        ticket = self._create_ticket(users_affected=3, team_id=self.other_team.id)
        self.assertEqual(ticket.cos_policy_id, team_policy)
        self.assertEqual(ticket.cos_rationale, "3 users affected (Priority: 3–9)")
        # moving the ticket to another team re-applies that team's policy
        ticket.team_id = self.team
        self.assertEqual(ticket.cos_policy_id, self.policy)
        self.assertEqual(ticket.class_of_service, "standard")

    def test_blocking_option(self):
        self.assertEqual(self._classify(4, blocking=True), "standard")
        self.policy.blocking_raises_class = True
        self.assertEqual(self._classify(4, blocking=True), "priority")
        self.assertEqual(self._classify(25, blocking=True), "expedite")
        self.assertEqual(self._classify(26, blocking=True), "expedite")
        self.assertEqual(self._classify(4, blocking=False), "standard")
        ticket = self._create_ticket(users_affected=16, is_blocking=True)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(
            ticket.cos_rationale,
            "16 users affected (Priority: 5–25), blocking work raises it to Expedite",
        )

    def test_blocking_sorts_first_within_class(self):
        calm = self._create_ticket(name="calm", users_affected=10)
        blocking = self._create_ticket(
            name="blocking", users_affected=10, is_blocking=True
        )
        standard = self._create_ticket(
            name="standard", users_affected=1, is_blocking=True
        )
        found = self.env["helpdesk.ticket"].search(
            [("id", "in", (calm | blocking | standard).ids)]
        )
        self.assertEqual(found.mapped("name"), ["blocking", "calm", "standard"])

    # -- override ----------------------------------------------------------------

    def test_override_needs_reason(self):
        ticket = self._create_ticket(users_affected=3)
        with self.assertRaisesRegex(ValidationError, "needs a reason"):
            ticket.write({"cos_override": "expedite"})
        with self.assertRaisesRegex(ValidationError, "needs a reason"):
            ticket.write({"cos_override": "expedite", "cos_override_reason": "   "})
        self.assertFalse(ticket.cos_override)
        self.assertEqual(ticket.class_of_service, "standard")

    def test_override_with_reason_is_tracked(self):
        ticket = self._create_ticket(users_affected=3)
        self.flush_tracking()
        ticket.with_user(self.agent).write(
            {
                "cos_override": "expedite",
                "cos_override_reason": "Exam in one hour for the whole school",
            }
        )
        self.flush_tracking()
        self.assertEqual(ticket.class_of_service, "expedite")
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(ticket.cos_override_user_id, self.agent)
        # the customer reads the class and the public reason, never the agent's
        # internal justification (portal, ACK email)
        self.assertEqual(
            ticket.cos_rationale,
            "Expedite, set by the support team "
            "(automatically: 3 users affected (Standard: 1–4))",
        )
        message = ticket.message_ids[0]
        tracked = message.sudo().tracking_value_ids.mapped("field_id.name")
        self.assertIn("class_of_service", tracked)
        self.assertIn("cos_override", tracked)
        self.assertIn("cos_override_reason", tracked)
        self.assertEqual(message.author_id, self.agent.partner_id)
        # clearing the override goes back to the automatic class
        ticket.write({"cos_override": False, "cos_override_reason": False})
        self.assertEqual(ticket.class_of_service, "standard")
        self.assertEqual(ticket.cos_rationale, "3 users affected (Standard: 1–4)")

    # -- priority follows the class, unless set by hand --------------------------

    def test_priority_follows_class(self):
        ticket = self._create_ticket(users_affected=2)
        self.assertEqual(ticket.priority, "1")
        ticket.users_affected = 6
        self.assertEqual(ticket.priority, "2")
        self.policy.line_ids.filtered(
            lambda ln: ln.class_of_service == "priority"
        ).priority = "3"
        self.assertEqual(ticket.priority, "3")

    def test_manual_priority_kept(self):
        ticket = self._create_ticket(users_affected=2)
        ticket.with_user(self.agent).priority = "3"
        self.assertTrue(ticket.priority_manual)
        ticket.users_affected = 30
        self.assertEqual(ticket.class_of_service, "expedite")
        ticket.users_affected = 6
        self.assertEqual(ticket.class_of_service, "priority")
        self.assertEqual(ticket.priority, "3", "the agent's stars are kept")
        ticket.action_cos_follow_class()
        self.assertFalse(ticket.priority_manual)
        self.assertEqual(ticket.priority, "2")

    def test_priority_given_at_creation(self):
        same = self._create_ticket(users_affected=16, priority="2")
        self.assertFalse(same.priority_manual)
        other = self._create_ticket(users_affected=16, priority="0")
        self.assertTrue(other.priority_manual)
        self.assertEqual(other.priority, "0")

    def test_form_classifies_live(self):
        with Form(self.env["helpdesk.ticket"].with_user(self.agent)) as form:
            form.name = "LMS slow"
            form.description = "<p>Slow</p>"
            form.team_id = self.team
            self.assertEqual(form.class_of_service, "standard")
            form.users_affected = 16
            form.is_blocking = True
            self.assertEqual(form.class_of_service, "priority")
            self.assertEqual(form.priority, "2")
            self.assertEqual(
                form.cos_rationale, "16 users affected (Priority: 5–25), blocking work"
            )
        ticket = form.record
        self.assertEqual(ticket.priority, "2")
        self.assertFalse(ticket.priority_manual)
        with Form(ticket.with_user(self.agent)) as form:
            form.priority = "3"
        self.assertTrue(ticket.priority_manual)

    # -- bad input ---------------------------------------------------------------

    def test_users_affected_bounds(self):
        ticket = self._create_ticket()
        for bad in (-3, 0, 10_000_001):
            with self.assertRaisesRegex(ValidationError, "'Users affected' must be"):
                ticket.write({"users_affected": bad})
            with self.assertRaisesRegex(ValidationError, "'Users affected' must be"):
                self._create_ticket(users_affected=bad)
        self.assertEqual(ticket.users_affected, 1)

    def test_team_in_one_policy_only(self):
        Policy = self.env["helpdesk.cos.policy"]
        Policy.create({"name": "A", "team_ids": [(6, 0, [self.other_team.id])]})
        with self.assertRaisesRegex(ValidationError, "Finance Support"):
            Policy.create({"name": "B", "team_ids": [(6, 0, [self.other_team.id])]})

    # -- one default per company -------------------------------------------------

    def test_new_default_replaces_old(self):
        new = self.env["helpdesk.cos.policy"].create(
            {"name": "New", "is_default": True}
        )
        self.assertFalse(self.policy.is_default)
        self.assertEqual(self.env.company.helpdesk_cos_policy_id, new)
        self.policy.is_default = True
        self.assertFalse(new.is_default)

    def test_default_cannot_be_removed(self):
        with self.assertRaisesRegex(UserError, "always needs one"):
            self.policy.is_default = False
        with self.assertRaisesRegex(UserError, "always needs one"):
            self.policy.action_archive()
        with self.assertRaisesRegex(UserError, "always needs one"):
            self.policy.unlink()
        self.assertTrue(self.policy.exists() and self.policy.is_default)

    @mute_logger("odoo.sql_db")
    def test_two_defaults_refused_by_database(self):
        self.env["helpdesk.cos.policy"].create({"name": "Second"})
        self.env.flush_all()
        with (
            self.assertRaises(psycopg2.errors.ExclusionViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE helpdesk_cos_policy SET is_default = TRUE "
                "WHERE company_id = %s",
                [self.env.company.id],
            )

    def test_multi_company_default_policy(self):
        company = self.env["res.company"].create({"name": "MindX Ho Chi Minh"})
        policy = company.helpdesk_cos_policy_id
        self.assertTrue(policy.is_default)
        self.assertEqual(policy.company_id, company)
        self.assertEqual(
            policy.line_ids.mapped("priority"),
            ["1", "2", "3"],
            "Medium, High, Very high",
        )
        policy.priority_min_users = 2
        self.manager.company_ids |= company
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "HCM support", "company_id": company.id}
        )
        ticket = self._create_ticket(
            users_affected=3, team_id=team.id, company_id=company.id
        )
        self.assertEqual(ticket.cos_policy_id, policy)
        self.assertEqual(ticket.class_of_service, "priority")
        self.assertEqual(self._classify(3), "standard", "main company unchanged")

    # -- policy changes, existing tickets ----------------------------------------

    def test_policy_change_reclassifies_open_tickets_only(self):
        open_ticket = self._create_ticket(users_affected=4)
        closed_ticket = self._force_stage(
            self._create_ticket(users_affected=4), "closed"
        )
        self.env.flush_all()
        self.policy.priority_min_users = 3
        self.assertEqual(open_ticket.class_of_service, "priority")
        self.assertEqual(open_ticket.priority, "2")
        self.assertEqual(closed_ticket.class_of_service, "standard")

    def test_every_policy_change_reaches_the_next_ticket(self):
        """Tickets read the policies through a cache (_policy_map): each kind of
        change an admin makes must clear it, or new tickets would follow the
        old settings."""
        Policy = self.env["helpdesk.cos.policy"]
        self._classify(1)  # fills the cache
        finance = Policy.create(
            {"name": "Finance", "priority_min_users": 2, "expedite_min_users": 3}
        )
        finance.team_ids = self.other_team  # team moved into a policy
        self.assertEqual(self._classify(2, team=self.other_team), "priority")
        finance.expedite_min_users = 4  # thresholds (read from the record)
        self.assertEqual(self._classify(3, team=self.other_team), "priority")
        finance.line_ids.filtered(lambda ln: ln.class_of_service == "priority").write(
            {"priority": "1"}
        )  # a line's setting
        ticket = self._create_ticket(users_affected=2, team_id=self.other_team.id)
        self.assertEqual(ticket.priority, "1")
        finance.line_ids.filtered(
            lambda ln: ln.class_of_service == "priority"
        ).unlink()  # a class without its line: the class's default priority
        ticket = self._create_ticket(users_affected=2, team_id=self.other_team.id)
        self.assertEqual(ticket.priority, "2")
        self.assertFalse(ticket.sla_ack_deadline)
        finance.team_ids = False  # team out of the policy: the company default
        self.assertEqual(self._classify(2, team=self.other_team), "standard")
        finance.team_ids = self.other_team
        finance.active = False  # archived policy: the company default
        ticket = self._create_ticket(users_affected=2, team_id=self.other_team.id)
        self.assertEqual(ticket.cos_policy_id, self.policy)
        new_default = Policy.create(
            {"name": "New default", "is_default": True, "priority_min_users": 2}
        )
        ticket = self._create_ticket(users_affected=2)
        self.assertEqual(ticket.cos_policy_id, new_default)
        self.assertEqual(ticket.class_of_service, "priority")

    def test_existing_tickets_classified_after_install(self):
        tickets = self._create_ticket(users_affected=16, priority="2")
        tickets |= self._create_ticket(users_affected=1, priority="3")
        self.env.flush_all()
        # as right after the columns are added, before the post-init hook runs
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET class_of_service = NULL, cos_policy_id = NULL,"
            " priority_manual = FALSE WHERE id IN %s",
            [tuple(tickets.ids)],
        )
        self.env.invalidate_all()
        tickets._cos_classify_existing()
        self.assertEqual(tickets.mapped("class_of_service"), ["priority", "standard"])
        self.assertEqual(tickets.mapped("cos_policy_id"), self.policy)
        self.assertEqual(tickets.mapped("priority"), ["2", "3"], "stars kept")
        self.assertEqual(tickets.mapped("priority_manual"), [False, True])

    # -- cost --------------------------------------------------------------------

    def _create_batch(self, count, **extra):
        return self.env["helpdesk.ticket"].create(
            [
                dict(
                    name=f"Batch {count}-{i}",
                    number=f"B{count}-{i}",
                    description="x",
                    **{"team_id": self.team.id, **extra},
                )
                for i in range(count)
            ]
        )

    def _queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_batch_asks_each_team_s_stages_once(self):
        """helpdesk_mgmt searched the stages for every new ticket; a batch now
        asks once per team, and each ticket gets the stage it would have got."""
        Team = type(self.env["helpdesk.ticket.team"])
        asked = []
        original = Team._get_applicable_stages

        def counting(team):
            asked.append(team.id)
            return original(team)

        with patch.object(Team, "_get_applicable_stages", counting):
            tickets = self._create_batch(5) | self._create_batch(
                3, team_id=self.other_team.id
            )
            self.assertEqual(sorted(asked), sorted([self.team.id, self.other_team.id]))
        self.assertEqual(tickets[:5].stage_id, self.team._get_applicable_stages()[:1])
        self.assertEqual(
            tickets[5:].stage_id, self.other_team._get_applicable_stages()[:1]
        )
        self.assertEqual(tickets.stage_id.process_role, "new")

    def test_classification_cost_does_not_grow_per_ticket(self):
        small, large = self._create_batch(10), self._create_batch(500)
        for tickets in (small, large):
            tickets.write({"is_blocking": True})
        self.env.flush_all()
        with self.assertQueryCount(6):
            small._recompute_class_of_service()
            self.env.flush_all()
        self.assertEqual(
            self._queries(large._recompute_class_of_service),
            self._queries(small._recompute_class_of_service),
        )

    def test_batch_create_classification_adds_no_query(self):
        """Classified tickets cost at most a constant more than plain ones.

        The constant is per batch (e.g. one read of a calendar's working time),
        never per ticket: the extra is the same for 10 and for 100 tickets.
        """
        self._create_batch(5, users_affected=16)  # warm the caches
        extra = {}
        for count in (10, 100):
            plain = self._queries(lambda count=count: self._create_batch(count))
            classified = self._queries(
                lambda count=count: self._create_batch(
                    count, users_affected=16, is_blocking=True
                )
            )
            extra[count] = classified - plain
        self.assertEqual(extra[10], extra[100])
        self.assertLessEqual(extra[10], 10)

    # -- access ------------------------------------------------------------------

    def test_manager_edits_policies(self):
        Policy = self.env["helpdesk.cos.policy"].with_user(self.manager)
        policy = Policy.create({"name": "Managers' policy"})
        policy.write({"priority_min_users": 3})
        with Form(policy) as form:
            form.expedite_min_users = 12
        self.assertEqual(policy.expedite_min_users, 12)
        self.assertEqual(len(policy.line_ids), 3)

    def test_settings_show_default_policy(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.helpdesk_cos_policy_id, self.policy)
        self.assertEqual(settings.helpdesk_cos_priority_min_users, 5)
        action = settings.action_open_helpdesk_cos_policy()
        self.assertEqual(action["res_id"], self.policy.id)

    def test_two_defaults_in_one_go_refused(self):
        with self.assertRaisesRegex(ValidationError, "Only one policy per company"):
            self.env["helpdesk.cos.policy"].create(
                [{"name": "X", "is_default": True}, {"name": "Y", "is_default": True}]
            )
        self.assertTrue(self.policy.is_default)
