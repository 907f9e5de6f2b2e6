"""Figure 4: inbound emails through the mail gateway."""

import time
from email.utils import formatdate

from ..harness import CUSTOMERS, log, summary
from ..report import fmt_time, ratio, tq
from .base import Figure


class EmailFigure(Figure):
    """`n` emails (half new requests, half replies to them) through message_process,
    as fetchmail receives them, on helpdesk_mgmt alone and with ours."""

    number = 4
    key = "email"
    label = "4. inbound email"
    title = "4. inbound email (helpdesk_mgmt, + ours)"

    def raw_emails(self, key):
        """Half new requests, half replies to them (In-Reply-To), interleaved."""
        emails = []
        now = time.time()
        for i in range(self.sizes["n"]):
            k = i // 2
            customer = k % CUSTOMERS
            subject = f"LMS is slow for class WEB{k:04d}"
            headers = [
                f"From: Customer {customer} <customer{customer}@example.com>",
                f"To: {self.bench.ctxs[key]['alias']}",
                f"Date: {formatdate(now, localtime=False)}",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit",
            ]
            if i % 2 == 0:
                headers += [
                    f"Message-ID: <bench-{k}@example.com>",
                    f"Subject: {subject}",
                ]
                body = (
                    f"Hello,\n15 students of class WEB{k:04d} cannot submit their "
                    "assignments: the LMS is very slow since this morning.\n"
                )
            else:
                headers += [
                    f"Message-ID: <bench-{k}-re@example.com>",
                    f"In-Reply-To: <bench-{k}@example.com>",
                    f"References: <bench-{k}@example.com>",
                    f"Subject: Re: {subject}",
                ]
                body = "Any news? The class is waiting.\n"
            emails.append("\r\n".join(headers) + "\r\n\r\n" + body)
        return emails

    def run(self):
        specs = {}
        for key in ("mgmt", "mindx"):
            emails = self.raw_emails(key)

            def action(env, _prepared, emails=emails):
                thread = env["mail.thread"].with_context(fetchmail_cron_running=True)
                ticket_ids = set()
                for raw in emails:
                    ticket_ids.add(thread.message_process(False, raw))
                    # fetchmail commits after each email: the flush, the pre-commit
                    # hooks and a cleared cache (the COMMIT itself is rolled back)
                    env.cr.flush()
                    env.invalidate_all()
                return len(ticket_ids)

            specs[key] = (key, action, None, None)
        out = self.bench.measure(specs)
        n = self.sizes["n"]
        for key, data in out.items():
            assert data["result"] == (n + 1) // 2, (key, data["result"])
            data["emails_per_s"] = summary([n / t for t in data["time"]["runs"]])
            data["emails_per_cpu_s"] = summary([n / t for t in data["cpu"]["runs"]])
            log(f"  {n} emails on {key}: {fmt_time(data['time'])}")
        return out

    def rows(self, results):
        n = results["run"]["sizes"]["n"]
        ours, base = (results["figures"][self.key][k] for k in ("mindx", "mgmt"))
        tr = ratio(ours["emails_per_s"]["median"], base["emails_per_s"]["median"])
        cr = ratio(
            ours["emails_per_cpu_s"]["median"], base["emails_per_cpu_s"]["median"]
        )
        return [
            self.row(
                f"{n} emails ({n // 2} new, {n - n // 2} replies)",
                f"{ours['emails_per_s']['median']:.1f} emails/s; {tq(ours)}",
                f"mgmt {base['emails_per_s']['median']:.1f} emails/s; {tq(base)}",
                f"×{tr:.2f} throughput (cpu ×{cr:.2f})",
                "≥ 0.85 × mgmt",
                tr >= 0.85,
            )
        ]
