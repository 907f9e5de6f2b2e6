"""The load run of issue #23 (scripts/loadtest.sh, `make loadtest`).

Two Odoo servers in prefork mode share one database and one filestore; simulated
agents, customers' emails, the crons and a manager work on them; faults are
injected; after each phase the invariants are checked (nothing lost or doubled).

Parts: stack.py (databases, data, hosts, PostgreSQL), client.py (the browser
session, timed and classified), actors.py (who loads the hosts), faults.py,
invariants.py, report.py (table and JSON); __main__.py runs them in order.
"""
