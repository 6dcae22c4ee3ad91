"""Layer families. Each file holds one family: pure forward/backward functions + a class."""

from neural_playground.engine.layers.activation import Activation
from neural_playground.engine.layers.base import Layer
from neural_playground.engine.layers.batchnorm import BatchNorm
from neural_playground.engine.layers.conv import Conv2D
from neural_playground.engine.layers.dense import Dense
from neural_playground.engine.layers.flatten import Flatten
from neural_playground.engine.layers.pooling import AvgPool2D, MaxPool2D
from neural_playground.engine.layers.recurrent import GRU, LSTM, RNN, Recurrent
from neural_playground.engine.layers.sequence import LastStep, TimeDistributed

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Activation",
    "AvgPool2D",
    "BatchNorm",
    "Conv2D",
    "Dense",
    "Flatten",
    "LastStep",
    "Layer",
    "MaxPool2D",
    "Recurrent",
    "TimeDistributed",
]
