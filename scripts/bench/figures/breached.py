"""Figure 3: counting the breached tickets (the managers' filter)."""

from ..harness import log
from ..report import fmt_time, ratio, tq
from .base import Figure

# each database's filter of the breached tickets
DOMAINS = {
    "mindx": [("sla_status", "=", "breached")],
    "sla": [("sla_expired", "=", True)],
}


def plans(data):
    idx = sorted({i for p in data["explain"] for i in p["indexes"]})
    seq = sorted({s for p in data["explain"] for s in p["seq_scans"]})
    return f"index: {', '.join(idx) or '-'}; seq scan: {', '.join(seq) or '-'}"


class BreachedFigure(Figure):
    """search_count of the breached tickets among `big`, `due` of them breached:
    ours (after the breach scan of figure 1) and helpdesk_mgmt_sla's."""

    number = 3
    key = "breached"
    label = "3. breached filter"
    title = "3. breached tickets (ours, helpdesk_mgmt_sla)"

    def setup(self):
        big, due = self.sizes["big"], self.sizes["due"]
        ids = self.bench.create_tickets("sla", big, f"create {big} tickets (sla)")
        with (
            self.bench.setup_step("SLA deadlines set by SQL (sla)"),
            self.bench.env("sla") as env,
        ):
            # helpdesk_mgmt_sla counts from create_date, which the ORM cannot set:
            # `due` tickets get a passed deadline, the others one far off
            env.cr.execute(
                "UPDATE helpdesk_ticket_sla SET deadline = CASE WHEN ticket_id IN %s "
                "THEN now() at time zone 'utc' - interval '5 minutes' "
                "ELSE now() at time zone 'utc' + interval '30 days' END",
                [tuple(ids[:due])],
            )
        self.bench.analyze("sla")

    def run(self):
        expected = self.sizes["due"]
        specs = {
            key: (
                key,
                lambda env, _p, domain=domain: env["helpdesk.ticket"].search_count(
                    domain
                ),
                None,
                None,
            )
            for key, domain in DOMAINS.items()
        }
        out = self.bench.measure(specs)
        for key, domain in DOMAINS.items():
            assert out[key]["result"] == expected, (key, out[key]["result"])
            out[key]["domain"] = str(domain)
            out[key]["explain"] = self.bench.explain_action(
                key,
                lambda env, domain=domain: env["helpdesk.ticket"].search_count(domain),
                lambda q: q.startswith("SELECT"),
            )
            log(f"  search_count {domain} on {key}: {fmt_time(out[key]['time'])}")
        return out

    def rows(self, results):
        ours, sla = (results["figures"][self.key][k] for k in ("mindx", "sla"))
        return [
            self.row(
                f"search_count among {results['run']['sizes']['big']}: "
                f"{ours['result']} found",
                f"{tq(ours)}; {plans(ours)}",
                f"sla {tq(sla)}; {plans(sla)}",
                f"×{ratio(ours['time']['median'], sla['time']['median']):.2f} sla",
                "(compare; index use)",
            )
        ]

    def explains(self, results):
        data = results["figures"][self.key]
        return [
            ("3. ours: sla_status = breached", data["mindx"]["explain"]),
            ("3. helpdesk_mgmt_sla: sla_expired = True", data["sla"]["explain"]),
        ]
