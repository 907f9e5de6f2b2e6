"""Uninstall the addon (params: {"addon": name}), as an admin's Uninstall button
does, and commit (tests/test_install_existing_database.py, tests/test_lifecycle.py).

Prints RESULT and the JSON of the addon's and helpdesk_mgmt's states afterwards.
"""

import json
import os

env = globals()["env"]  # odoo-bin shell's environment (tests/shell/README.md)
params = json.loads(os.environ["MINDX_SHELL_PARAMS"])

module = env["ir.module.module"].search([("name", "=", params["addon"])])
module.button_immediate_uninstall()
env.cr.commit()
names = [params["addon"], "helpdesk_mgmt"]
modules = env["ir.module.module"].search([("name", "in", names)])
print("RESULT " + json.dumps({m.name: m.state for m in modules}))
