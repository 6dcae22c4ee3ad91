"""The convolution lab (B.6) computes the book's numbers with the engine, and explains refusals."""

import json
import math

import numpy as np
import pytest

from neural_playground.app import i18n
from neural_playground.app.labs.conv.lab import ConvLab
from neural_playground.app.labs.conv.presets import BOOK_IMAGE
from neural_playground.app.protocol import LabError
from neural_playground.app.settings import Settings
from neural_playground.engine.conv import conv2d, pool2d
from tests.labutil import command, send
from tests.labutil import refused as refused_without_change


def refused(lab: ConvLab, command, code: str) -> LabError:
    """Refused, and the whole state is as before (not only what the frame shows)."""
    return refused_without_change(lab, command, code, view=ConvLab.snapshot)


def test_the_books_image_and_filter_give_the_books_map_pooling_and_flatten(lab):
    frame = lab.frame()
    assert frame.image == [[list(map(float, row)) for row in BOOK_IMAGE]]
    assert frame.kernels == [[[1.0, 0.0], [0.0, 1.0]]]
    assert frame.conv.map == [[0, 2, 0, 2], [2, 0, 1, 0], [0, 3, 0, 1], [0, 1, 2, 0]]
    assert frame.conv.out == 4
    # B-14 written out: 0*1 + 1*0 + 1*0 + 0*1 = 0.
    assert frame.conv.windows[0][0] == [[[0, 1], [1, 0]]]
    assert frame.conv.products[0][0] == [[[0, 0], [0, 0]]]
    # B-15: the second window, 1*1 + 0*0 + 0*0 + 1*1 = 2.
    assert frame.conv.windows[0][1] == [[[1, 0], [0, 1]]]
    assert frame.conv.origins[0][1] == [0, 1]
    max_pool, avg_pool = frame.pools
    assert (max_pool.mode, avg_pool.mode) == ("max", "avg")
    assert max_pool.out == [[2, 2], [3, 2]]  # B-18
    assert avg_pool.out == [[1, 0.75], [1, 0.75]]  # B-19
    assert max_pool.windows[1][0] == [[0, 3], [0, 1]]
    assert max_pool.argmax[1][0] == [0, 1]
    assert avg_pool.argmax is None
    assert frame.flatten == [2, 2, 3, 2]  # B-20
    assert frame.activated == frame.conv.map  # nothing negative for ReLU to remove
    assert frame.notes[:2] == ["note.conv_book_figures", "note.conv_diagonal_filter"]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_note_on_the_books_pictures_states_the_engines_numbers(lab, lang):
    frame = lab.frame()
    note = i18n.translate(lang, "note.conv_book_figures")
    rows = lambda m: " / ".join(" ".join(f"{v:g}" for v in row) for row in m)  # noqa: E731
    assert rows(frame.conv.map) in note
    assert rows(frame.pools[0].out) in note
    assert rows(frame.pools[1].out) in note
    assert "(" + ", ".join(f"{v:g}" for v in frame.flatten) + ")" in note
    for i, j in ((0, 1), (3, 3)):  # B-15 and B-16
        pairs = zip(np.ravel(frame.conv.windows[i][j]), np.ravel(frame.kernels), strict=True)
        written = " + ".join(f"{x:g}×{w:g}" for x, w in pairs)
        assert f"{written} = {frame.conv.map[i][j]:g}" in note


def test_the_diagonal_note_points_at_the_right_cell(lab):
    frame = lab.frame()
    # "the 3 at row 3, column 2 is 1 + 2": rows and columns counted from 1.
    assert frame.conv.map[2][1] == 3
    assert frame.conv.windows[2][1] == [[[1, 0], [0, 2]]]
    assert "3" in i18n.translate("en", "note.conv_diagonal_filter")


