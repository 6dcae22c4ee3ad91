"""What the playground page draws, computed by the engine, and only what changed.

One forward pass over a 100 x 100 grid of the plane gives every neuron's value at every
cell (`Sequential.layer_outputs`): the output's decision surface at full size, each neuron's
small map (every 5th cell: 20 x 20), and one "inspected" neuron at full size.

A frame always carries the weights, the metrics and the new loss-curve points. The settings
(`config`), the points (`data`), the input features' maps and the whole loss curve come only
when they changed, and a map only when it looks different from the one last sent (so a
converged network streams almost nothing): `kind` is "full" when everything is there (the
first frame, a new dataset, a restored state), "update" otherwise.
"""

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
from pydantic import BaseModel

from neural_playground.app.labs.common.heatmaps import (
    Heatmap,
    SentMaps,
    encode_bytes,
    from_bytes,
    heatmap,
    levels,
    quantize,
)
from neural_playground.app.labs.common.numbers import rounded
from neural_playground.app.labs.common.stepthrough_frame import StepThroughView
from neural_playground.app.labs.playground.spec import DataSpec, NetworkSpec, ViewSpec
from neural_playground.engine.activations import sigmoid, softmax
from neural_playground.engine.data.features import feature_matrix, grid
from neural_playground.engine.layers.dense import dense_stack_outputs

if TYPE_CHECKING:
    from neural_playground.app.labs.playground.lab import PlaygroundLab

MAP_SIZE = 100  # cells per side of the decision surface (TensorFlow Playground's size)
THUMB_EVERY = 5  # a neuron's small map keeps every 5th cell: 20 x 20
DECIMALS = 4  # coordinates as shown; the state keeps full precision
#: What a frame must carry for a page that shows nothing yet: settings, points, the whole
#: loss curve and every map (see `PlaygroundLab.changed`).
FULL = frozenset({"config", "data", "history", "maps"})


class PointSet(BaseModel):
    """Columns of points: x1[i], x2[i], label[i]."""

    x1: list[float]
    x2: list[float]
    label: list[float]


class DataView(BaseModel):
    problem: str  # "binary", "multiclass" or "regression"
    classes: int  # 2 for binary, K for multi-class, 0 for regression
    extent: float  # the plane shown is [-extent, extent]^2
    value_scale: float  # regression colours run from -value_scale to value_scale
    train: PointSet  # the learner's added points are the last `added` ones
    test: PointSet
    added: int


class ConfigView(BaseModel):
    data: DataSpec
    network: NetworkSpec
    problem: str
    classes: int
    loss: str  # the loss being minimised (binary/categorical cross-entropy, mse)
    limits: dict[str, int]


class LayerView(BaseModel):
    """A layer's weights at full precision: the page computes its maps from them."""

    activation: str
    w: list[list[float]]  # (n_in, n_out): w[i][j] from neuron i before to neuron j
    b: list[float]


class OutputMap(BaseModel):
    """The decision surface. kind "probability": P(class 1); "classes": the most likely
    class per cell in `classes` (base64 bytes) with its probability in `map`; "value": the
    regression output."""

    kind: Literal["probability", "classes", "value"]
    map: Heatmap
    classes: str | None = None


class InspectedMap(BaseModel):
    layer: int  # -1: an input feature
    j: int
    map: Heatmap


class Metrics(BaseModel):
    train_loss: float | None
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    penalty: float | None


class PlaygroundFrame(BaseModel):
    type: Literal["frame"] = "frame"
    lab: Literal["playground"] = "playground"
    kind: Literal["full", "update"]
    step: int
    epoch: float  # passes over the training points so far
    diverged: bool
    preset: str | None  # the example last loaded (see app/labs/playground/presets.py)
    modified: bool  # trained or changed since that example was loaded
    view: ViewSpec  # test points shown, output in steps (the page draws them)
    config: ConfigView | None = None
    data: DataView | None = None
    input_maps: list[Heatmap] | None = None  # one per enabled feature, small
    layers: list[LayerView]
    output: OutputMap | None  # None: unchanged since the last frame
    neuron_maps: list[list[Heatmap | None]]  # per layer, per neuron, small (output last)
    inspected: InspectedMap | None = None
    metrics: Metrics
    history: list[tuple[int, float, float | None]]  # (step, train loss, test loss)
    history_reset: bool  # True: `history` is the whole curve; False: points to append
    #: The iteration being walked (or the single one just run), phases so far; None while
    #: playing and after any change (see app.labs.common.training).
    step_through: StepThroughView | None = None


