"""Layer families. Each file holds one family: pure forward/backward functions + a class."""

from engine.layers.activation import Activation
from engine.layers.base import Layer
from engine.layers.batchnorm import BatchNorm
from engine.layers.conv import Conv2D
from engine.layers.dense import Dense
from engine.layers.flatten import Flatten
from engine.layers.pooling import AvgPool2D, MaxPool2D
from engine.layers.recurrent import GRU, LSTM, RNN, Recurrent
from engine.layers.sequence import LastStep, TimeDistributed

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
