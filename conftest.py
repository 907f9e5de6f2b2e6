"""pytest configuration shared by the addon's tests and the repository's tests/.

On Odoo 18, pytest-odoo does not mark the running test the way Odoo's own runner does
(odoo.modules.module.current_test). Without it, mail really tries SMTP (mail.mail ends
in state "exception") and HttpCase cannot check its test cursor. We set it to the
running TestCase, exactly as odoo.tests.suite.TestSuite.run does.
"""

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    from odoo.modules import module

    module.current_test = getattr(item, "instance", None) or True
    try:
        return (yield)
    finally:
        module.current_test = False
