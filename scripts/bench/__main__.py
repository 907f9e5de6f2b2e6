"""The command line: ``python -m bench`` from scripts/ (scripts/bench.sh runs it)."""

import argparse
import sys
import time
from datetime import datetime

from . import __doc__ as package_doc
from .figures import FIGURES
from .harness import REPO_DIR, Harness, log
from .report import build_rows, environment, print_report, write_json


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=package_doc.split("\n\n")[0]
    )
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--odoo-bin", required=True)
    parser.add_argument("--db-prefix", required=True)
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--out-dir", default=str(REPO_DIR / ".local" / "bench"))
    parser.add_argument(
        "--quick", action="store_true", help="small sizes: 5,000 tickets, n = 200"
    )
    parser.add_argument("--big", type=int, help="open tickets of the big database")
    parser.add_argument("--due", type=int, help="tickets past their ACK deadline")
    parser.add_argument("--n", type=int, help="tickets created, emails received")
    parser.add_argument("--batch", type=int, help="set-up batch size")
    parser.add_argument("--runs", type=int, default=5, help="measured runs (5)")
    parser.add_argument("--warmup", type=int, default=1, help="runs before (1)")
    args = parser.parse_args(argv)
    if args.runs < 3:
        parser.error("--runs: at least 3")
    return args


def run(bench, figures):
    """The databases, then each figure's set-up and measurements in turn."""
    bench.setup()
    for figure in figures:
        log(figure.title)
        figure.setup()
        bench.results["figures"][figure.key] = figure.run()
    bench.results["run"]["finished"] = datetime.now().isoformat(timespec="seconds")
    return bench.results


def main(argv=None):
    args = parse_args(argv)
    bench = Harness(args)
    figures = [figure(bench) for figure in FIGURES]
    t0 = time.perf_counter()
    results = run(bench, figures)
    results["run"]["total_s"] = time.perf_counter() - t0
    results["environment"] = environment(bench.postgresql)
    results["table"] = build_rows(figures, results)
    path = write_json(results, args.out_dir)
    print_report(figures, results, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
