#!/usr/bin/env bash
# The benchmark of issues #8 and #24 (README: "Performance"): breach scan scaling,
# ticket creation overhead, finding breached tickets, inbound email throughput and
# the cost of a gated stage move, against helpdesk_mgmt alone and OCA's
# helpdesk_mgmt_sla; then the screens: the ticket form, the kanban, the compliance
# analysis and the incident report.
#
# 1. bootstrap (.venv, PostgreSQL: PG* variables or a private throw-away cluster in
#    .local/bench-runs/<run>/pg), plus requirements-bench.txt (helpdesk_mgmt_sla,
#    installed with --no-deps: helpdesk_mgmt keeps the version of requirements.txt);
# 2. the package scripts/bench (python -m bench) installs its own databases with
#    odoo-bin, fills them through the ORM, measures, prints one table and writes it
#    as JSON under .local/bench/. Its parts: harness.py (Odoo, the databases, the
#    measuring), figures/ (one module per figure), report.py (table, verdicts, JSON).
# Arguments go to python -m bench (e.g. --quick for small sizes; --help).
source "$(dirname "$0")/lib.sh"

require_odoo_src
ensure_venv

# --- benchmark-only packages -------------------------------------------------------
ensure_bench_packages() {
    local reqs="$REPO_DIR/requirements-bench.txt" log="$LOCAL/pip-bench.log" missing
    missing="$("$VENV/bin/python" - "$reqs" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, _, pinned = line.partition("==")
    try:
        if version(name) != pinned:
            print(line)
    except PackageNotFoundError:
        print(line)
PY
)"
    [[ -z "$missing" ]] && return 0
    say "installing the benchmark's packages into .venv: $missing (log: ${log#"$REPO_DIR"/})"
    local before after
    before="$("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("odoo-addon-helpdesk_mgmt"))')"
    "$VENV/bin/python" -m pip --disable-pip-version-check install --no-deps -r "$reqs" >"$log" 2>&1 \
        || { tail -n 20 "$log" >&2; die "pip install -r requirements-bench.txt failed (log: $log)"; }
    after="$("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("odoo-addon-helpdesk_mgmt"))')"
    [[ "$before" == "$after" ]] || die "installing requirements-bench.txt changed helpdesk_mgmt ($before -> $after)"
    "$VENV/bin/python" -m pip --disable-pip-version-check check >>"$log" 2>&1 \
        || say "pip check reports problems (see $log)"
}
ensure_bench_packages

# A throw-away cluster per run (fsync off, like the tests'): nothing is kept.
begin_run bench "list_db = False"
DB_PREFIX="bench_$RUN_ID"
RUN_DBS=("${DB_PREFIX}_mgmt" "${DB_PREFIX}_sla" "${DB_PREFIX}_mindx")
mkdir -p "$LOCAL/bench"

say "benchmark run $RUN_ID (databases ${DB_PREFIX}_*; logs in ${RUN_DIR#"$REPO_DIR"/})"
status=0
# the package scripts/bench, run from scripts/ (its folder on sys.path, as a script's)
cd "$REPO_DIR/scripts"
"$VENV/bin/python" -m bench --config "$RUN_DIR/odoo.conf" \
    --odoo-bin "$ODOO_SRC/odoo-bin" --db-prefix "$DB_PREFIX" --log-dir "$RUN_DIR" \
    --out-dir "$LOCAL/bench" "$@" || status=$?
exit "$status"
