# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Errors the web client shows with a way forward."""

from odoo.exceptions import UserError


class ProcessMoveRefused(UserError):
    """A refused stage move, with the step that opens it when there is one.

    A UserError for every caller (RPC clients, imports, tests read its message);
    the web client shows it with a button running `remedy_action`, the action of
    the step or dialog that would open the move (its JSON-RPC error data carries
    them as `context`: static/src/move_refused/).
    """

    def __init__(self, message, remedy_label=None, remedy_action=None):
        super().__init__(message)
        self.context = (
            {"remedy_label": remedy_label, "remedy_action": remedy_action}
            if remedy_action
            else {}
        )