def test_painting_a_stroke_recomputes_the_whole_pipeline(lab):
    send(lab, "load_preset", name="blank")
    assert lab.frame().conv.map == [[0.0] * 4] * 4
    send(lab, "paint", cells=[(0, 0), (1, 1), (2, 2)], value=2)
    frame = lab.frame()
    image = np.zeros((5, 5))
    image[[0, 1, 2], [0, 1, 2]] = 2
    expected = conv2d(image, [[1, 0], [0, 1]])
    assert frame.conv.map == expected.tolist()
    assert frame.conv.map[0][0] == 4 and frame.conv.map[2][2] == 2  # 2 + 2, then 2 + 0
    assert frame.pools[0].out == pool2d(expected, 2, 2, "max").tolist()
    assert frame.modified and "note.conv_book_figures" not in frame.notes
    send(lab, "paint", cells=[(0, 0)], value=0)  # the eraser
    assert lab.frame().conv.map[0][0] == 2


def test_bad_paint_is_refused_with_a_reason(lab):
    refused(lab, command(ConvLab, "paint", cells=[(0, 0)], value=3), "conv_level")
    error = refused(lab, command(ConvLab, "paint", cells=[(0, 0), (5, 1)], value=1), "bad_index")
    assert error.params == {"what": "row", "value": 5, "last": 4}
    refused(lab, command(ConvLab, "paint", cells=[(0, 0)], value=1, channel=1), "bad_index")


@pytest.mark.parametrize(
    ("stride", "padding", "code", "params"),
    [
        (2, 0, "conv_stride_skips", {"stride": 2, "k": 2, "size": 5, "left_over": 1}),
        (3, 1, "conv_stride_skips", {"stride": 3, "k": 2, "size": 7, "left_over": 2}),
        (1, 2, "conv_padding_too_large", {"padding": 2, "k": 2}),
        (0, 0, "conv_stride_range", {"value": 0, "min": 1, "max": 3}),
        (4, 0, "conv_stride_range", {"value": 4, "min": 1, "max": 3}),
        (1, -1, "conv_padding_range", {"value": -1, "min": 0, "max": 2}),
        (1, 3, "conv_padding_range", {"value": 3, "min": 0, "max": 2}),
    ],
)
def test_invalid_stride_and_padding_are_explained_not_computed(lab, stride, padding, code, params):
    error = refused(lab, command(ConvLab, "set_conv", stride=stride, padding=padding), code)
    assert params.items() <= error.params.items()
    option = [o for o in lab.frame().options if (o.stride, o.padding) == (stride, padding)]
    if option:  # the same explanation is offered in the options table before any click
        assert option[0].out is None and option[0].problem.code == code


def test_valid_settings_give_the_output_size_formula(lab):
    send(lab, "set_conv", stride=3, padding=0)  # (5 - 2) / 3 + 1 = 2
    frame = lab.frame()
    assert (frame.conv.out, len(frame.conv.map)) == (2, 2)
    assert frame.conv.origins[1][1] == [3, 3]
    send(lab, "set_conv", stride=1, padding=1)  # (5 + 2 - 2) / 1 + 1 = 6
    frame = lab.frame()
    assert frame.conv.out == 6 and len(frame.conv.padded[0]) == 7
    assert frame.conv.map == conv2d(BOOK_IMAGE, [[1, 0], [0, 1]], 1, 1).tolist()
    assert "note.conv_padding_keeps_size" in frame.notes
    table = {(o.stride, o.padding): o.out for o in frame.options}
    assert table == {
        (1, 0): 4, (1, 1): 6, (1, 2): None,
        (2, 0): None, (2, 1): None, (2, 2): None,
        (3, 0): 2, (3, 1): None, (3, 2): None,
    }  # fmt: skip


def test_pooling_that_does_not_fit_is_refused_and_left_out_cells_are_reported(lab):
    send(lab, "set_conv", stride=3, padding=0)  # a 2x2 map
    error = refused(lab, command(ConvLab, "set_pool", size=3, stride=1), "pool_too_large")
    assert error.params == {"pool": 3, "map": 2}
    refused(lab, command(ConvLab, "set_pool", size=4, stride=1), "conv_pool_size_range")
    send(lab, "set_conv", stride=1, padding=1)  # a 6x6 map
    send(lab, "set_pool", size=3, stride=2)  # windows at 0 and 2: column 5 is out
    frame = lab.frame()
    assert frame.pools[0].covered == [5, 5]
    assert len(frame.pools[0].out) == 2
    assert "note.conv_pool_left_out" in frame.notes


