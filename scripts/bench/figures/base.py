"""What every figure of the benchmark is."""

from ..harness import log
from ..report import fmt_count, fmt_time, ratio, row, tq


class Figure:
    """One figure: its data, its measurements, its lines of the table.

    The run calls ``setup()`` then ``run()`` on each figure in turn, on the
    databases the harness has installed and given their common data; ``run()``
    returns the measurements, kept as ``results["figures"][key]``. ``rows()`` and
    ``explains()`` read nothing but ``results`` (what the JSON holds), so that the
    report can be made again from a saved run."""

    number = 0  # the figure's number in the issue and the table's order
    key = ""  # its key in results["figures"]
    label = ""  # its name in the table's first column
    title = ""  # the log line announcing it

    def __init__(self, bench):
        self.bench = bench  # the harness.Harness

    @property
    def sizes(self):
        return self.bench.sizes

    def setup(self):
        """The data the figure needs, committed; timed as set-up, outside the
        figure (harness.Harness.setup_step)."""

    def run(self):
        """The measurements (harness.Harness.measure)."""
        raise NotImplementedError

    def rows(self, results):
        """The figure's lines of the table, each with its target and verdict."""
        raise NotImplementedError

    def explains(self, results):
        """The query plans the report prints: [(title, [plan, ...]), ...]."""
        return []

    def row(self, what, ours, ref="", rat="", target="", ok=None):
        """One line of the table for this figure (report.row)."""
        return row(self.label, what, ours, ref, rat, target, ok)

    def row_against_mgmt(self, what, data, target, ok):
        """One line of ours against helpdesk_mgmt's, measured in the same
        rounds: `ok(time ratio, extra queries)` is the target's verdict."""
        ours, base = data["mindx"], data["mgmt"]
        r_time = ratio(ours["time"]["median"], base["time"]["median"])
        r_cpu = ratio(ours["cpu"]["median"], base["cpu"]["median"])
        extra = ours["queries"]["median"] - base["queries"]["median"]
        return self.row(
            what,
            tq(ours),
            f"mgmt {tq(base)}",
            f"×{r_time:.2f} (cpu ×{r_cpu:.2f}), +{extra:g} q",
            target,
            ok(r_time, extra),
        )

    @staticmethod
    def log_measured(label, out, describe=str):
        """A log line per measurement of `out` (harness.Harness.measure's):
        `describe(result)`, its queries and time."""
        for name, data in out.items():
            log(
                f"  {label} {name}: {describe(data['result'])}, "
                f"{fmt_count(data['queries'])}, {fmt_time(data['time'])}"
            )
