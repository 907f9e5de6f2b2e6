"""Figure 2: the batch creation of tickets, with tracking and without."""

from ..harness import BULK_CONTEXT, MODULES, log
from ..report import fmt_time, ratio, tq
from .base import Figure


class CreateFigure(Figure):
    """`n` tickets in one create() on each database: with tracking (as the mail
    gateway or the UI create them) and without (as an import)."""

    number = 2
    key = "create"
    label = "2. create tickets"
    title = "2. ticket creation (helpdesk_mgmt, + helpdesk_mgmt_sla, + ours)"
    VARIANTS = (("tracking on", {}), ("tracking off", BULK_CONTEXT))

    def run(self):
        n = self.sizes["n"]
        out = {}
        for variant, context in self.VARIANTS:
            specs = {}
            for key in MODULES:
                vals_list = [self.bench.ticket_vals(key, i) for i in range(n)]

                def action(env, _prepared, vals_list=vals_list):
                    return len(
                        env["helpdesk.ticket"].create([dict(v) for v in vals_list])
                    )

                specs[key] = (key, action, None, context)
            out[variant] = self.bench.measure(specs)
            for key, data in out[variant].items():
                assert data["result"] == n, (key, data["result"])
                log(f"  create {n} ({variant}) on {key}: {fmt_time(data['time'])}")
        return out

    def rows(self, results):
        n = results["run"]["sizes"]["n"]
        rows = []
        for variant, data in results["figures"][self.key].items():
            ours, base, sla = data["mindx"], data["mgmt"], data["sla"]
            r_base = ratio(ours["time"]["median"], base["time"]["median"])
            r_sla = ratio(ours["time"]["median"], sla["time"]["median"])
            c_base = ratio(ours["cpu"]["median"], base["cpu"]["median"])
            rows.append(
                self.row(
                    f"{n} tickets in one create, {variant}",
                    tq(ours),
                    f"mgmt {tq(base)}; sla {tq(sla)}",
                    f"×{r_base:.2f} mgmt (cpu ×{c_base:.2f}), ×{r_sla:.2f} sla",
                    "≤ 1.3 × mgmt, ≤ 1 × sla",
                    r_base <= 1.3 and r_sla <= 1.0,
                )
            )
        return rows
