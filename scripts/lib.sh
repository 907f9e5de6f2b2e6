# shellcheck shell=bash
# Shared bootstrap of the scripts: run.sh, test.sh, bench.sh, lint.sh, screenshots.sh
# (.ci/run calls lint.sh and test.sh).
#
# Everything it makes lives in ignored folders of the repository: .venv (Python),
# .local/ (generated Odoo configs, the private PostgreSQL clusters, filestores, logs).
# Source it; it defines functions and never exits the caller on its own except on errors.

set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADDON=mindx_helpdesk_process
VENV="$REPO_DIR/.venv"
LOCAL="$REPO_DIR/.local"
PYTHON_BIN="${PYTHON:-python3}"

say() { printf '\033[1m[mindx]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[mindx] error:\033[0m %s\n' "$*" >&2; exit 1; }

# --- Odoo source ---------------------------------------------------------------
require_odoo_src() {
    if [[ -z "${ODOO_SRC:-}" ]]; then
        fetch_odoo_src
    fi
    ODOO_SRC="$(cd "$ODOO_SRC" 2>/dev/null && pwd)" \
        || die "ODOO_SRC=$ODOO_SRC does not exist. Point it at an Odoo 18.0 source tree (git clone -b 18.0 of odoo/odoo)."
    [[ -x "$ODOO_SRC/odoo-bin" && -f "$ODOO_SRC/odoo/release.py" ]] \
        || die "ODOO_SRC=$ODOO_SRC holds no odoo-bin: point it at the top folder of an Odoo 18.0 source tree."
    grep -qE "^version_info = \(18, 0," "$ODOO_SRC/odoo/release.py" \
        || die "ODOO_SRC=$ODOO_SRC is not Odoo 18.0 (see $ODOO_SRC/odoo/release.py); this addon needs the 18.0 series."
    export ODOO_SRC
}

# Without ODOO_SRC, Odoo 18.0 is fetched once into an ignored folder and reused:
# a shallow clone of the 18.0 branch of MINDX_ODOO_REPO (default: odoo/odoo on
# GitHub) into MINDX_ODOO_DIR (default: .local/odoo-18.0).
fetch_odoo_src() {
    local repo="${MINDX_ODOO_REPO:-https://github.com/odoo/odoo.git}"
    local dir="${MINDX_ODOO_DIR:-$LOCAL/odoo-18.0}"
    if [[ -x "$dir/odoo-bin" && -f "$dir/odoo/release.py" ]]; then
        say "ODOO_SRC is not set: using the Odoo 18.0 fetched earlier into ${dir#"$REPO_DIR"/}"
        ODOO_SRC="$dir"
        return 0
    fi
    command -v git >/dev/null 2>&1 \
        || die "ODOO_SRC is not set and git is missing to fetch Odoo 18.0. Install git, or set ODOO_SRC to an Odoo 18.0 source tree."
    [[ -e "$dir" ]] && die "ODOO_SRC is not set, and $dir (where Odoo 18.0 is fetched) exists but holds no Odoo 18.0 tree: remove it, set MINDX_ODOO_DIR elsewhere, or set ODOO_SRC."
    say "ODOO_SRC is not set: fetching Odoo 18.0 (a shallow clone of the 18.0 branch, about 1 GB) from $repo into ${dir#"$REPO_DIR"/}"
    mkdir -p "$(dirname "$dir")"
    local partial
    partial="$(mktemp -d "$dir.partial.XXXXXX")"
    if ! git clone --depth 1 --branch 18.0 --single-branch --progress "$repo" "$partial"; then
        rm -rf "$partial"
        die "could not fetch Odoo 18.0 from $repo (no network, or the address is wrong).
  Get it another way and point ODOO_SRC at it:
      git clone --depth 1 -b 18.0 https://github.com/odoo/odoo.git ~/odoo-18
      export ODOO_SRC=~/odoo-18
  Or use Docker: docker compose up (see README.md, section Docker)."
    fi
    mv -T "$partial" "$dir" || die "could not move the fetched Odoo into $dir (another run fetched it meanwhile?): run again."
    ODOO_SRC="$dir"
}

