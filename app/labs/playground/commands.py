"""What the playground page may send. Data, network and view settings travel as partial
updates of their specs (`app.labs.playground.spec`): only the fields sent change."""

from typing import Annotated, Literal

from pydantic import Field, create_model

from neural_playground.app.labs.playground.presets import PRESETS
from neural_playground.app.labs.playground.spec import DataSpec, NetworkSpec, ViewSpec
from neural_playground.app.protocol import FiniteFloat, Message
from neural_playground.engine.data.datasets import PROBLEMS


def partial_command(name: str, model: type[Message], doc: str) -> type[Message]:
    """A command changing some fields of `model`: the same fields and limits, each optional.

    The class is named after the command ("set_data" -> SetData) and must be bound to that
    name in this module: lab processes pickle commands, which finds classes by module and name.
    """

    def optional(info):
        kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        return (kind | None, None)

    fields = {key: optional(info) for key, info in model.model_fields.items()}
    class_name = "".join(part.title() for part in name.split("_"))
    command = create_model(
        class_name, __base__=Message, __module__=__name__, type=(Literal[name], ...), **fields
    )
    command.__doc__ = doc
    return command


SetData = partial_command(
    "set_data", DataSpec, "Change the dataset; the points are regenerated, training restarts."
)
SetNetwork = partial_command(
    "set_network",
    NetworkSpec,
    "Change the network or its training; features, layers and init_seed restart training.",
)
SetView = partial_command(
    "set_view", ViewSpec, "Show the test points or the output in steps (nothing is computed)."
)


class LoadPreset(Message):
    """One of the examples: its data, network and settings, fresh weights, step 0."""

    type: Literal["load_preset"]
    name: Literal[tuple(PRESETS)]  # type: ignore[valid-type]


class AddPoint(Message):
    """A point the learner clicked in; it joins the training set."""

    type: Literal["add_point"]
    x1: FiniteFloat
    x2: FiniteFloat
    label: FiniteFloat


class ClearPoints(Message):
    """Remove every clicked-in point."""

    type: Literal["clear_points"]


class LoadCsv(Message):
    """The learner's own points: lines of x1, x2, label (checked line by line)."""

    type: Literal["load_csv"]
    text: str = Field(max_length=10_000_000)
    problem: Literal[("auto", *PROBLEMS)] = "auto"  # type: ignore[valid-type]


class Inspect(Message):
    """Show one neuron's map at full size (layer -1: an input feature); layer None: none."""

    type: Literal["inspect"]
    layer: int | None = Field(None, ge=-1)
    j: int = Field(0, ge=0)
