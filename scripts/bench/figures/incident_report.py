"""Figure 9 (issue #24, 4): the incident report's HTML."""

from ..harness import BULK_CONTEXT, CUSTOMERS
from ..report import tq
from .base import Figure

REPORT = "mindx_helpdesk_process.report_helpdesk_incident"
MESSAGES = 200
TARGET_S = 0.3


class IncidentReportFigure(Figure):
    """The incident report rendered as HTML (what the preview shows and the PDF
    is printed from) by the agent: the seed ticket (figure 6 made it), and a
    ticket with 200 chatter messages (customer emails and internal notes, each
    a line of the report's timeline)."""

    number = 9
    key = "incident_report"
    label = "9. incident report"
    title = "9. incident report HTML (ours)"

    def setup(self):
        with (
            self.bench.setup_step(f"ticket with {MESSAGES} messages (mindx)"),
            self.bench.env("mindx", context=BULK_CONTEXT) as env,
        ):
            self.bench.ctxs["mindx"]["chatty"] = self.chatty_ticket(env).id

    def chatty_ticket(self, env):
        """A ticket and its 200 messages: the customer's emails and the agents'
        notes, in turn."""
        ctx = self.bench.ctxs["mindx"]
        ticket = env["helpdesk.ticket"].create(self.bench.ticket_vals("mindx", 0))
        note = env.ref("mail.mt_note").id
        for i in range(MESSAGES):
            if i % 2:
                ticket.message_post(
                    body=f"<p>Checked the LMS logs again ({i}): still slow.</p>",
                    message_type="comment",
                    subtype_id=note,
                    author_id=env["res.users"].browse(ctx["agent"]).partner_id.id,
                )
            else:
                ticket.message_post(
                    body=f"<p>Any news? The class is waiting ({i}).</p>",
                    message_type="email",
                    subtype_xmlid="mail.mt_comment",
                    author_id=ctx["customers"][i % CUSTOMERS],
                )
        return ticket

    def run(self):
        ctx = self.bench.ctxs["mindx"]

        def spec(ticket_key):
            def action(env, _prepared):
                report = env["ir.actions.report"].with_user(ctx["agent"])
                html, _type = report._render_qweb_html(REPORT, [ctx[ticket_key]])
                return len(html)

            return ("mindx", action, None, None)

        out = self.bench.measure({"seed": spec("seed"), "chatty": spec("chatty")})
        self.log_measured("incident report,", out, lambda size: f"{size} bytes")
        return out

    def rows(self, results):
        data = results["figures"][self.key]
        return [
            self.row(
                what,
                f"{tq(data[name])}; {data[name]['result'] // 1024} KiB",
                target="< 300 ms",
                ok=data[name]["time"]["median"] < TARGET_S,
            )
            for name, what in (
                ("seed", "HTML of the seed ticket (10 steps), as the agent"),
                ("chatty", f"HTML of a ticket with {MESSAGES} messages"),
            )
        ]