def test_kernel_editing_presets_and_sizes(lab):
    send(lab, "set_kernel_cell", i=0, j=1, value=-1.5)
    frame = lab.frame()
    assert frame.kernels == [[[1, -1.5], [0, 1]]]
    assert frame.kernel_presets == [None]
    assert frame.conv.map == conv2d(BOOK_IMAGE, [[1, -1.5], [0, 1]]).tolist()
    send(lab, "set_kernel_size", size=2)  # the same size keeps it
    assert lab.frame().kernels == [[[1, -1.5], [0, 1]]]
    send(lab, "load_kernel_preset", name="vertical_edge")
    assert lab.frame().kernel_presets == ["vertical_edge"]
    send(lab, "set_kernel_size", size=3)
    frame = lab.frame()
    assert frame.kernels == [[[1, 0, -1]] * 3] and frame.kernel_presets == ["vertical_edge"]
    assert frame.conv.out == 3 and frame.notice is None
    send(lab, "set_kernel", values=[[0, 1], [1, 0]])  # grey: size follows
    assert lab.frame().kernel_presets == ["anti_diagonal"]


def test_a_kernel_size_that_breaks_the_settings_resets_them_and_says_so(lab):
    send(lab, "set_conv", stride=3, padding=0)
    send(lab, "set_kernel_size", size=3)  # (5 - 3) / 3 does not fit
    frame = lab.frame()
    assert (frame.stride, frame.padding, frame.pool_size, frame.pool_stride) == (1, 0, 2, 2)
    assert frame.notice.key == "conv.notice_settings_reset"
    send(lab, "set_relu", on=False)
    assert lab.frame().notice is None  # said once


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ([[1, 0], [0]], "conv_kernel_shape"),
        ([[1, 0, 0], [0, 1, 0]], "conv_kernel_shape"),
        ([[1.0] * 4] * 4, "conv_kernel_shape"),
        ([], "conv_kernel_shape"),
        ([[1, 0], [0, 11]], "value_too_large"),
    ],
)
def test_invalid_kernels_are_refused(lab, values, code):
    refused(lab, command(ConvLab, "set_kernel", values=values), code)


def test_other_refusals(lab):
    refused(lab, command(ConvLab, "set_kernel_size", size=5), "conv_kernel_size")
    refused(lab, command(ConvLab, "set_kernel_cell", i=2, j=0, value=1), "bad_index")
    refused(lab, command(ConvLab, "set_kernel_cell", i=0, j=0, value=-10.5), "value_too_large")
    send(lab, "set_mode", mode="rgb")
    error = refused(
        lab, command(ConvLab, "set_kernel", values=[[1.0] * 3] * 3), "conv_kernel_size_mismatch"
    )
    assert error.params == {"size": 2}


def test_relu_turns_negative_map_cells_to_zero(lab):
    send(lab, "load_kernel_preset", name="vertical_edge")
    on = lab.frame()
    assert min(map(min, on.conv.map)) < 0
    assert on.activated == np.maximum(on.conv.map, 0).tolist()
    send(lab, "set_relu", on=False)
    off = lab.frame()
    assert off.activated == off.conv.map
    assert off.pools[1].out == pool2d(off.conv.map, 2, 2, "avg").tolist()


