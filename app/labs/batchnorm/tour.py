"""The tour of B.5, following the book's argument: figure B-10's deep network, whose layers
each change the distribution of what they pass on (drifting, shrinking or growing), then the
remedy Z = (X − U) / S and Γ Z + B written out with the engine's numbers, what it does to
training, and the running statistics used once training is over."""

from neural_playground.app.labs.common.tours import preset, section_steps

SIGMOID = preset("b10_sigmoid")
TRAIN = {"type": "step", "steps": 150}

step = section_steps("B.5")

STEPS = (
    # Figure B-10: every layer of the plain network has another mean and spread.
    step("drift", SIGMOID, highlight=("histograms", "stats")),
    # ReLU layers: the spread shrinks from 0.349 to 0.068 over 8 layers.
    step(
        "shrinking",
        preset("b10_relu_shrinking"),
        highlight=("stat-plain-std-0", "stat-plain-std-7"),
    ),
    # Initial weights twice as large: the spread grows from 0.698 to 17.28.
    step("growing", preset("b10_relu_growing"), highlight=("stat-plain-std-0", "stat-plain-std-7")),
    # Z = (X − U) / S for one neuron, with the batch's own U and S (the note on the name,
    # further down the panel, is the text's aside: not pointed at).
    step("standardize", SIGMOID, highlight=("formula-u", "formula-s", "formula-z")),
    # 150 steps: the normalized network learns the circle, the plain one does not. How
    # well exactly depends on the machine (see app/labs/common/tours.py): the text quotes the frame.
    # The runs' summaries are pointed at: they show the numbers the text quotes. They stay at
    # the top of the stage (the page's first screen), too far above the loss chart to be seen
    # with it, so the text sends the learner down to the chart.
    step(
        "training",
        SIGMOID,
        TRAIN,
        highlight=("summary-plain", "summary-batchnorm"),
        quotes={"loss": "runs.1.loss", "accuracy": "runs.1.accuracy|percent"},
    ),
    # Γ and B were learned too: Γ Z + B shifts and rescales the standardized values.
    step(
        "gamma_beta",
        SIGMOID,
        TRAIN,
        highlight=("formula-out", "formula-a"),
        quotes={"gamma": "formula.gamma", "beta": "formula.beta"},
    ),
    # After training: the running U and S replace each batch's own.
    step(
        "inference",
        SIGMOID,
        TRAIN,
        {"type": "set_mode", "mode": "eval"},
        highlight=("compare", "formula-u", "formula-s", "summary-batchnorm"),
    ),
    step("your_turn", highlight=("config-activation",)),
)
