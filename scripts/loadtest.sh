#!/usr/bin/env bash
# The load run of issue #23 (README: "Deployment" ▸ "Load run"): two Odoo servers
# in prefork mode on one database and one filestore, driven by simulated agents,
# inbound emails, the crons and a manager, with faults, then the invariants.
#
# 1. bootstrap (.venv, a private throw-away PostgreSQL cluster in
#    .local/loadtest-runs/<run>/pg: always a private one, the run restarts it);
# 2. the package scripts/loadtest (python -m loadtest) installs its two databases
#    (the addon with its demo, helpdesk_mgmt alone with its demo), fills them,
#    starts the servers, drives them, injects the faults, checks the invariants
#    after each phase, prints one table and writes it as JSON under .local/loadtest/.
# Arguments go to python -m loadtest (e.g. --quick for ~30 s of load; --help).
# Exit code: 0 when every invariant held, 1 when one broke, 2 on a set-up failure.
source "$(dirname "$0")/lib.sh"

require_odoo_src
ensure_venv

RUN_ID="$(date +%Y%m%d%H%M%S)_$$"
RUN_DIR="$LOCAL/loadtest-runs/$RUN_ID"
mkdir -p "$RUN_DIR" "$LOCAL/loadtest"
trap 'finish_run "$RUN_DIR" "${status:-1}"' EXIT
# the servers take their ports and workers on the command line (python -m loadtest)
throwaway_stack --private "$RUN_DIR" "list_db = False"
[[ -n "$PG_STARTED_DIR" ]] || die "the load run needs a private PostgreSQL cluster of its own (it restarts it)"
pg_restart=("$(pg_bindir)/pg_ctl" -D "$PG_STARTED_DIR" -l "$RUN_DIR/pg/server.log" -m fast -w -t 60 restart)
[[ $(id -u) -eq 0 ]] && pg_restart=(runuser -u postgres -- "${pg_restart[@]}")

say "load run $RUN_ID (logs in ${RUN_DIR#"$REPO_DIR"/})"
status=0
export MINDX_LOADTEST_COMMAND="scripts/loadtest.sh $*"
cd "$REPO_DIR/scripts"
"$VENV/bin/python" -m loadtest --config "$RUN_DIR/odoo.conf" \
    --odoo-bin "$ODOO_SRC/odoo-bin" --db-prefix "load_$RUN_ID" --log-dir "$RUN_DIR" \
    --out-dir "$LOCAL/loadtest" --pg-restart "$(printf '%q ' "${pg_restart[@]}")" "$@" || status=$?
exit "$status"
