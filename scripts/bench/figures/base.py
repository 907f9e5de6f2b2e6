"""What every figure of the benchmark is."""

from ..report import row


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