# --- Python virtual environment ---------------------------------------------------
# Odoo's requirements.txt is used as it is, less two lines that do not work on
# Python 3.11 here: cbor2 5.4.2 (builds as version 0.0.0; requirements-odoo-fixes.txt
# pins a good 5.6.x) and python-ldap (needs LDAP headers; no feature of ours uses it).
ensure_venv() {
    local odoo_reqs="$LOCAL/odoo-requirements.txt" stamp="$VENV/.mindx-stamp" want
    mkdir -p "$LOCAL"
    grep -vE '^[[:space:]]*(python-ldap|cbor2)[[:space:]=;<>]' "$ODOO_SRC/requirements.txt" >"$odoo_reqs"
    want="$(cat "$odoo_reqs" "$REPO_DIR/requirements-odoo-fixes.txt" "$REPO_DIR/requirements.txt" \
        | sha256sum | cut -c1-16) $ODOO_SRC"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    "$PYTHON_BIN" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' \
        || die "$PYTHON_BIN is $("$PYTHON_BIN" -V 2>&1); Odoo 18 needs Python 3.10 to 3.12 (set PYTHON=...)."
    local log="$LOCAL/pip.log"
    say "installing Python packages into .venv (first run only, a few minutes; log: ${log#"$REPO_DIR"/})"
    [[ -x "$VENV/bin/python" ]] || "$PYTHON_BIN" -m venv "$VENV"
    : >"$log"
    pip_install() {
        "$VENV/bin/python" -m pip --disable-pip-version-check install "$@" >>"$log" 2>&1 \
            || { tail -n 30 "$log" >&2; die "pip install $* failed (log: $log)"; }
    }
    pip_install -U pip wheel 'setuptools<81'
    pip_install -r "$odoo_reqs" -r "$REPO_DIR/requirements-odoo-fixes.txt"
    # Odoo itself, as a path entry on ODOO_SRC (compat mode: a plain .pth line). The
    # default editable finder loses against the odoo/addons folder that addon wheels
    # such as helpdesk_mgmt install into site-packages.
    pip_install --no-deps --no-build-isolation --config-settings editable_mode=compat -e "$ODOO_SRC"
    pip_install -r "$REPO_DIR/requirements.txt"
    echo "$want" >"$stamp"
}

venv_site_packages() {
    "$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'
}

addons_path() {
    echo "$ODOO_SRC/odoo/addons,$ODOO_SRC/addons,$(venv_site_packages)/odoo/addons,$REPO_DIR"
}

# --- Chromium (browser tours) ------------------------------------------------------
# Odoo's HttpCase tours need Chrome or Chromium; without one Odoo skips them. When
# MINDX_REQUIRE_BROWSER=1 (scripts/test.sh) the tours fail instead, so make sure a
# browser is there: install Chromium with apt-get when we are root, else say how.
find_chromium() {
    command -v chromium || command -v chromium-browser || command -v google-chrome \
        || command -v google-chrome-stable
}

ensure_chromium() {
    local browser log="$LOCAL/apt-chromium.log"
    if browser="$(find_chromium)"; then
        say "browser for the tours: $browser"
        return 0
    fi
    local how="install Chromium (Debian: apt-get install chromium; Ubuntu: apt-get install chromium-browser, or Google Chrome)"
    if [[ "${MINDX_REQUIRE_BROWSER:-}" != "1" ]]; then
        say "no Chrome/Chromium found: the browser tours will be skipped ($how)"
        return 0
    fi
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        die "no Chrome/Chromium found, and the browser tours must run (MINDX_REQUIRE_BROWSER=1).
  As root: $how.
  Or run without them: MINDX_REQUIRE_BROWSER=0 ./scripts/test.sh (they are then skipped)."
    fi
    mkdir -p "$LOCAL"
    say "installing Chromium with apt-get for the browser tours (a few minutes; log: ${log#"$REPO_DIR"/})"
    {
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
    } >"$log" 2>&1 || {
        tail -n 20 "$log" >&2
        die "apt-get could not install chromium (log: $log).
  Install a browser by hand: $how.
  Or run without the tours: MINDX_REQUIRE_BROWSER=0 ./scripts/test.sh"
    }
    hash -r
    browser="$(find_chromium)" || die "apt-get installed chromium but no chromium command was found (log: $log); $how"
    say "browser for the tours: $browser"
}

