# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One open breach per ticket and kind (18.0.1.3.0 adds a unique index on it).

Earlier versions opened one update breach per missed window: each ticket's open
breaches of a kind become the earliest one, counting the windows the others
were, and the others' activities go with them.
"""

RANKED = """
    SELECT id, activity_id,
           ROW_NUMBER() OVER (PARTITION BY ticket_id, kind ORDER BY deadline, id)
               AS rank,
           COUNT(*) OVER (PARTITION BY ticket_id, kind) AS open_count
      FROM helpdesk_sla_breach
     WHERE done_date IS NULL
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "ALTER TABLE helpdesk_sla_breach "
        "ADD COLUMN IF NOT EXISTS windows_missed integer DEFAULT 1"
    )
    cr.execute(
        f"""
        UPDATE helpdesk_sla_breach b SET windows_missed = r.open_count
          FROM ({RANKED}) r
         WHERE b.id = r.id AND r.rank = 1 AND r.open_count > 1
        """
    )
    cr.execute(
        f"""
        DELETE FROM mail_activity WHERE id IN (
            SELECT activity_id FROM ({RANKED}) r
             WHERE r.rank > 1 AND r.activity_id IS NOT NULL)
        """
    )
    cr.execute(
        f"DELETE FROM helpdesk_sla_breach WHERE id IN "
        f"(SELECT id FROM ({RANKED}) r WHERE r.rank > 1)"
    )
