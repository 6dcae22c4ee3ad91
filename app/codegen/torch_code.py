"""An engine `Sequential` written as PyTorch: modules, the page's weights copied in, and the
hand-written pieces PyTorch has no exact twin for (the engine's recurrent cells, the step).

Conventions mapped here, once: `nn.Linear` stores its weight as (out, in), the engine's
Dense as (in, out), hence `.T`; the engine's batch-norm momentum weighs the old running
statistic, PyTorch's the new one (0.9 -> 0.1); the recurrent cells are written by hand
because `nn.GRU` applies the reset gate after the product (the engine, like Keras'
`reset_after=False`, before it) and `nn.LSTM` orders its gate blocks differently. Images
need no mapping: PyTorch is channels-first like the engine, keeps kernels as (filters,
channels, k, k), pads inside `nn.Conv2d`, floors pooled sizes and flattens (C, H, W) in order.
"""

from __future__ import annotations

from neural_playground.engine import activations
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

from .spec import Network


def activation_module(name: str) -> str | None:
    return {
        "linear": None,
        "sigmoid": "nn.Sigmoid()",
        "tanh": "nn.Tanh()",
        "relu": "nn.ReLU()",
        "leaky_relu": f"nn.LeakyReLU({activations.LEAKY_RELU_SLOPE})",
        "softmax": "nn.Softmax(dim=-1)",
        "step": "Step()",
    }[name]


def modules(layer, name: str) -> list[tuple[str, str]]:
    """The (name, constructor) pairs one engine layer becomes."""
    if isinstance(layer, TimeDistributed):
        return modules(layer.layer, name)  # nn.Linear already works on the last axis
    if isinstance(layer, Dense):
        out = [(name, f"nn.Linear({layer.n_in}, {layer.n_out}, bias={layer.use_bias})")]
        act = activation_module(layer.activation)
        return out + ([(f"{name}_{layer.activation}", act)] if act else [])
    if isinstance(layer, Activation):
        return [(name, activation_module(layer.activation) or "nn.Identity()")]
    if isinstance(layer, BatchNorm):
        return [
            (name, f"nn.BatchNorm1d({layer.n_features}, eps={layer.eps!r}, "
                   f"momentum={1 - layer.momentum:.12g})")
        ]  # fmt: skip
    if isinstance(layer, Conv2D):
        return [
            (name, f"nn.Conv2d({layer.in_channels}, {layer.filters}, {layer.kernel_size}, "
                   f"stride={layer.stride}, padding={layer.padding})")
        ]  # fmt: skip
    if isinstance(layer, (MaxPool2D, AvgPool2D)):
        kind = "MaxPool2d" if isinstance(layer, MaxPool2D) else "AvgPool2d"
        return [(name, f"nn.{kind}({layer.size}, stride={layer.stride})")]
    if isinstance(layer, Flatten):
        return [(name, "nn.Flatten()")]
    if isinstance(layer, LastStep):
        return [(name, "LastStep()")]
    if isinstance(layer, (RNN, LSTM, GRU)):
        cls = {RNN: "PageRNN", LSTM: "PageLSTM", GRU: "PageGRU"}[type(layer)]
        return [(name, f"{cls}({layer.n_in}, {layer.n_hidden}, clip_norm={layer.clip_norm!r})")]
    raise ValueError(f"no PyTorch mapping for {type(layer).__name__}")


def loads(layer, name: str, source: str) -> list[str]:
    """Statements copying one layer's weights from the dict `source` into `model`."""
    w = f'{source}["{name}.'
    if isinstance(layer, TimeDistributed):
        layer = layer.layer
    if isinstance(layer, Dense):
        lines = [f'model.{name}.weight.copy_(tensor({w}w"]).T)  # (in, out) -> (out, in)']
        return lines + ([f'model.{name}.bias.copy_(tensor({w}b"]))'] if layer.use_bias else [])
    if isinstance(layer, BatchNorm):
        return [
            f'model.{name}.weight.copy_(tensor({w}gamma"]))',
            f'model.{name}.bias.copy_(tensor({w}beta"]))',
            f'model.{name}.running_mean.copy_(tensor({w}running_mean"]))',
            f'model.{name}.running_var.copy_(tensor({w}running_var"]))',
        ]
    if isinstance(layer, Conv2D):
        return [
            f'model.{name}.weight.copy_(tensor({w}w"]))  # (filters, channels, k, k) alike',
            f'model.{name}.bias.copy_(tensor({w}b"]))',
        ]
    if isinstance(layer, (RNN, LSTM, GRU)):
        return [f'model.{name}.{key}.copy_(tensor({w}{key}"]))' for key in ("wx", "wh", "b")]
    return []


def helpers(networks: list[Network]) -> list[str]:
    """The hand-written modules the networks need, in the order they are defined."""
    kinds = {type(layer) for net in networks for layer in net.model.layers}
    kinds |= {type(layer.layer) for net in networks for layer in net.model.layers
              if isinstance(layer, TimeDistributed)}  # fmt: skip
    acts = {getattr(layer, "activation", None) for net in networks for layer in net.model.layers}
    out = []
    if "step" in acts:
        out.append(STEP)
    if kinds & {RNN, LSTM, GRU}:
        out += [CLIP, LAST_STEP]
    cells = ((RNN, RNN_CELL), (LSTM, LSTM_CELL), (GRU, GRU_CELL))
    out += [code for cls, code in cells if cls in kinds]
    return out


