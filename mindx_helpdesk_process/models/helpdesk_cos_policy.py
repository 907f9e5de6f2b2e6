# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from ..tools.numbers import check_whole_numbers

CLASSES_OF_SERVICE = [
    ("standard", "Standard"),
    ("priority", "Priority"),
    ("expedite", "Expedite"),
]
# helpdesk_mgmt's stars; a class's default priority (Medium, High, Very High).
TICKET_PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]
DEFAULT_CLASS_PRIORITY = {"standard": "1", "priority": "2", "expedite": "3"}
# The SLA targets of docs/PROCESS.md in minutes; Standard counts working minutes (a
# working day is 8 hours), Priority and Expedite count around the clock.
DEFAULT_SLA_TARGETS = {
    "expedite": {"ack": 10, "update": 10, "escalation": 10, "resolve": 120},
    "priority": {"ack": 15, "update": 15, "escalation": 20, "resolve": 240},
    "standard": {"ack": 240, "update": 480, "escalation": 480, "resolve": 1440},
}
# users_affected above this is a typo, not an incident
MAX_USERS_AFFECTED = 10_000_000


class HelpdeskCosPolicy(models.Model):
    """How tickets are classified: thresholds, options, and one line per class.

    A company has exactly one default policy; a policy may also name teams, and then
    wins over the default for their tickets. Per-class settings (priority today, SLA
    targets later) live on the lines.
    """

    _name = "helpdesk.cos.policy"
    _description = "Helpdesk Class of Service Policy"
    _order = "company_id, is_default desc, sequence, id"
    _sql_constraints = [
        (
            "one_default_per_company",
            "EXCLUDE (company_id WITH =) WHERE (is_default AND active)",
            "A company can have only one default Class of Service policy.",
        ),
    ]

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    is_default = fields.Boolean(
        string="Company default",
        help="Applies to every ticket of the company whose team has no policy of "
        "its own. Each company has exactly one default policy.",
    )
    team_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.team",
        relation="helpdesk_cos_policy_team_rel",
        column1="policy_id",
        column2="team_id",
        string="Teams",
        check_company=True,
        help="Teams whose tickets follow this policy instead of the company default.",
    )
    priority_min_users = fields.Integer(
        string="Priority from (users)",
        default=5,
        required=True,
        help="A ticket affecting at least this many users is Priority.",
    )
    expedite_min_users = fields.Integer(
        string="Expedite from (users)",
        default=26,
        required=True,
        help="A ticket affecting at least this many users is Expedite.",
    )
    blocking_raises_class = fields.Boolean(
        string="Blocking work raises the class",
        help="When set, a ticket that blocks its users' work is classified one level "
        "higher (Standard becomes Priority, Priority becomes Expedite). When not set, "
        "blocking only sorts the ticket first within its class.",
    )
    sla_at_risk_ratio = fields.Float(
        string="At risk from",
        default=0.8,
        help="Share of a target's time after which a ticket is flagged at risk "
        "(0.8: at 80% of the time).",
    )
    sla_pause_stage_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.stage",
        relation="helpdesk_cos_policy_pause_stage_rel",
        column1="policy_id",
        column2="stage_id",
        string="Stages that pause the resolution clock",
    )
    line_ids = fields.One2many(
        comodel_name="helpdesk.cos.policy.line",
        inverse_name="policy_id",
        string="Classes",
        copy=True,
    )

    @api.constrains("priority_min_users", "expedite_min_users")
    def _check_thresholds(self):
        for policy in self:
            if not 0 < policy.priority_min_users < policy.expedite_min_users:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: the thresholds must be positive and "
                        "ordered: 'Priority from' (%(priority)s) must be at least 1 "
                        "and lower than 'Expedite from' (%(expedite)s).",
                        policy=policy.display_name,
                        priority=policy.priority_min_users,
                        expedite=policy.expedite_min_users,
                    )
                )
            if policy.expedite_min_users > MAX_USERS_AFFECTED:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: 'Expedite from' cannot exceed %(max)s "
                        "users.",
                        policy=policy.display_name,
                        max=MAX_USERS_AFFECTED,
                    )
                )

    @api.constrains("sla_at_risk_ratio")
    def _check_sla_at_risk_ratio(self):
        for policy in self:
            if not 0 < policy.sla_at_risk_ratio < 1:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: 'At risk from' must be between 0 and 1 "
                        "(e.g. 0.8 for 80%% of the time), not %(ratio)s.",
                        policy=policy.display_name,
                        ratio=policy.sla_at_risk_ratio,
                    )
                )

    @api.constrains("team_ids", "active", "company_id")
    def _check_team_in_one_policy(self):
        policies = self.search([("team_ids", "in", self.team_ids.ids)])
        for team in self.team_ids:
            holders = policies.filtered(lambda p, team=team: team in p.team_ids)
            if len(holders) > 1:
                raise ValidationError(
                    self.env._(
                        "Team %(team)s is already in the Class of Service policy "
                        "%(other)s. A team follows one policy: remove it from one "
                        "of them.",
                        team=team.display_name,
                        other=(holders - self)[:1].display_name
                        or holders[1].display_name,
                    )
                )

    @api.constrains("line_ids")
    def _check_one_line_per_class(self):
        for policy in self:
            classes = policy.line_ids.mapped("class_of_service")
            if len(classes) != len(set(classes)):
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s has two lines for the same class: keep one "
                        "line per class.",
                        policy=policy.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_whole_numbers(self, vals, self._THRESHOLD_FIELDS)
            vals.setdefault("line_ids", self._default_line_commands())
        self._hand_over_default(
            [
                vals.get("company_id") or self.env.company.id
                for vals in vals_list
                if vals.get("is_default")
            ]
        )
        policies = super().create(vals_list)
        self._clear_policy_cache()
        return policies

    def write(self, vals):
        check_whole_numbers(self, vals, self._THRESHOLD_FIELDS)
        removing = vals.get("is_default") is False or vals.get("active") is False
        if removing and not self.env.context.get("cos_default_handover"):
            self._check_default_kept()
        if vals.get("is_default"):
            self._hand_over_default(
                [vals.get("company_id") or p.company_id.id for p in self],
                keep=self,
            )
        res = super().write(vals)
        if self._RECLASSIFY_FIELDS & set(vals):
            self._clear_policy_cache()
            self._reclassify_open_tickets()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_default(self):
        self._check_default_kept()

    def unlink(self):
        res = super().unlink()
        self._clear_policy_cache()
        return res

    _THRESHOLD_FIELDS = ("priority_min_users", "expedite_min_users")
    _RECLASSIFY_FIELDS = {
        "is_default",
        "team_ids",
        "active",
        "company_id",
        "priority_min_users",
        "expedite_min_users",
        "blocking_raises_class",
        "line_ids",
        "sla_at_risk_ratio",
        "sla_pause_stage_ids",
    }

    def _default_line_commands(self):
        return [
            fields.Command.create(
                {
                    "class_of_service": code,
                    "priority": priority,
                    "ack_minutes": DEFAULT_SLA_TARGETS[code]["ack"],
                    "update_minutes": DEFAULT_SLA_TARGETS[code]["update"],
                    "escalation_minutes": DEFAULT_SLA_TARGETS[code]["escalation"],
                    "resolve_minutes": DEFAULT_SLA_TARGETS[code]["resolve"],
                    "working_hours": code == "standard",
                }
            )
            for code, priority in DEFAULT_CLASS_PRIORITY.items()
        ]

    def _check_default_kept(self):
        defaults = self.filtered(lambda p: p.is_default and p.active)
        if defaults:
            raise UserError(
                self.env._(
                    "%(policy)s is the default Class of Service policy of %(company)s "
                    "and a company always needs one. Mark another policy of that "
                    "company as default first.",
                    policy=defaults[0].display_name,
                    company=defaults[0].company_id.display_name,
                )
            )

    @api.model
    def _hand_over_default(self, company_ids, keep=None):
        """Take the default flag from the current defaults of these companies.

        Called before another policy becomes the default, so that a company never
        has two (the database refuses that too).
        """
        if len(company_ids) != len(set(company_ids)):
            raise ValidationError(
                self.env._(
                    "Only one policy per company can be the default: mark a single "
                    "policy as 'Company default'."
                )
            )
        others = self.search(
            [
                ("is_default", "=", True),
                ("company_id", "in", company_ids),
                ("id", "not in", (keep or self.browse()).ids),
            ]
        )
        if others:
            # not a removal: another policy takes the flag over
            others.with_context(cos_default_handover=True).write({"is_default": False})
            # the database must see it before the new default is inserted
            others.flush_recordset(["is_default"])

    def _reclassify_open_tickets(self):
        """Re-apply policies to open tickets; closed ones keep the class they had."""
        tickets = self.env["helpdesk.ticket"].search(
            [("company_id", "in", self.company_id.ids), ("closed", "=", False)]
        )
        tickets._recompute_class_of_service()

    @api.model
    def _policy_by_ticket(self, tickets):
        """The policy of each ticket: its team's, else its company's default."""
        cached = self._policy_map()
        result = {}
        for ticket in tickets:
            company = ticket.company_id or self.env.company
            policy_id = cached["by_team"].get(ticket.team_id.id) or cached[
                "by_company"
            ].get(company.id)
            result[ticket] = self.browse(policy_id)
        return result

    @api.model
    @tools.ormcache()
    def _policy_map(self):
        """What tickets read of the policies, as ids and values, all companies:
        policy by team, default policy by company, line by (policy, class), and
        each policy's thresholds, at-risk ratio and pause stages.

        Every new ticket and every stage move need them, the mail gateway's too:
        searching and reading them cost five queries per email, two per move.
        Admins change policies once in a while: the map is cached per registry and
        any change to a policy or a line clears it (_clear_policy_cache), in every
        worker.
        """
        # sudo: classification must not depend on who creates the ticket (the mail
        # gateway, a portal customer); only the policies' settings are read
        # archived ones too: their tickets keep reading their settings
        policies = self.sudo().with_context(active_test=False).search([])
        by_team, by_company = {}, {}
        for policy in policies.filtered("active"):
            for team in policy.team_ids:
                by_team[team.id] = policy.id
            if policy.is_default:
                by_company[policy.company_id.id] = policy.id
        lines = (
            self.env["helpdesk.cos.policy.line"]
            .sudo()
            .search_fetch([], ["policy_id", "class_of_service"])
        )
        return tools.frozendict(
            by_team=tools.frozendict(by_team),
            by_company=tools.frozendict(by_company),
            line_by_class=tools.frozendict(
                {(line.policy_id.id, line.class_of_service): line.id for line in lines}
            ),
            thresholds=tools.frozendict(
                {
                    policy.id: (
                        policy.priority_min_users,
                        policy.expedite_min_users,
                        policy.blocking_raises_class,
                    )
                    for policy in policies
                }
            ),
            at_risk_ratio=tools.frozendict(
                {policy.id: policy.sla_at_risk_ratio for policy in policies}
            ),
            pause_stage_ids=tools.frozendict(
                {
                    policy.id: frozenset(policy.sla_pause_stage_ids.ids)
                    for policy in policies
                }
            ),
        )

    def _sla_at_risk_ratio(self):
        """The share of a target's time after which a ticket is at risk."""
        return (self and self._policy_map()["at_risk_ratio"].get(self.id)) or 0.8

    def _sla_pauses_in(self, stage):
        """Whether a ticket under this policy stops its resolution clock in `stage`."""
        return bool(self) and stage.id in self._policy_map()["pause_stage_ids"].get(
            self.id, ()
        )

    def _clear_policy_cache(self):
        self.env.registry.clear_cache()

    def _thresholds(self):
        """(priority_min_users, expedite_min_users, blocking_raises_class), from
        the cached map: every ticket form says its class in words with them
        (cos_rationale), and reading the policy there costs a query per form."""
        self.ensure_one()
        return self._policy_map()["thresholds"].get(self.id) or (
            self.priority_min_users,
            self.expedite_min_users,
            self.blocking_raises_class,
        )

    def _classify(self, users_affected, is_blocking):
        """(class, raised_by_blocking) for a ticket under this policy."""
        priority_min, expedite_min, blocking_raises = self._thresholds()
        if users_affected >= expedite_min:
            code = "expedite"
        elif users_affected >= priority_min:
            code = "priority"
        else:
            code = "standard"
        if is_blocking and blocking_raises and code != "expedite":
            return ("priority" if code == "standard" else "expedite"), True
        return code, False

    def _priority_for(self, class_of_service):
        line = self._line_for(class_of_service)
        return line.priority or DEFAULT_CLASS_PRIORITY[class_of_service]

    def _line_for(self, class_of_service):
        """This policy's line for the class (empty without policy or line)."""
        line_id = self and self._policy_map()["line_by_class"].get(
            (self.id, class_of_service)
        )
        return self.env["helpdesk.cos.policy.line"].browse(line_id or ())

    def _range_label(self, class_of_service):
        """The users range of a class in words, e.g. '5–25' or '26 or more'."""
        priority_min, expedite_min, _blocking_raises = self._thresholds()
        if class_of_service == "expedite":
            return self.env._("%(min)s or more", min=expedite_min)
        if class_of_service == "priority":
            low, high = priority_min, expedite_min - 1
        else:
            low, high = 1, priority_min - 1
        return f"{low}–{high}" if low != high else str(low)

    def _rationale(self, users_affected, is_blocking, labels, reports=1):
        """The automatic class in words, e.g. "15 users affected (Priority: 5–25),
        blocking work raises it to Expedite", or for a major incident "36 users
        affected across 3 reports (Expedite: 26 or more)"; `labels`: the classes'
        labels in the reader's language."""
        self.ensure_one()
        unit = (
            self.env._("user affected")
            if users_affected == 1
            else self.env._("users affected")
        )
        if reports > 1:
            unit = self.env._(
                "%(unit)s across %(reports)s reports", unit=unit, reports=reports
            )
        base_class = self._classify(users_affected, False)[0]
        text = self.env._(
            "%(count)s %(unit)s (%(cls)s: %(range)s)",
            count=users_affected,
            unit=unit,
            cls=labels[base_class],
            range=self._range_label(base_class),
        )
        raised_class, raised = self._classify(users_affected, is_blocking)
        if raised:
            return self.env._(
                "%(text)s, blocking work raises it to %(cls)s",
                text=text,
                cls=labels[raised_class],
            )
        if is_blocking:
            return self.env._("%(text)s, blocking work", text=text)
        return text
