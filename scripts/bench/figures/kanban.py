"""Figure 7 (issue #24, 2): the ticket kanban's first page for an agent's team."""

from .base import Figure

KEYS = ("mgmt", "mindx")
CARDS = 80
COUNT_LIMIT = 10_001  # the web client's count limit


class KanbanFigure(Figure):
    """The kanban of the team's tickets (`big` of them) as its agent opens it:
    the columns and their counts (web_read_group by stage), their progress bars
    (read_progress_bar), the first 80 cards in the view's order
    (web_search_read with the kanban's field specification)."""

    number = 7
    key = "kanban"
    label = "7. ticket kanban"
    title = "7. ticket kanban, first page (helpdesk_mgmt, ours)"

    def setup(self):
        """helpdesk_mgmt's database gets as many tickets as ours has (the breach
        scan's figure made them)."""
        big = self.sizes["big"]
        self.bench.create_tickets("mgmt", big, f"create {big} tickets (mgmt)")
        self.bench.analyze("mgmt")

    def spec(self, key):
        ctx = self.bench.ctxs[key]
        with self.bench.env(key, commit=False) as env:
            context = self.bench.web_client.client_context(env, ctx["agent"])
            request = self.bench.web_client.kanban_request(
                env(user=ctx["agent"], context=context), "helpdesk.ticket"
            )
        domain = [("team_id", "=", ctx["team"])]

        def action(env, _prepared):
            columns, cards = self.bench.web_client.kanban_load(
                env(user=ctx["agent"], context=context)["helpdesk.ticket"],
                domain,
                request,
                CARDS,
                COUNT_LIMIT,
            )
            group_by = request["group_by"]
            total = sum(g[f"{group_by}_count"] for g in columns["groups"])
            return len(cards["records"]), total

        return (key, action, None, None), request

    def run(self):
        specs, requests = {}, {}
        for key in KEYS:
            specs[key], requests[key] = self.spec(key)
        out = self.bench.measure(specs)
        for key, data in out.items():
            cards, total = data["result"]
            assert cards == CARDS and total >= self.sizes["big"], (key, cards, total)
            data["spec_fields"] = len(requests[key]["spec"])
            data["order"] = requests[key]["order"]
        self.log_measured("kanban on", out, lambda r: f"{r[0]} cards of {r[1]}")
        return out

    def rows(self, results):
        data = results["figures"][self.key]
        ours, base = data["mindx"], data["mgmt"]
        cards, total = ours["result"]
        return [
            self.row_against_mgmt(
                f"columns + progress bars + {cards} cards of {total} "
                f"({ours['spec_fields']} fields vs {base['spec_fields']}), "
                "as the agent",
                data,
                "≤ 1.3 × mgmt",
                lambda r_time, _extra: r_time <= 1.3,
            )
        ]
