"""Figure 6 (issue #24, 1): the ticket form opened by an agent."""

from ..harness import BULK_CONTEXT
from ..seed import create_seed_ticket
from .base import Figure

KEYS = ("mgmt", "mindx")


class FormFigure(Figure):
    """``web_read`` of the seed ticket with the form view's field specification
    (as the web client builds it from the arch get_views returns), as the team's
    agent: helpdesk_mgmt's form and ours, on the same ticket."""

    number = 6
    key = "form"
    label = "6. ticket form"
    title = "6. ticket form open, web_read (helpdesk_mgmt, ours)"

    def setup(self):
        """The seed ticket on both databases (harness.ctxs[key]["seed"])."""
        for key in KEYS:
            with (
                self.bench.setup_step(f"seed ticket ({key})"),
                self.bench.env(key, context=BULK_CONTEXT) as env,
            ):
                ticket = create_seed_ticket(env, self.bench.ctxs[key])
                self.bench.ctxs[key]["seed"] = ticket.id

    def spec(self, key):
        """harness.Harness.measure's spec: the form's specification (built once,
        the client caches its views), then web_read as the agent, with the
        context the client sends."""
        ctx = self.bench.ctxs[key]
        with self.bench.env(key, commit=False) as env:
            context = self.bench.web_client.client_context(env, ctx["agent"])
            fields = self.bench.web_client.form_spec(
                env(user=ctx["agent"], context=context), "helpdesk.ticket"
            )

        def action(env, _prepared):
            agent = env(user=ctx["agent"], context=context)
            ticket = agent["helpdesk.ticket"].browse(ctx["seed"])
            [values] = ticket.web_read(fields)
            return len(values)

        return (key, action, None, None), len(fields)

    def run(self):
        specs, sizes = {}, {}
        for key in KEYS:
            specs[key], sizes[key] = self.spec(key)
        out = self.bench.measure(specs)
        for key, data in out.items():
            data["spec_fields"] = sizes[key]
        self.log_measured("form web_read on", out, lambda n: f"{n} fields")
        return out

    def rows(self, results):
        data = results["figures"][self.key]
        fields = (data["mindx"]["spec_fields"], data["mgmt"]["spec_fields"])
        return [
            self.row_against_mgmt(
                f"web_read of the seed ticket, form spec ({fields[0]} fields "
                f"vs {fields[1]}), as the agent",
                data,
                "≤ 1.5 × mgmt, ≤ +10 q",
                lambda r_time, extra: r_time <= 1.5 and extra <= 10,
            )
        ]
