"""Layer families. Each file holds one family: pure forward/backward functions + a class."""

from engine.layers.activation import Activation
from engine.layers.base import Layer
from engine.layers.dense import Dense
from engine.layers.recurrent import GRU, LSTM, RNN, Recurrent
from engine.layers.sequence import LastStep, TimeDistributed

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Activation",
    "Dense",
    "LastStep",
    "Layer",
    "Recurrent",
    "TimeDistributed",
]
