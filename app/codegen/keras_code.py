"""An engine `Sequential` written as Keras 3 layers, with the page's weights set in.

Conventions mapped here, once: images stay channels-first, (C, H, W) as on the page;
the engine's padding is a `ZeroPadding2D` before a "valid" convolution; convolution
kernels go from (filters, channels, k, k) to Keras' (k, k, channels, filters); pooling is
channels-first too, and `Flatten` skips its channels-last transpose; the LSTM's
gate blocks go from the engine's i, f, o, g to Keras' i, f, g, o; the GRU is Keras'
`reset_after=False` (the reset gate acts before the product, as on the page); the
engine's `LastStep` is `return_sequences=False`.
"""

from __future__ import annotations

from neural_playground.engine.layers import (
    GRU,
    LSTM,
    RNN,
    Activation,
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dense,
    Flatten,
    LastStep,
    MaxPool2D,
    TimeDistributed,
)
from neural_playground.engine.regularizers import Regularizer

from .spec import Network
from .torch_code import describe

CHANNELS_FIRST = 'data_format="channels_first"'


def activation(name: str) -> str:
    """Keras' own name quoted, or the function the script defines (`leaky_relu`, `step`)."""
    return name if name in ("leaky_relu", "step") else f'"{name}"'


def layers(net: Network, regularizer: Regularizer | None) -> list[str]:
    """Constructor source of every Keras layer, in order."""
    out: list[str] = []
    engine_layers = net.model.layers
    for k, (layer, name) in enumerate(zip(engine_layers, net.names(), strict=True)):
        following = engine_layers[k + 1] if k + 1 < len(engine_layers) else None
        if isinstance(layer, TimeDistributed):
            layer = layer.layer  # Dense works on the last axis of (N, T, H) already
        if isinstance(layer, Dense):
            extra = ""
            if regularizer is not None:
                kind = {"l1": "L1", "l2": "L2"}[regularizer.name]
                extra = f", kernel_regularizer=keras.regularizers.{kind}({regularizer.rate!r})"
            act = activation(layer.activation)
            out.append(f'keras.layers.Dense({layer.n_out}, activation={act}, '
                       f'use_bias={layer.use_bias}{extra}, name="{name}")')  # fmt: skip
        elif isinstance(layer, Activation):
            out.append(f'keras.layers.Activation({activation(layer.activation)}, name="{name}")')
        elif isinstance(layer, BatchNorm):
            out.append(f"keras.layers.BatchNormalization(momentum={layer.momentum!r}, "
                       f'epsilon={layer.eps!r}, name="{name}")')  # fmt: skip
        elif isinstance(layer, Conv2D):
            if layer.padding:
                out.append(f"keras.layers.ZeroPadding2D({layer.padding}, {CHANNELS_FIRST}, "
                           f'name="{name}_padding")')  # fmt: skip
            out.append(f"keras.layers.Conv2D({layer.filters}, {layer.kernel_size}, "
                       f'strides={layer.stride}, {CHANNELS_FIRST}, name="{name}")')  # fmt: skip
        elif isinstance(layer, (MaxPool2D, AvgPool2D)):
            kind = "MaxPooling2D" if isinstance(layer, MaxPool2D) else "AveragePooling2D"
            out.append(f"keras.layers.{kind}({layer.size}, strides={layer.stride}, "
                       f'{CHANNELS_FIRST}, name="{name}")')  # fmt: skip
        elif isinstance(layer, Flatten):
            # "channels_last" means: no transpose first, so (C, H, W) flattens in the
            # engine's order (channel by channel, row by row).
            out.append(f'keras.layers.Flatten(data_format="channels_last", name="{name}")')
        elif isinstance(layer, (RNN, LSTM, GRU)):
            sequences = not isinstance(following, LastStep)
            kind, extra = {RNN: ("SimpleRNN", ""), LSTM: ("LSTM", ""),
                           GRU: ("GRU", "reset_after=False, ")}[type(layer)]  # fmt: skip
            out.append(f"keras.layers.{kind}({layer.n_hidden}, {extra}"
                       f'return_sequences={sequences}, name="{name}")')  # fmt: skip
        elif isinstance(layer, LastStep):
            continue  # the recurrent layer before returns its last state only
        else:
            raise ValueError(f"no Keras mapping for {type(layer).__name__}")
    return out


def weight_list(layer, name: str, source: str) -> str | None:
    """Source of the list `set_weights` takes for one engine layer (None: no weights)."""
    w = f'{source}["{name}.'
    if isinstance(layer, TimeDistributed):
        layer = layer.layer
    if isinstance(layer, Dense):
        return f'[{w}w"]' + (f', {w}b"]]' if layer.use_bias else "]")
    if isinstance(layer, BatchNorm):
        return f'[{w}gamma"], {w}beta"], {w}running_mean"], {w}running_var"]]'
    if isinstance(layer, Conv2D):
        return f'[{w}w"].transpose(2, 3, 1, 0), {w}b"]]  # (F, C, k, k) -> (k, k, C, F)'
    if isinstance(layer, LSTM):
        return f'[ifog_to_ifco({w}wx"]), ifog_to_ifco({w}wh"]), ifog_to_ifco({w}b"])]'
    if isinstance(layer, (RNN, GRU)):
        return f'[{w}wx"], {w}wh"], {w}b"]]'
    return None


def helpers(networks: list[Network]) -> list[str]:
    acts = {getattr(layer, "activation", None) for net in networks for layer in net.model.layers}
    kinds = {type(layer) for net in networks for layer in net.model.layers}
    out = []
    if "leaky_relu" in acts:
        out.append(LEAKY_RELU)
    if "step" in acts:
        out.append(STEP)
    if LSTM in kinds:
        out.append(REORDER)
    return out


def builder(net: Network, weights: str, input_shape: tuple[int, ...],
            regularizer: Regularizer | None = None) -> str:  # fmt: skip
    entries = "".join(f"        {line},\n" for line in layers(net, regularizer))
    sets = ""
    for layer, name in zip(net.model.layers, net.names(), strict=True):
        source = weight_list(layer, name, weights)
        if source is not None:
            arrays, _, why = source.partition("  # ")
            sets += f"    # {why}\n" if why else ""
            sets += f'    model.get_layer("{name}").set_weights({arrays})\n'
    shape = ", ".join(str(n) for n in input_shape) + ("," if len(input_shape) == 1 else "")
    return (
        f"def build_{net.name}():\n"
        f'    """{describe(net)}"""\n'
        f"    model = keras.Sequential([\n        keras.Input(shape=({shape})),\n{entries}    ])\n"
        f"    # the page's weights, exactly\n{sets}"
        f"    return model\n"
    )


LEAKY_RELU = '''def leaky_relu(x):
    """The page's leaky ReLU: slope 0.01 below 0 (Keras' own default is 0.2)."""
    return keras.activations.leaky_relu(x, negative_slope=0.01)
'''

STEP = '''def step(x):
    """The perceptron's step: 1 where z > 0, else 0."""
    return keras.ops.cast(x > 0, x.dtype)
'''

REORDER = '''def ifog_to_ifco(m):
    """The page's LSTM blocks i, f, o, g side by side -> Keras' order i, f, g (c), o."""
    i, f, o, g = np.split(m, 4, axis=-1)
    return np.concatenate([i, f, g, o], axis=-1)
'''
