"""A helpdesk in use before the addon (tests/test_lifecycle.py): params["count"]
tickets in every stage, received over the last months, created in one batch with
tracking off as an import would.

Prints RESULT and the JSON of the count, the stages holding tickets and all stages.
"""

import json
import os

env = globals()["env"]  # odoo-bin shell's environment (tests/shell/README.md)
params = json.loads(os.environ["MINDX_SHELL_PARAMS"])

Stage = env["helpdesk.ticket.stage"]
stages = Stage.search([])
team = env["helpdesk.ticket.team"].create({"name": "Old team"})
customer = env["res.partner"].create(
    {"name": "Old customer", "email": "old.customer@example.com"}
)
Ticket = env["helpdesk.ticket"].with_context(
    tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
)
tickets = Ticket.create(
    [
        {
            "name": f"Old ticket {i:04d}",
            "description": "<p>Before the process</p>",
            "team_id": team.id,
            "partner_id": customer.id,
            "stage_id": stages[i % len(stages)].id,
            "priority": str(i % 4),
        }
        for i in range(params["count"])
    ]
)
# received over the last months, as in a helpdesk in use for a while
env.cr.execute(
    "UPDATE helpdesk_ticket SET create_date = (now() AT TIME ZONE 'UTC') "
    "- (30 + id %% 90) * interval '1 day' WHERE id IN %s",
    [tuple(tickets.ids)],
)
env.cr.commit()
print(
    "RESULT "
    + json.dumps(
        {
            "count": len(tickets),
            "stages": sorted(set(tickets.mapped("stage_id.name"))),
            "all_stages": sorted(stages.mapped("name")),
        }
    )
)