def test_colour_mode_adds_one_map_per_channel(lab):
    send(lab, "load_preset", name="colour")
    frame = lab.frame()
    assert frame.mode == "rgb" and frame.channels == 3
    assert frame.kernel_presets == ["diagonal", "vertical_edge", "horizontal_edge"]
    image, kernels = np.array(frame.image), np.array(frame.kernels)
    for c in range(3):
        assert frame.conv.channel_maps[c] == conv2d(image[c], kernels[c]).tolist()
    assert np.allclose(np.sum(frame.conv.channel_maps, axis=0), frame.conv.map)
    assert "note.conv_rgb_channels" in frame.notes
    # One stroke paints one channel; a grey preset can fill one channel or all three.
    send(lab, "paint", cells=[(4, 4)], value=2, channel=2)
    assert lab.frame().image[2][4][4] == 2
    send(lab, "load_preset", name="blank", channel=0)
    assert np.sum(lab.frame().image[0]) == 0 and np.sum(lab.frame().image[1]) > 0
    send(lab, "set_mode", mode="gray")  # grey keeps its own picture
    assert lab.frame().image == [[list(map(float, row)) for row in BOOK_IMAGE]]


def test_the_head_reads_the_flatten_vector_and_is_trained_for_the_pipeline(lab):
    frame = lab.frame()
    head = frame.head
    strokes = ("vertical", "horizontal", "diagonal", "anti_diagonal", "cross", "none")
    assert head.classes == [f"conv.class.{n}" for n in strokes]
    assert math.isclose(sum(head.probabilities), 1.0)
    assert head.predicted == int(np.argmax(head.probabilities))
    assert (head.features, head.hidden, head.samples) == (4, 16, 240)
    # The book's single diagonal filter leaves 4 numbers; the head still learns most strokes.
    assert head.train_accuracy >= 0.85 and head.test_accuracy >= 0.6
    # The same pipeline in the engine's layers gives the same flatten vector.
    features = lab.pipeline().feature_model().forward(np.array(frame.image)[None])
    assert features[0].tolist() == frame.flatten
    send(lab, "set_head_pool", pool="avg")
    assert lab.frame().flatten == [1, 0.75, 1, 0.75]


def test_a_better_pipeline_lets_the_head_recognise_strokes(lab):
    send(lab, "set_conv", stride=1, padding=1)  # 9 numbers reach the head
    for name in ("vertical", "horizontal", "cross"):
        send(lab, "load_preset", name=name)
        head = lab.frame().head
        assert head.classes[head.predicted] == f"conv.class.{name}", head.probabilities


def test_the_head_says_no_clear_stroke_for_a_blank(lab):
    """A head that knows only strokes names one for anything: it has a "none" class."""
    for conv in ({"stride": 1, "padding": 0}, {"stride": 1, "padding": 1}):
        send(lab, "set_conv", **conv)
        send(lab, "load_preset", name="blank")
        head = lab.frame().head
        assert head.classes[head.predicted] == "conv.class.none", head.probabilities
        assert head.probabilities[head.predicted] > 0.9


def test_state_round_trips_and_bad_states_are_refused(lab):
    send(lab, "set_conv", stride=1, padding=1)
    send(lab, "paint", cells=[(2, 2)], value=1)
    send(lab, "set_mode", mode="rgb")
    state = lab.snapshot()
    other = ConvLab(Settings())
    other.restore(ConvLab.State.model_validate(json.loads(state.model_dump_json())))
    assert other.frame() == lab.frame()
    data = state.model_dump()
    data["gray"]["image"][0] = data["gray"]["image"][0][:4]
    with pytest.raises(LabError, match="5x5"):
        other.restore(ConvLab.State.model_validate(data))
    data = state.model_dump() | {"stride": 2, "padding": 0}
    with pytest.raises(LabError) as info:
        other.restore(ConvLab.State.model_validate(data))
    assert info.value.code == "conv_stride_skips"
    assert other.frame() == lab.frame()  # nothing changed


def test_no_number_in_the_frame_is_nan_or_infinite(lab):
    send(lab, "set_kernel", values=[[10, -10], [10, -10]])
    send(lab, "paint", cells=[(r, 0) for r in range(5)], value=2)
    text = lab.frame().model_dump_json()
    assert "NaN" not in text and "Infinity" not in text