# --- wkhtmltopdf (the incident report's PDF) -------------------------------------
# Without it Odoo prints HTML with an "Unable to find Wkhtmltopdf" notice. Installed
# with apt-get when we are root; MINDX_REQUIRE_PDF=1 (scripts/test.sh) fails when
# it cannot be, the other commands only say so.
ensure_wkhtmltopdf() {
    local log="$LOCAL/apt-wkhtmltopdf.log"
    if command -v wkhtmltopdf >/dev/null 2>&1; then
        return 0
    fi
    local how="install wkhtmltopdf (Debian/Ubuntu: apt-get install wkhtmltopdf)"
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        [[ "${MINDX_REQUIRE_PDF:-}" == "1" ]] \
            && die "wkhtmltopdf is missing and the PDF test must run (MINDX_REQUIRE_PDF=1): as root, $how; or MINDX_REQUIRE_PDF=0 to skip it."
        say "wkhtmltopdf is missing: reports print as HTML ($how)"
        return 0
    fi
    mkdir -p "$LOCAL"
    say "installing wkhtmltopdf with apt-get for the PDF reports (log: ${log#"$REPO_DIR"/})"
    {
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wkhtmltopdf
    } >"$log" 2>&1 || {
        tail -n 20 "$log" >&2
        [[ "${MINDX_REQUIRE_PDF:-}" == "1" ]] \
            && die "apt-get could not install wkhtmltopdf (log: $log); $how, or MINDX_REQUIRE_PDF=0 to skip the PDF test."
        say "apt-get could not install wkhtmltopdf (log: $log): reports print as HTML"
    }
    hash -r
}

# --- libfaketime (the test suite at other moments) ----------------------------------
# scripts/test.sh runs the time-sensitive tests again with the whole stack's clock
# moved (PostgreSQL and Odoo alike) by libfaketime, Debian's `faketime` package.
find_faketime_lib() {
    local lib
    for lib in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 \
        /usr/local/lib/faketime/libfaketime.so.1; do
        [[ -f "$lib" ]] && { echo "$lib"; return 0; }
    done
    return 1
}

ensure_faketime() {
    local lib log="$LOCAL/apt-faketime.log"
    if lib="$(find_faketime_lib)"; then
        FAKETIME_LIB="$lib"
        return 0
    fi
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        die "libfaketime is missing: the tests run again with the clock moved (MINDX_CLOCKS).
  As root: apt-get install faketime (Debian/Ubuntu).
  Or skip the moved clocks: MINDX_CLOCKS= ./scripts/test.sh"
    fi
    mkdir -p "$LOCAL"
    say "installing libfaketime with apt-get for the moved-clock runs (log: ${log#"$REPO_DIR"/})"
    {
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q faketime
    } >"$log" 2>&1 || {
        tail -n 20 "$log" >&2
        die "apt-get could not install faketime (log: $log); install it by hand, or run with MINDX_CLOCKS= to skip the moved clocks"
    }
    FAKETIME_LIB="$(find_faketime_lib)" || die "apt-get installed faketime but no libfaketime.so.1 was found (log: $log)"
}

# faketime_offset MOMENT: libfaketime's FAKETIME value ("+N"/"-N" seconds) that puts
# the clock at MOMENT (anything `date -d` reads) now. An offset, not an absolute
# time: PostgreSQL's processes and Odoo's start at different instants and must
# agree on the time, and the moved clock keeps ticking.
faketime_offset() {
    local target now offset
    target="$(date -u -d "$1" +%s)" || die "MINDX_CLOCKS: cannot read the moment '$1' (use a date -d format, e.g. '2031-03-12 09:05 +0700')"
    now="$(date -u +%s)"
    offset=$((target - now))
    if ((offset >= 0)); then echo "+$offset"; else echo "$offset"; fi
}

# --- PostgreSQL --------------------------------------------------------------------
# PG_HOST/PG_PORT/PG_USER/PG_PASSWORD are what Odoo is told; PG_STARTED_DIR is set when
# this script started a private cluster (so only that one is stopped).
PG_STARTED_DIR=""