@lru_cache(maxsize=32)
def grid_features(extent: float, features: tuple[str, ...]) -> np.ndarray:
    """The features of every grid cell; shared by all sessions with the same view."""
    values = feature_matrix(grid(extent, MAP_SIZE), features)
    values.flags.writeable = False
    return values


def thumbnail(values: np.ndarray) -> np.ndarray:
    start = THUMB_EVERY // 2
    return values[start::THUMB_EVERY, start::THUMB_EVERY]


def signed_range(values: np.ndarray) -> tuple[float, float]:
    """Centred on 0, at least -1..1, so a neuron that barely varies looks pale."""
    scale = max(1.0, float(np.max(np.abs(values))))
    return -scale, scale


def signed_scales(grid: np.ndarray) -> np.ndarray:
    """`signed_range`'s scale of every neuron of a layer's grid (MAP_SIZE, MAP_SIZE, n)."""
    # One row per neuron first: NumPy reduces a contiguous row many times faster.
    rows = np.ascontiguousarray(grid.reshape(-1, grid.shape[2]).T)
    return np.maximum(1.0, np.abs(rows).max(axis=1).astype(np.float64))


def output_range(problem: str, value_scale: float) -> tuple[float, float]:
    return (-value_scale, value_scale) if problem == "regression" else (0.0, 1.0)


def predictions(problem: str, logits: np.ndarray) -> np.ndarray:
    """What the output layer's logits mean: probabilities, or the regression value."""
    if problem == "binary":
        return sigmoid(logits)
    if problem == "multiclass":
        return softmax(logits)
    return logits


def point_set(x: np.ndarray, y: np.ndarray) -> PointSet:
    return PointSet(
        x1=rounded(x[:, 0], DECIMALS), x2=rounded(x[:, 1], DECIMALS), label=rounded(y, DECIMALS)
    )


def output_map(
    problem: str, pred: np.ndarray, lo: float, hi: float, sent: SentMaps
) -> OutputMap | None:
    """pred: (MAP_SIZE, MAP_SIZE, K) predictions over the grid; None if the page has it."""
    if problem == "multiclass":
        cells = quantize(pred.max(axis=2), lo, hi)
        classes = pred.argmax(axis=2).astype(np.uint8)
        # A cell changing class always shows: compare the classes exactly. `&`, not `and`:
        # both comparisons must run so that both remember what is being sent.
        if sent.unchanged("output", cells, lo, hi) & sent.unchanged("classes", classes, 0, 1, 0):
            return None
        return OutputMap(
            kind="classes", map=from_bytes(cells, lo, hi), classes=encode_bytes(classes)
        )
    cells = quantize(pred[:, :, 0], lo, hi)
    if sent.unchanged("output", cells, lo, hi):
        return None
    return OutputMap(kind=output_kind(problem), map=from_bytes(cells, lo, hi))


def output_kind(problem: str) -> Literal["probability", "classes", "value"]:
    return {"multiclass": "classes", "regression": "value"}.get(problem, "probability")


def map_inputs(lab: "PlaygroundLab") -> tuple:
    """Everything the maps depend on. While it is the same, so is every map: a frame after a
    new learning rate, clicked-in points or a pause computes none of them again."""
    data, layers = lab.data, lab.model.layers
    return (
        data.extent,
        data.problem,
        data.value_scale,
        tuple(lab.network.features),
        lab.inspected,
        tuple((layer.activation, layer.params["w"].shape) for layer in layers),
        b"".join(p.tobytes() for layer in layers for p in layer.params.values()),
    )


