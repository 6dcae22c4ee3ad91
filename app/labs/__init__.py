"""The labs, one per interactive page, by the name used in `/ws/{name}`."""

from app.labs.base import Lab, LabError
from app.labs.neurons import NeuronsLab
from app.labs.rnn import RnnLab

LABS: dict[str, type[Lab]] = {lab.name: lab for lab in (NeuronsLab, RnnLab)}

__all__ = ["LABS", "Lab", "LabError"]
