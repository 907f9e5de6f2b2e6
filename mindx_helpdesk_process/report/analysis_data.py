# Copyright 2026 MindX
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The compliance analysis's stored rows: one a ticket, kept by PostgreSQL.

The analysis aggregates every ticket with its step logs, breaches and ratings;
computed at each read, the pivot (one query per level of its groupings) took
seconds at 100,000 tickets, most of it joining and grouping the step logs and
scanning the wide ticket table again and again. The rows are stored narrow in
``helpdesk_process_analysis_data`` and kept by triggers on the four tables they
come from, whoever writes them (the ORM, the mail gateway, the scan, an SQL
import): a statement that changes a ticket's analysed columns, adds, edits or
removes a step log, a breach or a rating computes its tickets' rows again, in
the same transaction. What depends on the time of reading (is a deadline behind
us?) stays in the view (helpdesk.process.analysis). ``install`` (the model's
``init``, at each installation and upgrade) makes the table again and
computes every row, so that the table and its rows follow the code;
``uninstall`` (the uninstall hook) removes it all.
"""

from odoo.addons.rating.models.rating_data import RATING_LIMIT_SATISFIED

TABLE = "helpdesk_process_analysis_data"
REFRESH = "helpdesk_process_analysis_refresh"
# the ticket's columns the rows copy: a change to one of them refreshes its row
TICKET_COLUMNS = [
    "company_id",
    "team_id",
    "user_id",
    "partner_id",
    "stage_id",
    "process_role",
    "class_of_service",
    "received_date",
    "ack_date",
    "sla_ack_deadline",
    "resolution_date",
    "sla_resolve_deadline",
]
# what the rows derive from the ticket's columns, the same whenever read: the
# pivot aggregates them over every ticket, and computed at each read they cost
# a fifth of its queries' time at 100,000 tickets
DERIVED_COLUMNS = {
    "ack_met": "CASE WHEN t.ack_date <= t.sla_ack_deadline THEN 1 ELSE 0 END",
    "resolve_met": (
        "CASE WHEN t.resolution_date <= t.sla_resolve_deadline THEN 1 ELSE 0 END"
    ),
    "ack_minutes": "EXTRACT(EPOCH FROM t.ack_date - t.received_date) / 60.0",
    "resolve_minutes": (
        "EXTRACT(EPOCH FROM t.resolution_date - t.received_date) / 60.0"
    ),
}
COUNT_COLUMNS = [
    "update_answered",
    "update_met",
    "update_unanswered",
    "breach_count",
    "breach_ack_count",
    "breach_update_count",
    "breach_escalation_count",
    "breach_resolve_count",
    "rating_count",
    "rating_positive",
]
# (the class of service's keys are plain ASCII: sorted bytewise ("C"), as the
# pivot's groups sort them, they sort as in any language, without the
# locale's comparison on each of the rows)
CREATE_TABLE = f"""
DROP TABLE IF EXISTS {TABLE};
CREATE TABLE {TABLE} (
    ticket_id integer PRIMARY KEY
        REFERENCES helpdesk_ticket (id) ON DELETE CASCADE,
    company_id integer, team_id integer, user_id integer, partner_id integer,
    stage_id integer, process_role varchar,
    class_of_service varchar COLLATE "C",
    received_date timestamp, ack_date timestamp, sla_ack_deadline timestamp,
    resolution_date timestamp, sla_resolve_deadline timestamp,
    ack_met integer NOT NULL, resolve_met integer NOT NULL,
    ack_minutes double precision, resolve_minutes double precision,
    {", ".join(f"{column} integer NOT NULL DEFAULT 0" for column in COUNT_COLUMNS)}
);
CREATE INDEX IF NOT EXISTS {TABLE}_received_date_index
    ON {TABLE} (received_date DESC);
CREATE INDEX IF NOT EXISTS helpdesk_ticket_step_update_ticket_index
    ON helpdesk_ticket_step (ticket_id, deadline) WHERE step = 'update';
"""
# (the updates' index: a batch's refresh reads its tickets' updates by it,
# where the planner chose to scan every step log for a few hundred tickets)
# the rows of the tickets: the updates answered and met, the update windows
# missed that no update answered, the breaches by kind, the ratings given;
# {only} is empty (all tickets) or narrows each table to the array `ids`
ROWS = f"""
SELECT t.id, {", ".join(f"t.{column}" for column in TICKET_COLUMNS)},
       {", ".join(DERIVED_COLUMNS.values())},
       COALESCE(u.answered, 0), COALESCE(u.met, 0),
       COALESCE(b.updates_unanswered, 0), COALESCE(b.total, 0),
       COALESCE(b.ack, 0), COALESCE(b.updates, 0), COALESCE(b.escalation, 0),
       COALESCE(b.resolve, 0), COALESCE(r.total, 0), COALESCE(r.positive, 0)
  FROM helpdesk_ticket t
  LEFT JOIN (
    SELECT ticket_id,
           COUNT(*) FILTER (WHERE target_state = 'met') AS met,
           COUNT(*) FILTER (WHERE target_state IS NOT NULL) AS answered
      FROM helpdesk_ticket_step
     WHERE step = 'update' {{only_ticket_id}}
     GROUP BY ticket_id
  ) u ON u.ticket_id = t.id
  LEFT JOIN (
    SELECT br.ticket_id,
           SUM(br.windows_missed) AS total,
           COUNT(*) FILTER (WHERE br.kind = 'ack') AS ack,
           SUM(br.windows_missed) FILTER (WHERE br.kind = 'update') AS updates,
           COUNT(*) FILTER (WHERE br.kind = 'escalation') AS escalation,
           COUNT(*) FILTER (WHERE br.kind = 'resolve') AS resolve,
           SUM(br.windows_missed - CASE WHEN EXISTS (
                   SELECT 1 FROM helpdesk_ticket_step s
                    WHERE s.ticket_id = br.ticket_id AND s.step = 'update'
                      AND s.deadline = br.deadline) THEN 1 ELSE 0 END
           ) FILTER (WHERE br.kind = 'update') AS updates_unanswered
      FROM helpdesk_sla_breach br
     WHERE TRUE {{only_ticket_id}}
     GROUP BY br.ticket_id
  ) b ON b.ticket_id = t.id
  LEFT JOIN (
    SELECT res_id AS ticket_id, COUNT(*) AS total,
           COUNT(*) FILTER (WHERE rating >= {RATING_LIMIT_SATISFIED}) AS positive
      FROM rating_rating
     WHERE res_model = 'helpdesk.ticket' AND consumed AND rating >= 1
           {{only_res_id}}
     GROUP BY res_id
  ) r ON r.ticket_id = t.id
 WHERE TRUE {{only_id}}
