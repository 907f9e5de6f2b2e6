#!/usr/bin/env bash
# Odoo at http://localhost:8069 with the addon and demo data (README: "Run Odoo").
#
# First run: creates database $MINDX_DB (default mindx_demo) with the addon and demo
# data. Later runs: updates the addon in it. The private PostgreSQL cluster (when no
# PG* variables point at a server) lives in .local/pg and is kept between runs.
source "$(dirname "$0")/lib.sh"

DB="${MINDX_DB:-mindx_demo}"
HTTP_PORT="${MINDX_HTTP_PORT:-8069}"

require_odoo_src
ensure_venv
ensure_wkhtmltopdf
ensure_pg "$LOCAL/pg"
CONF="$LOCAL/odoo-run.conf"
write_config "$CONF" "$LOCAL/data" "http_port = $HTTP_PORT" "dbfilter = ^$DB\$"

if db_exists "$CONF" "$DB"; then
    say "updating $ADDON in database $DB"
    odoo_bin -c "$CONF" -d "$DB" -u "$ADDON" --stop-after-init --log-level=warn
else
    say "creating database $DB with $ADDON and demo data (first run, about a minute)"
    odoo_bin -c "$CONF" -d "$DB" -i "$ADDON" --stop-after-init --log-level=warn
fi

cat >&2 <<TXT

  Odoo is starting at http://localhost:$HTTP_PORT   (database: $DB)
  Logins:  admin  / admin   (administrator, helpdesk manager)
           agent  / agent   (Trần Minh Khoa, LMS Support agent)
           leader / leader  (Lê Thu Trang, LMS Support team leader, manager)
           ha     / ha      (Nguyễn Thị Hà, the coordinator: portal, Vietnamese)
           demo   / demo    (Marc Demo, internal user)
  Ticket LMS-00003 is the seed report's incident, replayed to Closed.
  Stop with Ctrl+C. The database and the PostgreSQL cluster are kept for the next run.

TXT
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DB"
