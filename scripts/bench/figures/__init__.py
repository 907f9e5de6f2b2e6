"""The figures, in the order they run: the breach scan and the breached filter on
the tickets they add to the databases; then the screens (issue #24) on those
tickets, the compliance analysis last (its set-up rewrites their history)."""

from .analysis import AnalysisFigure
from .breached import BreachedFigure
from .create import CreateFigure
from .form import FormFigure
from .inbound_email import EmailFigure
from .incident_report import IncidentReportFigure
from .kanban import KanbanFigure
from .scan import ScanFigure
from .stage_move import StageMoveFigure

FIGURES = [
    CreateFigure,
    EmailFigure,
    StageMoveFigure,
    ScanFigure,
    BreachedFigure,
    FormFigure,
    KanbanFigure,
    IncidentReportFigure,
    AnalysisFigure,
]