def test_reset_returns_to_the_current_picture_with_the_books_settings(lab):
    send(lab, "load_preset", name="vertical")
    send(lab, "paint", cells=[(0, 0)], value=1)
    send(lab, "load_kernel_preset", name="blur")
    send(lab, "set_conv", stride=1, padding=1)
    lab.reset()
    frame = lab.frame()
    assert frame.preset == "vertical" and not frame.modified
    assert np.array(frame.image)[0, :, 2].tolist() == [2] * 5 and frame.image[0][0][0] == 0
    assert frame.kernel_presets == ["diagonal"] and (frame.stride, frame.padding) == (1, 0)


def test_the_books_figure_b12_is_its_whole_example_from_any_state(lab):
    """Figures B-12, B-13 from the examples: the book's grey image and its one diagonal filter
    with the book's settings, also from colour mode or after the kernel was changed."""
    book = lab.frame()
    send(lab, "load_preset", name="colour")
    send(lab, "load_kernel_preset", name="blur")
    send(lab, "load_preset", name="b12")
    frame = lab.frame()
    assert frame.mode == "gray" and frame.preset == "b12" and not frame.modified
    assert frame.kernels == [[[1.0, 0.0], [0.0, 1.0]]] and frame.conv.map == book.conv.map
    send(lab, "set_mode", mode="gray")
    send(lab, "set_kernel_size", size=3)
    send(lab, "set_conv", stride=1, padding=1)
    send(lab, "load_preset", name="b12")
    assert lab.frame().model_dump() == book.model_dump()
    # Into one channel of the colour picture, it is that channel's image and nothing else.
    send(lab, "load_preset", name="colour")
    kernels = lab.frame().kernels
    send(lab, "load_preset", name="b12", channel=1)
    frame = lab.frame()
    assert frame.mode == "rgb" and frame.kernels == kernels
    assert frame.image[1] == [list(map(float, row)) for row in BOOK_IMAGE]


def test_the_one_filter_note_appears_when_the_head_misses_new_strokes(lab):
    frame = lab.frame()
    assert frame.head.test_accuracy < 0.8 and "note.conv_one_filter" in frame.notes
    send(lab, "set_conv", stride=1, padding=1)
    frame = lab.frame()
    assert frame.head.test_accuracy >= 0.8, frame.head
    assert "note.conv_one_filter" not in frame.notes


def test_the_books_figures_show_their_windows(lab):
    send(lab, "load_preset", name="b15_second_window")
    frame = lab.frame()
    assert frame.preset == "b15_second_window" and not frame.modified
    assert frame.window == 1 and frame.image[0] == [list(map(float, r)) for r in BOOK_IMAGE]
    # B-15: the window over 1 0 / 0 1 of the book's image gives 1x1 + 0x0 + 0x0 + 1x1 = 2.
    assert frame.conv.windows[0][1][0] == [[1, 0], [0, 1]] and frame.conv.map[0][1] == 2
    send(lab, "load_preset", name="b19_average_pooling")
    frame = lab.frame()
    assert frame.pool_window == 1 and frame.pools[1].out[0][1] == 0.75  # (0 + 2 + 1 + 0) / 4
    send(lab, "show_window", conv=5, pool=3)
    assert (lab.frame().window, lab.frame().pool_window) == (5, 3)
    assert not lab.frame().modified  # looking is not changing
    refused(lab, command(ConvLab, "show_window", conv=16), "bad_index")
    refused(lab, command(ConvLab, "show_window", pool=4), "bad_index")
    shared = lab.snapshot()
    lab.reset()  # the figure again, with its own windows
    assert (lab.frame().window, lab.frame().pool_window) == (15, 1)
    lab.restore(shared)
    assert (lab.frame().window, lab.frame().pool_window) == (5, 3)
    send(lab, "set_kernel_size", size=3)  # a 3x3 map: 9 windows
    assert lab.frame().window == 5
    send(lab, "set_conv", stride=2, padding=0)  # 2x2: the last window
    assert lab.frame().window == 3
