"""pytest configuration shared by the addon's tests and the repository's tests/.

Two gaps between pytest-odoo and Odoo 18's own test runner, closed here:

* pytest-odoo does not mark the running test the way Odoo's runner does
  (odoo.modules.module.current_test). Without it mail really tries SMTP (mail.mail
  ends in state "exception") and HttpCase cannot check its test cursor. We set it to
  the running TestCase, as odoo.tests.suite.TestSuite.run does.
* pytest-odoo imports odoo.tests while parsing its options, before it turns on
  test mode (it does so per test module, after the registry is loaded, so that
  loading does not run every installed module's tests). Odoo logs that import as an
  ERROR meant for business code; here it is expected, so that one record is dropped
  and the ERROR level stays meaningful in the logs.
"""

import logging

import pytest


class _ExpectedTestFrameworkImport(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework, avoid")


logging.getLogger("odoo.tests.common").addFilter(_ExpectedTestFrameworkImport())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    from odoo.modules import module

    module.current_test = getattr(item, "instance", None) or True
    try:
        return (yield)
    finally:
        module.current_test = False