class Maps(NamedTuple):
    """The maps a frame carries; None for each one the page already shows."""

    output: OutputMap | None
    neuron_maps: list[list[Heatmap | None]]
    inspected: InspectedMap | None


def unchanged_maps(lab: "PlaygroundLab") -> Maps:
    return Maps(
        output=None,
        neuron_maps=[[None] * layer.params["b"].shape[0] for layer in lab.model.layers],
        inspected=None,
    )


def compute_maps(lab: "PlaygroundLab", features: np.ndarray) -> Maps:
    """One forward pass over the grid (float32: the maps keep 256 levels), then each map that
    looks different from the one last sent."""
    data, sent = lab.data, lab.sent_maps
    outputs = dense_stack_outputs(lab.model.layers, features)
    pred = predictions(data.problem, outputs[-1])
    out_lo, out_hi = output_range(data.problem, data.value_scale)
    # Every layer's values over the grid, (MAP_SIZE, MAP_SIZE, neurons), with each neuron's
    # colour range [-scale, scale] (outputs: the output's range).
    layer_grids = [o.reshape(MAP_SIZE, MAP_SIZE, -1) for o in outputs[:-1]]
    layer_grids.append(pred.reshape(MAP_SIZE, MAP_SIZE, -1))
    scales = [signed_scales(g) for g in layer_grids[:-1]]
    ranges = [(-s, s) for s in scales] + [(np.float64(out_lo), np.float64(out_hi))]
    neuron_maps = []
    for k, (g, (lo, hi)) in enumerate(zip(layer_grids, ranges, strict=True)):
        lo, hi = np.broadcast_to(lo, g.shape[2]), np.broadcast_to(hi, g.shape[2])
        cells = levels(thumbnail(g), lo, hi)  # every neuron's small map at once
        neuron_maps.append(
            [
                sent.heatmap_of((k, j), cells[:, :, j], float(lo[j]), float(hi[j]))
                for j in range(g.shape[2])
            ]
        )
    inspected = None
    if lab.inspected is not None:
        layer, j = lab.inspected
        if layer == -1:
            values = features.reshape(MAP_SIZE, MAP_SIZE, -1)[:, :, j]
            cells = sent.heatmap("inspected", values, *signed_range(values))
        else:
            lo, hi = (np.broadcast_to(end, layer_grids[layer].shape[2]) for end in ranges[layer])
            cells = sent.heatmap("inspected", layer_grids[layer][:, :, j], lo[j], hi[j])
        inspected = None if cells is None else InspectedMap(layer=layer, j=j, map=cells)
    return Maps(
        output=output_map(data.problem, layer_grids[-1], out_lo, out_hi, sent),
        neuron_maps=neuron_maps,
        inspected=inspected,
    )


def build_frame(
    lab: "PlaygroundLab", maps: bool = True, fresh: bool = True, without: frozenset = frozenset()
) -> PlaygroundFrame:
    """The next frame for the page. `maps=False` (a cheap frame, in a crowded server) leaves
    the maps out unless the page has none; `fresh=False` gives the metrics last measured;
    "maps" in `without`: no map at all (the page draws them from the weights)."""
    data, network = lab.data, lab.network
    features = grid_features(data.extent, tuple(network.features))
    changed, sent = lab.changed, lab.sent_maps
    drawn = "maps" not in without
    if "maps" in changed:
        sent.clear()  # new shapes or a new page: it needs every map again
    # What the maps depend on, only when the server draws them (a page that draws its own
    # is sent none: no need to compare).
    source = map_inputs(lab) if drawn and (maps or sent.source is None) else None
    if source is not None and sent.source != source:
        shown = compute_maps(lab, features)
        sent.source = source
    else:
        shown = unchanged_maps(lab)

    full_history = "history" in changed
    fields: dict[str, Any] = {}
    if "config" in changed or "data" in changed:
        fields["config"] = config_view(lab)
    if "maps" in changed and drawn:
        fields["input_maps"] = input_maps(features)
    if "data" in changed:
        fields["data"] = data_view(lab)
    n_train = max(1, len(data.train_y))
    return PlaygroundFrame(
        kind="full" if changed >= FULL - without else "update",
        step=lab.step_count,
        epoch=round(lab.step_count * lab.sampler.batch_size / n_train, 2),
        diverged=lab.diverged,
        preset=lab.preset,
        modified=lab.modified(),
        view=lab.view,
        layers=[
            LayerView(
                activation=layer.activation,
                w=layer.params["w"].tolist(),
                b=layer.params["b"].tolist(),
            )
            for layer in lab.model.layers
        ],
        output=shown.output,
        neuron_maps=shown.neuron_maps,
        inspected=shown.inspected,
        metrics=Metrics(**lab.metrics(fresh=fresh)),
        history=lab.history if full_history else lab.history[lab.history_sent :],
        history_reset=full_history,
        step_through=lab.trainer.step_through_view(),
        **fields,
    )


