"""Guided tours as data: every step's commands work on the real lab, every text exists, and
every preset a lab offers can be loaded (what `?preset=NAME` sends)."""

import json

import pytest
from pydantic import ValidationError

from neural_playground.app import i18n
from neural_playground.app.labs import LABS, TOURS
from neural_playground.app.labs.common.lessons import Lesson, tour_link
from neural_playground.app.labs.common.tours import Tour, TourStep
from neural_playground.app.labs.neurons.lab import NeuronsLab
from tests.wsutil import open_lab, receive_until


def test_the_neurons_page_has_a_tour():
    assert "neurons" in TOURS
    assert len(TOURS["neurons"].steps) >= 6


@pytest.mark.parametrize("page", sorted(TOURS))
def test_every_step_sets_up_its_state_without_an_error(client, page):
    tour = TOURS[page]
    with open_lab(client, tour.lab) as (ws, _):
        for step in tour.steps:
            for command in step.commands:
                ws.send_json(command)
            ws.send_json({"type": "ping"})  # everything before the pong answers the step
            answers = []
            while (msg := ws.receive_json())["type"] != "pong":
                answers.append(msg)
            assert not [m for m in answers if m["type"] == "error"], (step.key, answers)
            frames = [m for m in answers if m["type"] == "frame"]
            assert len(frames) == len(step.commands), step.key


@pytest.mark.parametrize("page", sorted(TOURS))
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_step_has_its_texts(page, lang):
    catalog = i18n.catalog(lang)
    for key in TOURS[page].text_keys():
        assert catalog.get(key, "").strip(), f"{lang}: {key} missing"


def test_a_step_with_a_command_the_lab_refuses_is_caught_at_import():
    with pytest.raises(ValidationError):
        Lesson(
            lab=NeuronsLab,
            tour_steps=(TourStep(key="x", commands=({"type": "load_preset", "name": "nope"},)),),
        )
    with pytest.raises(ValidationError, match="repeat"):
        Tour(page="p", lab="neurons", path="/p", steps=(TourStep(key="a"), TourStep(key="a")))


def test_the_lesson_map_links_each_section_to_its_first_step():
    assert tour_link("B.2", "/neurons?preset=b2_weighted", TOURS) == "/neurons?tour=plain_sum"
    assert tour_link("B.1", "/neurons?preset=b1_stroke", TOURS) == "/neurons?tour=stroke"
    assert tour_link("B.3", None, TOURS) is None
    assert tour_link("B.3+", "/playground", TOURS) == "/playground?tour=line"


def test_a_page_with_a_tour_embeds_it_and_its_engine(client):
    html = client.get("/neurons", headers={"accept-language": "en"}).text
    assert f'type="module" src="{client.app.state.assets.url("js/core/tour.js")}">' in html
    embedded = html.split('<script id="np-tour" type="application/json">')[1].split("</script>")[0]
    assert json.loads(embedded)["steps"][0]["key"] == "plain_sum"
    home = client.get("/").text
    assert "tour.js" not in home and "share.js" not in home
    assert 'href="/neurons?tour=stroke"' in home


def preset_names(lab_name: str) -> list[str]:
    """The names a lab's `load_preset` accepts, read from its command schema."""
    schema = LABS[lab_name].commands.json_schema()
    for model in schema.get("$defs", {}).values():
        props = model.get("properties", {})
        if props.get("type", {}).get("const") == "load_preset":
            name = props["name"]
            return [v for part in name.get("anyOf", [name]) for v in part["enum"]]
    return []


LABS_WITH_PRESETS = [name for name in sorted(LABS) if preset_names(name)]


def test_preset_names_are_found():
    assert "b2_plain_sum" in preset_names("neurons")


@pytest.mark.parametrize("lab", LABS_WITH_PRESETS)
def test_every_preset_loads_by_name(client, lab):
    with open_lab(client, lab) as (ws, _):
        for name in preset_names(lab):
            ws.send_json({"type": "load_preset", "name": name})
            frame = receive_until(ws, "frame")
            assert frame["preset"] == name  # the page shows which example is loaded
            assert not frame.get("modified", False)