def builder(net: Network, weights: str) -> str:
    """`def build_<name>()`: the network with the page's weights (dict `weights`)."""
    pairs = [p for layer, name in zip(net.model.layers, net.names(), strict=True)
             for p in modules(layer, name)]  # fmt: skip
    entries = "".join(f'        ("{name}", {ctor}),\n' for name, ctor in pairs)
    copies = "".join(
        f"        {line}\n"
        for layer, name in zip(net.model.layers, net.names(), strict=True)
        for line in loads(layer, name, weights)
    )
    return (
        f"def build_{net.name}():\n"
        f'    """{describe(net)}"""\n'
        f"    model = nn.Sequential(OrderedDict([\n{entries}    ]))\n"
        f"    with torch.no_grad():  # the page's weights, exactly\n{copies}"
        f"    return model\n"
    )


def summary(layer) -> str:
    """One layer in a few words, for the builder's docstring."""
    if isinstance(layer, TimeDistributed):
        return summary(layer.layer) + " at every step"
    if isinstance(layer, Dense):
        return f"Dense {layer.n_in}->{layer.n_out} {layer.activation}"
    if isinstance(layer, Conv2D):
        return (f"Conv2D {layer.in_channels}->{layer.filters} {layer.kernel_size}x"
                f"{layer.kernel_size} stride {layer.stride} padding {layer.padding}")  # fmt: skip
    if isinstance(layer, (MaxPool2D, AvgPool2D)):
        return f"{type(layer).__name__} {layer.size} stride {layer.stride}"
    if isinstance(layer, (RNN, LSTM, GRU)):
        return f"{type(layer).__name__} {layer.n_in}->{layer.n_hidden}"
    if isinstance(layer, Activation):
        return layer.activation
    return type(layer).__name__


def describe(net: Network) -> str:
    return (net.title + ": " if net.title else "") + " -> ".join(
        summary(layer) for layer in net.model.layers
    )


STEP = '''class Step(nn.Module):
    """The perceptron's step: 1 where z > 0, else 0 (its gradient is 0 everywhere)."""

    def forward(self, z):
        return (z > 0).to(z.dtype)
'''

CLIP = '''def clip_gradient(h, max_norm):
    """The page clips dL/dh_t, the whole gradient arriving at each hidden state during
    backpropagation through time, to norm `max_norm` (over the batch and the units)."""
    if max_norm is not None and h.requires_grad:
        h.register_hook(lambda g: g * min(1.0, max_norm / max(g.norm().item(), 1e-300)))
    return h
'''

LAST_STEP = '''class LastStep(nn.Module):
    """The last hidden state of every sequence: (N, T, H) -> (N, H)."""

    def forward(self, h):
        return h[:, -1]
'''

_CELL_HEAD = '''class Page{name}(nn.Module):
    """{doc}

    Parameters as on the page: wx (inputs, {g}*H), wh (H, {g}*H), b ({g}*H,), the blocks
    side by side in the order {order}. x: (N, T, inputs) -> every hidden state (N, T, H).
    """

    def __init__(self, n_in, n_hidden, clip_norm=None):
        super().__init__()
        self.wx = nn.Parameter(torch.zeros(n_in, {g} * n_hidden))
        self.wh = nn.Parameter(torch.zeros(n_hidden, {g} * n_hidden))
        self.b = nn.Parameter(torch.zeros({g} * n_hidden))
        self.clip_norm = clip_norm

    def forward(self, x):
        n_hidden = self.wh.shape[0]
        h = x.new_zeros(x.shape[0], n_hidden)  # every sequence starts from zeros
'''

RNN_CELL = (
    _CELL_HEAD.format(
        name="RNN", g=1, order="h", doc="The page's RNN: h_t = tanh(x_t wx + h_(t-1) wh + b)."
    )
    + """        states = []
        for t in range(x.shape[1]):
            h = clip_gradient(torch.tanh(x[:, t] @ self.wx + h @ self.wh + self.b), self.clip_norm)
            states.append(h)
        return torch.stack(states, dim=1)
"""
)

LSTM_CELL = (
    _CELL_HEAD.format(
        name="LSTM",
        g=4,
        order="i, f, o, g (nn.LSTM: i, f, g, o)",
        doc="The page's LSTM: gates i, f, o (sigmoid), candidate g (tanh); c = f c + i g, "
        "h = o tanh(c).",
    )
    + """        c = x.new_zeros(x.shape[0], n_hidden)
        states = []
        for t in range(x.shape[1]):
            a = x[:, t] @ self.wx + h @ self.wh + self.b
            i, f, o = (torch.sigmoid(a[:, k * n_hidden:(k + 1) * n_hidden]) for k in range(3))
            g = torch.tanh(a[:, 3 * n_hidden:])
            c = f * c + i * g
            h = clip_gradient(o * torch.tanh(c), self.clip_norm)
            states.append(h)
        return torch.stack(states, dim=1)
"""
)

GRU_CELL = (
    _CELL_HEAD.format(
        name="GRU",
        g=3,
        order="z, r, n",
        doc="The page's GRU: the reset gate r acts BEFORE the product, n = tanh(x wx_n + "
        "(r h) wh_n + b_n)\n    (Keras' reset_after=False; nn.GRU applies r after it), and "
        "h = z h_prev + (1 - z) n.",
    )
    + """        states = []
        for t in range(x.shape[1]):
            xw = x[:, t] @ self.wx
            zr = torch.sigmoid(xw[:, :2 * n_hidden] + h @ self.wh[:, :2 * n_hidden]
                               + self.b[:2 * n_hidden])
            z, r = zr[:, :n_hidden], zr[:, n_hidden:]
            n = torch.tanh(xw[:, 2 * n_hidden:] + (r * h) @ self.wh[:, 2 * n_hidden:]
                           + self.b[2 * n_hidden:])
            h = clip_gradient(z * h + (1 - z) * n, self.clip_norm)
            states.append(h)
        return torch.stack(states, dim=1)
"""
)
