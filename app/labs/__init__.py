"""The labs, one per interactive page, by the name used in `/ws/{name}`."""

from app.labs.backprop import BackpropLab
from app.labs.base import Lab, LabError
from app.labs.descent import DescentLab
from app.labs.neurons import NeuronsLab

LABS: dict[str, type[Lab]] = {lab.name: lab for lab in (NeuronsLab, BackpropLab, DescentLab)}

__all__ = ["LABS", "Lab", "LabError"]
