# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os
import re

from odoo.tests import BaseCase, tagged

from ..models.context_keys import CONTEXT_KEYS

ADDON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# a key read or set in code, or in a view's / a record's context
USES = re.compile(
    r"""context\.get\(\s*["'](\w+)["']"""
    r"""|with_context\(([^()]*)\)"""
    r"""|context=["']\{([^}]*)\}"""
)


@tagged("post_install", "-at_install")
class TestContextKeys(BaseCase):
    def _keys_used(self):
        used = set()
        for folder in ("models", "wizards", "controllers", "report", "views", "demo"):
            for root, _dirs, files in os.walk(os.path.join(ADDON_DIR, folder)):
                for name in files:
                    if not name.endswith((".py", ".xml")):
                        continue
                    with open(os.path.join(root, name), encoding="utf-8") as source:
                        for match in USES.finditer(source.read()):
                            used |= set(
                                re.findall(
                                    r"\bmindx_\w+",
                                    " ".join(filter(None, match.groups())),
                                )
                            )
        return used

    def test_every_key_the_addon_reads_is_listed(self):
        used = self._keys_used()
        self.assertGreaterEqual(len(used), 6)
        self.assertFalse(used - set(CONTEXT_KEYS), "listed in models/context_keys.py")

    def test_no_key_listed_for_nothing(self):
        self.assertFalse(set(CONTEXT_KEYS) - self._keys_used())
