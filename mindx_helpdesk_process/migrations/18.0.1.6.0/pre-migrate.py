# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The ticket form's escalation deliveries became a stat button (18.0.1.6.0).

The view that listed them in the Process tab extended a group the form no longer
has: left in place until the update's clean-up, it would make the new form
fail its validation. It goes before the views load.
"""

OBSOLETE_VIEWS = ("ticket_view_form_escalation_deliveries",)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        DELETE FROM ir_ui_view WHERE id IN (
            SELECT res_id FROM ir_model_data
             WHERE module = 'mindx_helpdesk_process' AND model = 'ir.ui.view'
               AND name IN %s)
        """,
        [OBSOLETE_VIEWS],
    )
    cr.execute(
        """
        DELETE FROM ir_model_data
         WHERE module = 'mindx_helpdesk_process' AND model = 'ir.ui.view'
           AND name IN %s
        """,
        [OBSOLETE_VIEWS],
    )
