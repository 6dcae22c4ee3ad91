"""The tour of the 2-D playground, B.1 to B.4 on points in the plane: the output node alone
draws a straight line, which separates two clouds but not a circle; better features or a
hidden layer (the book's single-layer network) do, each hidden node's map showing the edge it
learned; the spiral needs a deep network; too large a learning rate diverges; a big network
learns few noisy points by heart and L2 regularization helps; and one iteration's forward,
loss, backward and update, phase by phase.

Every step loads its example (app/labs/playground/presets.py) and trains a fixed number of
steps from the example's seeded weights, so its numbers are the same each time.
"""

from neural_playground.app.labs.common.tours import preset, section_steps

SECTION = "B.3+"  # the playground's place on the lesson map (see lesson.py)


def example(name: str, steps: int = 0, *more: dict) -> tuple[dict, ...]:
    """Load the example `name`, then train `steps` iterations, then any further commands."""
    trained = ({"type": "step", "steps": steps},) if steps else ()
    return (preset(name), *trained, *more)


PHASE = {"type": "step_phase"}

step = section_steps(SECTION)

STEPS = (
    # No hidden layer: sigmoid(w1 x1 + w2 x2 + b), its border a line; 100 % / 99 %.
    step("line", *example("gauss_line", 50), highlight=("plot", "accuracy")),
    # The same on the circle: 64 % / 50 %, the loss stuck at log 2.
    step("circle_line", *example("circle_line", 100), highlight=("plot", "accuracy", "train-loss")),
    # X1² and X2²: the disc's border is a line in them; 100 % / 100 %.
    step(
        "features",
        *example("circle_squares", 300),
        highlight=("feature-x1_sq", "feature-x2_sq", "accuracy"),
    ),
    # One hidden layer of 4 tanh nodes: each node's map an edge; 99 % / 93 %.
    step("hidden_layer", *example("circle_hidden", 300), highlight=("network", "accuracy")),
    # Three hidden layers of 8 and sin features, Adam: 100 % / 99.3 %.
    step("spiral", *example("spiral_deep", 300), highlight=("network", "accuracy")),
    # Regression with η = 3: diverged after 3 steps.
    step(
        "learning_rate",
        *example("too_large_rate", 10),
        highlight=("learning-rate", "diverged", "train-loss"),
    ),
    # 40 noisy training points, a big network: training loss 0, test loss 0.87. The numbers
    # and the border that winds around single points are pointed at: they fit on the screen
    # together, the loss chart under them does not, and the text sends the learner down to it.
    step(
        "overfitting",
        *example("overfitting", 300),
        highlight=("test-loss", "accuracy", "plot"),
    ),
    # The same with L2 0.03: test loss 0.298.
    step(
        "regularization",
        *example("regularized", 300),
        highlight=("regularization", "regularization-rate", "test-loss", "penalty"),
    ),
    # One iteration of the hidden-layer network: forward (2 layers), then the loss: the Step
    # button and the strip of phases.
    step(
        "step_through",
        *example("circle_hidden", 0, PHASE, PHASE, PHASE),
        highlight=("st-phase", "st-phases"),
    ),
)
