"""The labs, one per interactive page, by the name used in `/ws/{name}`."""

from app.labs.autoencoder.lab import AutoencoderLab
from app.labs.backprop.lab import BackpropLab
from app.labs.batchnorm.lab import BatchNormLab
from app.labs.common.base import Lab
from app.labs.conv.lab import ConvLab
from app.labs.descent.lab import DescentLab
from app.labs.gan.lab import GanLab
from app.labs.neurons.lab import NeuronsLab
from app.labs.playground.lab import PlaygroundLab
from app.labs.rnn.lab import RnnLab

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

__all__ = ["LABS", "Lab"]