"""


def rows(only=True):
    """ROWS for the tickets of the array `ids` (`only`), or for all."""
    return ROWS.format(
        **{
            f"only_{key}": f"AND {key} = ANY(ids)" if only else ""
            for key in ("ticket_id", "res_id", "id")
        }
    )


ALL_COLUMNS = ["ticket_id", *TICKET_COLUMNS, *DERIVED_COLUMNS, *COUNT_COLUMNS]
UPSERT = f"""
INSERT INTO {TABLE} ({", ".join(ALL_COLUMNS)})
{rows()}
ON CONFLICT (ticket_id) DO UPDATE SET
    ({", ".join(ALL_COLUMNS[1:])}) =
    ({", ".join(f"EXCLUDED.{column}" for column in ALL_COLUMNS[1:])})
"""
FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION {REFRESH}(ids integer[]) RETURNS void
LANGUAGE plpgsql AS $body$
BEGIN
    IF cardinality(ids) > 0 THEN
        {UPSERT};
    END IF;
END
$body$;
CREATE OR REPLACE FUNCTION {REFRESH}_ticket_update() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    PERFORM {REFRESH}(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE ({", ".join(f"n.{c}" for c in TICKET_COLUMNS)})
               IS DISTINCT FROM ({", ".join(f"o.{c}" for c in TICKET_COLUMNS)})));
    RETURN NULL;
END
$body$;
CREATE OR REPLACE FUNCTION {REFRESH}_tickets() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    PERFORM {REFRESH}(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END
$body$;
"""
# the statement's tickets, from a table of ticket_id (steps, breaches) or of
# res_model/res_id (ratings); the transition tables the trigger's event has
CHILD_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM {refresh}(ARRAY(SELECT DISTINCT {key} FROM new_rows {where}));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM {refresh}(ARRAY(SELECT DISTINCT {key} FROM old_rows {where}));
    ELSE
        PERFORM {refresh}(ARRAY(
            SELECT {key} FROM new_rows {where}
            UNION SELECT {key} FROM old_rows {where}));
    END IF;
    RETURN NULL;
END
$body$;
"""
# table: (its key column, the rows that are a ticket's)
CHILDREN = {
    "helpdesk_ticket_step": ("ticket_id", ""),
    "helpdesk_sla_breach": ("ticket_id", ""),
    "rating_rating": ("res_id", "WHERE res_model = 'helpdesk.ticket'"),
}
TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def _trigger(name, table, timing_and_body):
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} {timing_and_body}",
    ]


def _triggers():
    """Per statement, so that a batch (a thousand tickets created, their
    computed columns then written in one UPDATE) refreshes its rows at once:
    tickets inserted, tickets updated (those whose analysed columns changed),
    step logs, breaches and ratings inserted, updated or deleted."""
    statements = _trigger(
        f"{TABLE}_ticket_insert",
        "helpdesk_ticket",
        f"AFTER INSERT ON helpdesk_ticket REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {REFRESH}_tickets()",
    )
    statements += _trigger(
        f"{TABLE}_ticket_update",
        "helpdesk_ticket",
        "AFTER UPDATE ON helpdesk_ticket "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {REFRESH}_ticket_update()",
    )
    for table, (key, where) in CHILDREN.items():
        function = f"{REFRESH}_{table}"
        statements.append(
            CHILD_FUNCTION.format(name=function, refresh=REFRESH, key=key, where=where)
        )
        for event, transition in TRANSITIONS.items():
            statements += _trigger(
                f"{TABLE}_{event.lower()}",
                table,
                f"AFTER {event} ON {table} REFERENCING {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            )
    return statements


# the table, its functions and triggers; every row computed again
INSTALL = [
    CREATE_TABLE,
    FUNCTIONS,
    *_triggers(),
    f"INSERT INTO {TABLE} ({', '.join(ALL_COLUMNS)}) {rows(only=False)}",
    f"ANALYZE {TABLE}",
]
# the table and the functions, their triggers with them (CASCADE): the
# tickets', step logs' and ratings' tables outlive the addon
UNINSTALL = [
    f"DROP TABLE IF EXISTS {TABLE}",
    *(
        f"DROP FUNCTION IF EXISTS {function}() CASCADE"
        for function in [
            *(f"{REFRESH}_{table}" for table in CHILDREN),
            f"{REFRESH}_ticket_update",
            f"{REFRESH}_tickets",
        ]
    ),
    f"DROP FUNCTION IF EXISTS {REFRESH}(integer[])",
]


def install(cr):
    """The stored rows, at each installation and upgrade (the model's init)."""
    for statement in INSTALL:
        cr.execute(statement)


def uninstall(cr):
    """Everything install made (the uninstall hook)."""
    for statement in UNINSTALL:
        cr.execute(statement)