def config_view(lab: "PlaygroundLab") -> ConfigView:
    data, limits = lab.data, lab.settings
    return ConfigView(
        data=lab.spec,
        network=lab.network,
        problem=data.problem,
        classes=data.classes,
        loss=lab.loss_name,
        limits={
            "max_points": limits.max_data_points,
            "max_classes": limits.max_classes,
            "max_layers": limits.max_layers,
            "max_neurons": limits.max_neurons,
        },
    )


def data_view(lab: "PlaygroundLab") -> DataView:
    data = lab.data
    return DataView(
        problem=data.problem,
        classes=data.classes,
        extent=data.extent,
        value_scale=data.value_scale,
        train=point_set(data.train_x, data.train_y),
        test=point_set(data.test_x, data.test_y),
        added=data.n_added,
    )


def input_maps(features: np.ndarray) -> list[Heatmap]:
    """Each input feature's small map (they change only with the features or the plane)."""
    feature_grid = features.reshape(MAP_SIZE, MAP_SIZE, -1)
    return [
        heatmap(thumbnail(feature_grid[:, :, k]), *signed_range(feature_grid[:, :, k]))
        for k in range(feature_grid.shape[2])
    ]


def sent_map(sent: SentMaps, key: object) -> Heatmap | None:
    """The map last sent under `key`, as it was sent (None if none was)."""
    if key not in sent.sent:
        return None
    cells, lo, hi = sent.sent[key]
    return from_bytes(cells, lo, hi)


def whole_frame(
    lab: "PlaygroundLab", frame: PlaygroundFrame, without: frozenset = frozenset()
) -> PlaygroundFrame:
    """`frame` (the one just built) with everything it left out filled in: settings, points,
    the whole curve, and each map as last sent. A page that was sent every frame up to this
    one shows exactly what a page shown only this whole one does; so a room's student who
    missed frames (or joined late) is sent this, and the others the small `frame` itself.
    Builds nothing the next frame depends on: the stream goes on from `frame`. "maps" in
    `without`: the pages draw the maps themselves, none is filled in."""
    if frame.kind == "full":
        return frame
    sent = lab.sent_maps
    output = frame.output
    if output is None and (surface := sent_map(sent, "output")) is not None:
        classes = sent.sent.get("classes")
        output = OutputMap(
            kind=output_kind(lab.data.problem),
            map=surface,
            classes=None if classes is None else encode_bytes(classes[0]),
        )
    inspected = frame.inspected
    if inspected is None and lab.inspected is not None:
        layer, j = lab.inspected
        shown = sent_map(sent, "inspected")
        inspected = None if shown is None else InspectedMap(layer=layer, j=j, map=shown)
    features = grid_features(lab.data.extent, tuple(lab.network.features))
    return frame.model_copy(
        update={
            "kind": "full",
            "config": config_view(lab),
            "data": data_view(lab),
            "input_maps": None if "maps" in without else input_maps(features),
            "output": output,
            "neuron_maps": [
                [m or sent_map(sent, (k, j)) for j, m in enumerate(layer)]
                for k, layer in enumerate(frame.neuron_maps)
            ],
            "inspected": inspected,
            "history": lab.history,
            "history_reset": True,
        }
    )
