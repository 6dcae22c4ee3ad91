"""Layer families. Each file holds one family: pure forward/backward functions + a class."""

from engine.layers.activation import Activation
from engine.layers.base import Layer
from engine.layers.batchnorm import BatchNorm
from engine.layers.dense import Dense

__all__ = ["Activation", "BatchNorm", "Dense", "Layer"]
