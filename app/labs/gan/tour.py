"""The tour of B.8.2, following the book's argument: a generator that turns random noise
into data and a discriminator that tells real from generated (figure B-26); D learns first,
then G learns from D's verdict; training ends when D can no longer tell them apart."""

from neural_playground.app.labs.common.tours import preset, section_steps

RING = preset("b26_ring")
D_STEP = {"type": "step_discriminator"}
G_STEP = {"type": "step_generator"}

step = section_steps("B.8")

STEPS = (
    # Figure B-26 on the plane: real points on a ring, G's points from noise, D's map.
    step("structure", RING, highlight=("plane", "readings")),
    # D learns first: one update on real and generated batches.
    step("discriminator_first", RING, D_STEP, highlight=("d-real", "d-fake", "d-loss")),
    # Then G, from D's verdict alone: G's loss −log D(G(z)).
    step("generator_next", RING, D_STEP, G_STEP, highlight=("g-loss", "plane")),
    # 300 iterations: the generated points lie on the ring, D says about 0.5 to both.
    step(
        "training",
        RING,
        {"type": "step", "steps": 300},
        highlight=("plane", "verdict-chart", "collapse"),
    ),
    # The book's stopping rule: D at 0.5 for a while; it stops at iteration 800.
    step("stop", RING, {"type": "step", "steps": 1000}, highlight=("stopped", "equilibrium")),
    # Images: G draws 8×8 digits from 8 numbers of noise.
    step(
        "digits",
        preset("b26_digits"),
        {"type": "step", "steps": 300},
        highlight=("samples", "collapse"),
    ),
    step("your_turn", highlight=("data",)),
)
