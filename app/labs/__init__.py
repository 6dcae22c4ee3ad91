"""The labs, one per interactive page, by the name used in `/ws/{name}`."""

from app.labs.autoencoder import AutoencoderLab
from app.labs.backprop import BackpropLab
from app.labs.base import Lab, LabError
from app.labs.batchnorm import BatchNormLab
from app.labs.conv import ConvLab
from app.labs.descent import DescentLab
from app.labs.gan import GanLab
from app.labs.neurons import NeuronsLab
from app.labs.playground import PlaygroundLab
from app.labs.rnn import RnnLab

LABS: dict[str, type[Lab]] = {
    lab.name: lab
    for lab in (
        NeuronsLab,
        PlaygroundLab,
        AutoencoderLab,
        BackpropLab,
        BatchNormLab,
        ConvLab,
        DescentLab,
        GanLab,
        RnnLab,
    )
}

__all__ = ["LABS", "Lab", "LabError"]