pg_env_reachable() {
    [[ -n "${PGHOST:-}${PGPORT:-}" ]] || return 1
    "$VENV/bin/python" - <<'PY' 2>/dev/null
import os, psycopg2
psycopg2.connect(dbname=os.environ.get("PGDATABASE", "postgres"), connect_timeout=5).close()
PY
}

pg_bindir() {
    local d
    if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [[ -x "$d/pg_ctl" ]] && { echo "$d"; return; }
    done
    die "no PostgreSQL server found (pg_ctl). Install it (Debian/Ubuntu: apt-get install postgresql),
  or point PGHOST/PGPORT/PGUSER/PGPASSWORD at a running server."
}

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Run a PostgreSQL tool as the owner of the cluster: the postgres OS user when we are
# root (the server refuses to run as root), ourselves otherwise.
as_pg_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user to own the private cluster"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# pg_private_start ROOT [throwaway]: start (initialising if needed) a cluster whose data
# is in ROOT/data, on 127.0.0.1 and a free port; reuse it when it is already running.
# ROOT belongs to the cluster's owner (its logs are written there too).
pg_private_start() {
    local root="$1" throwaway="${2:-}" bindir port
    local data="$root/data"
    bindir="$(pg_bindir)"
    mkdir -p "$root"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$root" && chmod 700 "$root"
    if [[ -f "$data/postmaster.pid" ]] && as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        port="$(sed -n 4p "$data/postmaster.pid")"
        say "reusing the private PostgreSQL cluster in ${root#"$REPO_DIR"/} (port $port)"
    else
        if [[ ! -f "$data/PG_VERSION" ]]; then
            as_pg_owner "$bindir/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 \
                >"$LOCAL/initdb.log" 2>&1 || die "initdb failed, see $LOCAL/initdb.log"
            {
                echo "listen_addresses = '127.0.0.1'"
                echo "unix_socket_directories = ''"
                echo "max_connections = 200"
                if [[ -n "$throwaway" ]]; then
                    # a test cluster holds nothing worth a crash-safe write
                    echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
                fi
            } | as_pg_owner tee -a "$data/postgresql.conf" >/dev/null
        fi
        port="$(free_port)"
        as_pg_owner "$bindir/pg_ctl" -D "$data" -o "-p $port" -l "$root/server.log" -w -t 60 start >/dev/null \
            || die "PostgreSQL did not start, see $root/server.log"
        PG_STARTED_DIR="$data"
        say "started a private PostgreSQL cluster in ${root#"$REPO_DIR"/} on 127.0.0.1:$port"
    fi
    PG_HOST=127.0.0.1 PG_PORT="$port" PG_USER=odoo PG_PASSWORD=False
}

pg_private_stop() {
    [[ -n "$PG_STARTED_DIR" ]] || return 0
    as_pg_owner "$(pg_bindir)/pg_ctl" -D "$PG_STARTED_DIR" -m fast -w stop >/dev/null 2>&1 || true
    PG_STARTED_DIR=""
}

# ensure_pg DIR [throwaway]: the server named by PG* variables when set and reachable,
# else the private cluster in DIR.
ensure_pg() {
    if pg_env_reachable; then
        PG_HOST="${PGHOST:-False}" PG_PORT="${PGPORT:-False}" PG_USER="${PGUSER:-False}" PG_PASSWORD="${PGPASSWORD:-False}"
        say "using the PostgreSQL server given by PGHOST/PGPORT (${PGHOST:-local socket}:${PGPORT:-5432})"
        return 0
    fi
    [[ -n "${PGHOST:-}${PGPORT:-}" ]] && say "PGHOST/PGPORT are set but the server does not answer; starting a private cluster instead"
    pg_private_start "$@"
}

# --- Odoo configuration ------------------------------------------------------------
# write_config FILE DATA_DIR [extra lines...]
write_config() {
    local file="$1" data_dir="$2"; shift 2
    mkdir -p "$(dirname "$file")" "$data_dir"
    {
        echo "[options]"
        echo "addons_path = $(addons_path)"
        echo "data_dir = $data_dir"
        echo "db_host = $PG_HOST"
        echo "db_port = $PG_PORT"
        echo "db_user = $PG_USER"
        echo "db_password = $PG_PASSWORD"
        echo "admin_passwd = admin"
        echo "without_demo = False"
        local line
        for line in "$@"; do echo "$line"; done
    } >"$file"
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@"
}

