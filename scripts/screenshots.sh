#!/usr/bin/env bash
# The README's screenshots, from the demo database served by scripts/run.sh.
#
# Start ./scripts/run.sh in another terminal first (it must be serving
# http://localhost:${MINDX_HTTP_PORT:-8069}); this writes the PNGs into
# mindx_helpdesk_process/static/description/. Look at them before committing:
# real data, no traceback, no empty view.
source "$(dirname "$0")/lib.sh"

DB="${MINDX_DB:-mindx_demo}"
BASE="http://localhost:${MINDX_HTTP_PORT:-8069}"
OUT="$REPO_DIR/$ADDON/static/description"
CONF="$LOCAL/odoo-run.conf"

require_odoo_src
ensure_venv
[[ -f "$CONF" ]] || die "no $CONF: start ./scripts/run.sh first"
command -v chromium >/dev/null || die "chromium is missing: apt-get install chromium"

# the demo records' ids in this database
ids="$(odoo_bin shell -c "$CONF" -d "$DB" --no-http --log-level=error <<'PY' 2>/dev/null
for name in ("ticket_seed_00003_demo", "ticket_exam_down_demo", "ticket_certificate_demo"):
    print(name, env.ref("mindx_helpdesk_process." + name).id)
PY
)"
id_of() { awk -v n="$1" '$1 == n { print $2 }' <<<"$ids"; }
SEED="$(id_of ticket_seed_00003_demo)"
NEW="$(id_of ticket_exam_down_demo)"
ASSESSED="$(id_of ticket_certificate_demo)"
[[ -n "$SEED" && -n "$NEW" && -n "$ASSESSED" ]] || die "demo tickets not found in $DB"

TICKETS="/odoo/action-helpdesk_mgmt.helpdesk_ticket_action"
shot() { "$VENV/bin/python" "$REPO_DIR/scripts/screenshot.py" --base "$BASE" --db "$DB" \
    --login leader --password leader --wait 12 "$@"; }

shot "$TICKETS/$SEED" "$OUT/screenshot_ticket_process.png" --height 1900
shot "$TICKETS/$SEED" "$OUT/screenshot_ticket_timeline.png" --height 1900 \
    --click "button[name=action_view_process_timeline]"
shot "$TICKETS?view_type=kanban" "$OUT/screenshot_kanban_class_sla.png"
shot "$TICKETS/$NEW" "$OUT/screenshot_refused_move.png" \
    --click ".o_statusbar_status button:text(Awaiting)"
shot "$TICKETS/$NEW" "$OUT/screenshot_major_incident.png" --height 1300 \
    --click "a.nav-link:text(Major incident)"
shot "$TICKETS/$ASSESSED" "$OUT/screenshot_ack_composer.png" \
    --click "button[name=action_process_ack]"
shot "/report/html/$ADDON.report_helpdesk_incident/$SEED" \
    "$OUT/screenshot_incident_report.png" --height 2400
shot "/odoo/action-$ADDON.helpdesk_process_analysis_action" \
    "$OUT/screenshot_process_compliance.png" --height 700
# the customer (portal, Vietnamese) on the open ticket of the demo
"$VENV/bin/python" "$REPO_DIR/scripts/screenshot.py" --base "$BASE" --db "$DB" \
    --login ha --password ha --wait 6 "/my/ticket/$NEW" \
    "$OUT/screenshot_portal_ticket.png" --height 1100
say "screenshots written to ${OUT#"$REPO_DIR"/}"
