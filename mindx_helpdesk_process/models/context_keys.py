# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The context keys this addon reads: its hidden API, under one prefix.

Code that sets one of these changes what the addon does; each is listed here with
what it means and who sets it. tests/test_context_keys.py fails when the addon
reads a `mindx_` key that is not listed.
"""

CONTEXT_KEYS = {
    "mindx_move_reason": (
        "Why a stage move that needs one is made (reopen, cancel, a forced move): "
        "logged with the move. The move dialog sets it; imports and RPC clients may."
    ),
    "mindx_force_move": (
        "Force a stage move past the process checks, with mindx_move_reason: "
        "honoured for a real helpdesk manager only (never sudo nor the superuser), "
        "and logged."
    ),
    "mindx_offer_force": (
        "The 'Force stage' header button: the move dialog opens with Force ticked."
    ),
    "mindx_customer_reopen": (
        "The mail gateway reopens a closed ticket on its customer's reply "
        "(superuser code only): the manager-only reopening is allowed for it."
    ),
    "mindx_incoming_automatic": (
        "The email being routed was written by a machine (auto-reply, bounce, "
        "mailing list): stored on its ticket without effect. Set by mail.thread's "
        "routing."
    ),
    "mindx_outgoing_automatic": (
        "The email being sent is automatic (the confirmation reminder): it carries "
        "Auto-Submitted and X-Auto-Response-Suppress."
    ),
    "mindx_email_arrival": (
        "When our mail server got the email being routed (its Received trace): the "
        "SLA clock of the ticket it opens starts there. Set by mail.thread's routing."
    ),
    "mindx_mail_new": (
        "From helpdesk.ticket.message_new to create only: fields_get answers field "
        "types only (create drops the key)."
    ),
    "mindx_update_promise": (
        "The next update that the ACK or update email being rendered promises: the "
        "template's next_update_due. Set by the composer (mail_compose_message)."
    ),
}