db_exists() {
    local conf="$1" db="$2"
    "$VENV/bin/python" - "$conf" "$db" <<'PY'
import sys, configparser, psycopg2
c = configparser.ConfigParser(); c.read(sys.argv[1]); o = c["options"]
val = lambda k: None if o.get(k) in (None, "False") else o.get(k)
kw = {k: val("db_" + k) for k in ("host", "port", "user", "password")}
con = psycopg2.connect(dbname="postgres", **{k: v for k, v in kw.items() if v})
cur = con.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[2]])
found = cur.fetchone()
if found:
    con.close(); con = psycopg2.connect(dbname=sys.argv[2], **{k: v for k, v in kw.items() if v}); cur = con.cursor()
    cur.execute("SELECT 1 FROM information_schema.tables WHERE table_name = 'ir_module_module'")
    found = cur.fetchone()
sys.exit(0 if found else 1)
PY
}

drop_db() {
    local conf="$1" db="$2"
    "$VENV/bin/python" - "$conf" "$db" <<'PY' || true
import sys, configparser, psycopg2
c = configparser.ConfigParser(); c.read(sys.argv[1]); o = c["options"]
val = lambda k: None if o.get(k) in (None, "False") else o.get(k)
kw = {k: val("db_" + k) for k in ("host", "port", "user", "password")}
con = psycopg2.connect(dbname="postgres", **{k: v for k, v in kw.items() if v})
con.autocommit = True
con.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[2].replace('"', ''))
PY
}

# --- throw-away runs (tests, benchmark) ----------------------------------------------
# throwaway_stack [--private] DIR [extra odoo.conf lines...]: what a throw-away run
# works on. PostgreSQL: the server named by PG* variables when it answers, else a
# private cluster in DIR/pg with fsync off (ensure_pg); --private: always the private
# cluster (a run under libfaketime needs one whose clock is moved with it). Odoo:
# DIR/odoo.conf, its filestore in DIR/data, HTTP on 127.0.0.1 and free ports (never
# 8069, which a running scripts/run.sh or another run may hold; HttpCase needs one),
# no cron thread.
throwaway_stack() {
    local start=ensure_pg
    if [[ "$1" == --private ]]; then
        start=pg_private_start
        shift
    fi
    local dir="$1"; shift
    "$start" "$dir/pg" throwaway
    write_config "$dir/odoo.conf" "$dir/data" "http_interface = 127.0.0.1" \
        "http_port = $(free_port)" "gevent_port = $(free_port)" "max_cron_threads = 0" \
        "$@"
}

# begin_run KIND [extra odoo.conf lines...]: a throw-away run of scripts/test.sh
# (KIND test) or scripts/bench.sh (bench). Sets RUN_ID (the time and this shell's
# pid: two runs at once never share a folder, a port or a database) and RUN_DIR,
# .local/KIND-runs/RUN_ID; starts the run's stack there (throwaway_stack RUN_DIR).
# On exit, finish_run with the caller's $status (a failure while unset) and the
# databases the caller names in the array RUN_DBS.
begin_run() {
    local kind="$1"; shift
    RUN_ID="$(date +%Y%m%d%H%M%S)_$$"
    RUN_DIR="$LOCAL/$kind-runs/$RUN_ID"
    RUN_DBS=()
    mkdir -p "$RUN_DIR"
    trap 'finish_run "$RUN_DIR" "${status:-1}" "${RUN_DBS[@]}"' EXIT
    throwaway_stack "$RUN_DIR" "$@"
}

# finish_run RUN_DIR STATUS DB...: stop the run's private cluster (or, on a server
# given by PG* variables, drop the run's databases); keep the folder and its logs
# only when the run failed.
finish_run() {
    local run_dir="$1" status="$2" db; shift 2
    if [[ -n "$PG_STARTED_DIR" ]]; then
        pg_private_stop
        rm -rf "$run_dir/pg"
    elif [[ -f "$run_dir/odoo.conf" ]]; then
        for db in "$@"; do drop_db "$run_dir/odoo.conf" "$db"; done
    fi
    rm -rf "$run_dir/data"
    [[ "$status" -eq 0 ]] && rm -rf "$run_dir"
    return 0
}
