"""Python 2's `xmlrpclib`, for Odoo's own odoo-mailgate.py run by Python 3.

Odoo 18 still ships addons/mail/static/scripts/odoo-mailgate.py as a Python 2
script (for old mail servers): it imports `xmlrpclib`, reads the email from its
standard input as text and sends it wrapped in `xmlrpclib.Binary`. The system
tests (tests/_mail.py) run that very file with Python 3 and this folder first on
PYTHONPATH, so that it runs unchanged:

- the names it uses are xmlrpc.client's;
- standard input is read as the bytes it holds, as Python 2 does: no newline
  translation, and bytes that are not UTF-8 (an email in a charset of its own)
  kept as surrogates, which `Binary` turns back into the same bytes (an
  xmlrpc.client.Binary: the marshaller knows that type only).
"""

import sys
from xmlrpc.client import Binary as _Binary
from xmlrpc.client import Fault, ServerProxy

__all__ = ["Binary", "Fault", "ServerProxy"]

sys.stdin.reconfigure(encoding="utf-8", errors="surrogateescape", newline="")


def Binary(data=None):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return _Binary(data)
