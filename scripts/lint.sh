#!/usr/bin/env bash
# Quality gates (run by .ci/run before the tests; also usable as a pre-commit step):
# ruff lint + format check, pylint-odoo with .pylintrc-mandatory, and OCA's offline
# module checks (oca-checks-odoo-module, oca-checks-po). Exit non-zero on any finding.
source "$(dirname "$0")/lib.sh"

require_odoo_src
ensure_venv
cd "$REPO_DIR"
status=0
run() { say "$*"; "$@" || status=1; }

run "$VENV/bin/ruff" check .
run "$VENV/bin/ruff" format --check .
run "$VENV/bin/pylint" --rcfile=.pylintrc-mandatory "$ADDON"
run "$VENV/bin/python" scripts/gen_addon_readme.py --check
run "$VENV/bin/oca-checks-odoo-module" --no-verbose "$ADDON/__manifest__.py"
mapfile -t po_files < <(find "$ADDON" -name '*.po' -o -name '*.pot')
if ((${#po_files[@]})); then
    run "$VENV/bin/oca-checks-po" --no-verbose "${po_files[@]}"
fi
((status == 0)) && say "lint: all checks passed" || say "lint: some checks failed (see above)"
exit "$status"
