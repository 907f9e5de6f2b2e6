#!/usr/bin/env bash
# The whole test suite, on a throw-away database (README: "Run the tests").
#
# 1. bootstrap (.venv, PostgreSQL: PG* variables or a private throw-away cluster);
# 2. install the addon once into a fresh database, run every test with pytest-odoo
#    (the addon's tests and the repository's tests/, HttpCase included: --odoo-http);
# 3. OCA's pass: odoo-bin -i the addon --test-enable on a second fresh database,
#    failing on any ERROR/CRITICAL line in its log;
# 4. the moved clocks: for each moment of MINDX_CLOCKS, the addon's tests (all but
#    the browser tours) again on a database installed at that moment, with the
#    clock of PostgreSQL and of Odoo moved there by libfaketime. A test or a demo
#    record that leans on today's date fails here before the calendar reaches it.
# Exit code is non-zero when either pass fails. Extra arguments go to pytest.
source "$(dirname "$0")/lib.sh"

require_odoo_src
ensure_venv
# a Sunday night (Monday morning in Vietnam, where the demo team works) and a
# weekday morning, years apart; MINDX_CLOCKS= (empty) skips the moved clocks
MINDX_CLOCKS="${MINDX_CLOCKS-2027-01-03 23:30 UTC;2031-03-12 09:05 +0700}"
[[ -z "$MINDX_CLOCKS" ]] || ensure_faketime
# The browser tours (tests/test_tour.py) fail rather than skip without a browser;
# MINDX_REQUIRE_BROWSER=0 lets them be skipped.
export MINDX_REQUIRE_BROWSER="${MINDX_REQUIRE_BROWSER:-1}"
ensure_chromium
# the incident report's PDF is rendered and read back, never skipped
export MINDX_REQUIRE_PDF="${MINDX_REQUIRE_PDF:-1}"
ensure_wkhtmltopdf

# A throw-away cluster per run (lib.sh: begin_run), whose HTTP port (never 8069)
# serves HttpCase, in the pytest pass and the OCA pass alike.
begin_run test
DB="mindx_test_$RUN_ID"
DB_OCA="mindx_oca_$RUN_ID"
RUN_DBS=("$DB" "$DB_OCA")

# install_addon DIR DB: the addon with demo data into a fresh DB, with DIR's
# odoo.conf; the log's tail on failure.
install_addon() {
    odoo_bin -c "$1/odoo.conf" -d "$2" -i "$ADDON" --stop-after-init \
        --log-level=warn --logfile="$1/install.log" \
        || { tail -n 40 "$1/install.log" >&2; return 1; }
}

# run_at_moment N MOMENT: step 4 for one moment, in a subshell whose whole stack
# (its own PostgreSQL cluster included) runs under libfaketime.
run_at_moment() (
    local n="$1" moment="$2" dir="$RUN_DIR/clock$1" db="mindx_clock$1_$RUN_ID"
    export FAKETIME LD_PRELOAD="$FAKETIME_LIB" DONT_FAKE_MONOTONIC=1
    FAKETIME="$(faketime_offset "$moment")"
    PG_STARTED_DIR=""
    trap 'pg_private_stop' EXIT
    throwaway_stack --private "$dir"
    say "moved clock $n: $(date '+%a %Y-%m-%d %H:%M %Z') ($moment); installing $ADDON into $db"
    install_addon "$dir" "$db" || { echo "installing failed" >"$dir/summary"; return 1; }
    local rc=0
    "$VENV/bin/python" -m pytest --odoo-config="$dir/odoo.conf" --odoo-database="$db" \
        --odoo-http --odoo-log-level=warn -p no:cacheprovider \
        --ignore="$ADDON/tests/test_tour.py" "$ADDON" >"$dir/pytest.log" 2>&1 || rc=1
    grep -E '^(FAILED|ERROR) ' "$dir/pytest.log" | head -n 40 || true
    grep -E '^=+ .*(passed|failed|error|no tests ran).* =+$' "$dir/pytest.log" | tail -n 1 \
        | tr -d '=' | sed 's/^ *//' >"$dir/summary" || true
    return "$rc"
)

say "installing $ADDON (with demo data) into database $DB"
install_addon "$RUN_DIR" "$DB" || die "installing $ADDON failed (log: $RUN_DIR/install.log)"

# helpdesk_mgmt's own Python tests run too, on the database where our addon is
# installed: they prove we do not break the module we extend, its JS unit tests
# (test_js.py, in Chromium) included.
HELPDESK_MGMT_TESTS="$(venv_site_packages)/odoo/addons/helpdesk_mgmt/tests"
say "pytest-odoo: the addon's tests, tests/ and helpdesk_mgmt's tests"
status=0
cd "$REPO_DIR"
"$VENV/bin/python" -m pytest --odoo-config="$RUN_DIR/odoo.conf" --odoo-database="$DB" \
    --odoo-http --odoo-log-level=warn -p no:cacheprovider \
    "$ADDON" tests "$HELPDESK_MGMT_TESTS" "$@" 2>&1 | tee "$RUN_DIR/pytest.log" || status=1
pytest_summary="$(grep -E '^=+ .*(passed|failed|error|no tests ran).* =+$' "$RUN_DIR/pytest.log" | tail -n 1 || true)"

say "OCA pass: odoo-bin -i $ADDON --test-enable on a fresh database ($DB_OCA)"
odoo_bin -c "$RUN_DIR/odoo.conf" -d "$DB_OCA" -i "$ADDON" --test-enable \
    --test-tags "/$ADDON" --stop-after-init --log-level=info \
    --logfile="$RUN_DIR/oca.log" || status=1
oca_errors="$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$RUN_DIR/oca.log" || true)"
oca_result="$(grep -E 'odoo.tests.result: ' "$RUN_DIR/oca.log" | tail -n 1 | sed 's/.*odoo.tests.result: //' || true)"
if [[ -n "$oca_errors" ]]; then
    status=1
    echo "$oca_errors" | head -n 40
    say "OCA pass: ERROR lines in the log ($RUN_DIR/oca.log)"
fi
oca_warnings="$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ WARNING ' "$RUN_DIR/oca.log" || true)"
say "OCA pass: $(grep -c . <<<"$oca_warnings" || true) WARNING line(s) in the log${oca_warnings:+:}"
[[ -z "$oca_warnings" ]] || cut -c1-300 <<<"$oca_warnings" | head -n 20
say "OCA pass: ${oca_result:-no test result line found}"
[[ -n "$oca_result" ]] || status=1

if [[ -n "$MINDX_CLOCKS" ]]; then
    n=0
    IFS=';' read -r -a moments <<<"$MINDX_CLOCKS"
    for moment in "${moments[@]}"; do
        n=$((n + 1))
        run_at_moment "$n" "$moment" || status=1
        say "moved clock $n ($moment): $(cat "$RUN_DIR/clock$n/summary" 2>/dev/null || echo 'no result')"
    done
fi

# pytest's own summary last, so that it is the run's closing line.
echo "$pytest_summary"
exit "$status"
