"""The figures, in the order they run: the breach scan and the breached filter last,
on the tickets they add to the databases."""

from .breached import BreachedFigure
from .create import CreateFigure
from .inbound_email import EmailFigure
from .scan import ScanFigure
from .stage_move import StageMoveFigure

FIGURES = [CreateFigure, EmailFigure, StageMoveFigure, ScanFigure, BreachedFigure]
