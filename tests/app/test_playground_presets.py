"""The playground's examples: what each one teaches shows in the engine's numbers after the
steps its tour step trains (the same numbers every time), and the page knows which example
it shows."""

import pytest

from neural_playground.app.labs.neurons.commands import SetWeight
from neural_playground.app.labs.playground.commands import LoadPreset, SetNetwork
from neural_playground.app.labs.playground.lab import PlaygroundLab
from neural_playground.app.labs.playground.spec import PlaygroundState
from neural_playground.app.settings import Settings


def loaded(name: str, settings: Settings | None = None) -> PlaygroundLab:
    lab = PlaygroundLab(settings or Settings())
    lab.handle(LoadPreset(type="load_preset", name=name))
    return lab


def trained(name: str, steps: int) -> dict:
    lab = loaded(name)
    lab.train(steps)
    return lab.frame().metrics.model_dump()


def test_a_straight_line_separates_two_gaussians_but_not_the_circle():
    gauss = trained("gauss_line", 50)
    assert gauss["train_accuracy"] == 1.0 and gauss["test_accuracy"] == pytest.approx(0.99)
    assert gauss["train_loss"] == pytest.approx(0.1258, abs=1e-4)
    circle = trained("circle_line", 100)
    assert circle["train_accuracy"] == pytest.approx(0.64)
    assert circle["test_accuracy"] == pytest.approx(0.5)
    assert circle["train_loss"] == pytest.approx(0.6903, abs=1e-4)  # about log 2: no better


def test_the_circle_is_separated_by_squared_features_or_by_a_hidden_layer():
    squares = trained("circle_squares", 300)
    assert squares["train_accuracy"] == squares["test_accuracy"] == 1.0
    assert squares["train_loss"] == pytest.approx(0.2175, abs=1e-4)
    hidden = trained("circle_hidden", 300)
    assert hidden["train_accuracy"] == pytest.approx(0.99)
    assert hidden["test_accuracy"] == pytest.approx(0.93)


def test_xor_is_learned_from_the_product_feature():
    lab = loaded("xor_product")
    assert lab.metrics()["train_accuracy"] == 0.0  # the first weights get every point wrong
    lab.train(50)
    assert lab.metrics()["train_accuracy"] == lab.metrics()["test_accuracy"] == 1.0


def test_the_spiral_is_learned_by_a_deep_network_with_sin_features():
    spiral = trained("spiral_deep", 300)
    assert spiral["train_accuracy"] == 1.0
    assert spiral["test_accuracy"] == pytest.approx(0.9933, abs=1e-4)
    assert [len(layer.b) for layer in loaded("spiral_deep").frame().layers] == [8, 8, 8, 1]


def test_too_large_a_learning_rate_diverges_and_a_small_one_fits():
    lab = loaded("too_large_rate")
    lab.train(10)
    frame = lab.frame()
    assert frame.diverged and frame.step == 3  # stopped at the last finite weights
    assert frame.metrics.train_loss > 1e12
    assert frame.config is None or frame.config.network.learning_rate == 3.0
    lab.handle(SetNetwork(type="set_network", learning_rate=0.01))
    lab.reset()
    start = lab.metrics()["train_loss"]
    lab.train(10)
    assert not lab.diverged and lab.metrics()["train_loss"] < start / 10


def test_a_big_network_overfits_few_noisy_points_and_l2_helps():
    overfit = trained("overfitting", 300)
    assert overfit["train_loss"] < 0.001 and overfit["train_accuracy"] == 1.0
    assert overfit["test_loss"] == pytest.approx(0.8704, abs=1e-4)
    assert overfit["test_accuracy"] == pytest.approx(0.875)
    regular = trained("regularized", 300)
    assert regular["test_loss"] == pytest.approx(0.2976, abs=1e-4)
    assert regular["test_loss"] < overfit["test_loss"] / 2
    assert regular["penalty"] == pytest.approx(0.1793, abs=1e-4)
    assert regular["train_loss"] > overfit["train_loss"]  # it fits the training points less


def test_three_classes_use_softmax_and_categorical_cross_entropy():
    lab = loaded("three_classes")
    frame = lab.frame()
    assert frame.config.loss == "categorical_crossentropy" and frame.config.classes == 3
    assert len(frame.layers[-1].b) == 3
    lab.train(100)
    assert lab.metrics()["test_accuracy"] == 1.0


def test_an_example_gives_the_same_numbers_every_time():
    assert trained("circle_hidden", 20) == trained("circle_hidden", 20)


def test_the_frame_says_whether_the_example_is_still_as_loaded():
    lab = loaded("circle_hidden")
    assert (lab.frame().preset, lab.frame().modified) == ("circle_hidden", False)
    lab.train(1)
    assert lab.frame().modified
    lab.reset()
    assert not lab.frame().modified
    lab.handle(SetNetwork(type="set_network", learning_rate=0.03))
    assert lab.frame().modified
    lab.handle(LoadPreset(type="load_preset", name="circle_hidden"))
    lab.handle(SetWeight(type="set_weight", layer=0, i=0, j=0, value=2.0))
    assert lab.frame().preset is None and not lab.frame().modified


def test_the_example_travels_with_the_state():
    lab = loaded("overfitting")
    state = lab.snapshot()
    assert state.preset == "overfitting" and state.view.show_test
    other = PlaygroundLab(Settings())
    other.restore(PlaygroundState.model_validate(state.model_dump()))
    assert other.frame().preset == "overfitting" and not other.frame().modified
    with pytest.raises(Exception, match="no example"):
        other.restore(state.model_copy(update={"preset": "nope"}))


def test_an_example_fits_a_server_that_allows_fewer_points():
    lab = loaded("spiral_deep", Settings(max_data_points=100))
    frame = lab.frame()
    assert len(frame.data.train.x1) + len(frame.data.test.x1) == 100
    assert frame.preset == "spiral_deep" and not frame.modified
