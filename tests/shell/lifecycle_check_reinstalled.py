"""After uninstalling the addon and installing it again (tests/test_lifecycle.py):
the old tickets classified and mapped again, their clocks still at creation.

Prints RESULT and the JSON of the counts.
"""

import json

env = globals()["env"]  # odoo-bin shell's environment (tests/shell/README.md)

old = env["helpdesk.ticket"].search([("name", "like", "Old ticket")])
env.cr.execute(
    "SELECT count(*) FROM helpdesk_ticket WHERE name LIKE 'Old ticket%' "
    "AND received_date IS DISTINCT FROM create_date"
)
received_not_created = env.cr.fetchone()[0]
print(
    "RESULT "
    + json.dumps(
        {
            "count": len(old),
            "unclassified": len(old.filtered(lambda t: not t.class_of_service)),
            "without_role": len(old.filtered(lambda t: not t.process_role)),
            "received_not_created": received_not_created,
        }
    )
)
