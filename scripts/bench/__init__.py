"""The benchmark of issues #8 and #24, run by scripts/bench.sh (which gives it an
Odoo config).

Three databases, each installed with odoo-bin (no demo data) and filled through the
ORM:

* ``<prefix>_mgmt``: helpdesk_mgmt alone (the baseline);
* ``<prefix>_sla``: helpdesk_mgmt + OCA's helpdesk_mgmt_sla, one SLA configured (the
  team's tickets reach the Done stage within 4 working hours);
* ``<prefix>_mindx``: helpdesk_mgmt + mindx_helpdesk_process.

Each has the same team reached by email (alias + alias domain), its agent (team
leader, assigned to the tickets) and 50 customers. The figures of issue #8:

1. the breach scan (one run of ``_cron_flag_sla_breaches``) on 1,000 then 100,000
   open tickets, 1,000 of them 5 minutes past their ACK deadline, and a run that
   finds nothing to flag;
2. the batch creation of 1,000 tickets, with tracking (as the mail gateway or the UI)
   and without (as an import);
3. counting the breached tickets (the managers' filter) among 100,000;
4. 1,000 inbound emails (500 new requests, 500 replies) through the mail gateway;
5. the SQL queries of one gated stage move (ACK done, New -> In Progress).

And what agents and leaders feel (issue #24), the same way:

6. the ticket form opened by the agent: ``web_read`` of the seed ticket (the
   demo's #00003, made from the demo file: ``seed``) with the form view's field
   specification, as the web client builds it (the addon's
   ``tools/web_client.py``), ours against helpdesk_mgmt's;
7. the kanban of the agent's team at 100,000 tickets: its columns and counts,
   their progress bars and the first 80 cards, against helpdesk_mgmt's (given
   as many tickets);
8. the process compliance analysis as a helpdesk manager opens it, on a year
   of history and the step logs of 100,000 tickets (made by SQL): the pivot
   (team × class of service × month: one read_group per level, as the pivot
   asks them) and the list's first page, with their query plans;
9. the incident report's HTML, of the seed ticket and of a ticket with 200
   chatter messages.

Every measurement runs in its own transaction, rolled back afterwards, after a
warm-up run (Odoo's registry caches are warm, as in a server that has been up for a
while). Before the timed part the ORM caches are flushed and invalidated; the timed
part ends with ``cr.flush()``, i.e. the ORM flush plus the pre-commit hooks
(tracking values, followers' notifications), so that everything a commit would write
is counted. Queries are counted with ``odoo.sql_db.sql_counter``. Measurements that
are compared are interleaved (one run of each database in turn, the order rotating),
so that the load of a shared machine weighs on all of them alike; besides the wall
time, the CPU time of this process (Python and the ORM, PostgreSQL excluded) is
recorded, as it varies less with the machine's load.

The package:

* ``harness``: Odoo as a library, the three databases and their common set-up, the
  measuring (interleaved runs, median/min/max, query counts, EXPLAIN ANALYZE);
* ``figures``: one object per figure (``figures.base.Figure``: ``setup()``, ``run()``
  returning its measurements, ``rows()`` its lines of the table with their targets
  and verdicts), in the order they run;
* ``report``: the table, the set-up times, the query plans and the JSON file;
* ``__main__``: the command line (``cd scripts && python -m bench --help``).
"""
