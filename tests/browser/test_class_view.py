"""The teacher's view of the class in the browser: two students join with their names, one
tries it on their own (the roster shows their own loss and a live picture), both reload and
stay in the room as they were, the teacher puts that learner's network in the spotlight and
sends everyone an example."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.steps import open_room

pytestmark = pytest.mark.browser


def join(page, code: str, name: str) -> None:
    page.goto("/room")
    page.get_by_test_id("room-page-code").fill(code)
    page.get_by_test_id("room-page-name").fill(name)
    page.get_by_test_id("room-page-code").press("Enter")
    expect(page).to_have_url(re.compile(rf"/playground\?room={code}$"))
    expect(page.get_by_test_id("room-following")).to_be_visible()


def tries_it_himself(joon, cards):
    """Joon forks, picks XOR and trains a step: his own numbers and picture come to the
    roster `cards`, live. His card."""
    joon.get_by_test_id("room-fork").click()
    expect(joon.get_by_test_id("room-bar")).to_be_hidden()
    joon.get_by_test_id("dataset").select_option("xor")
    joon.get_by_test_id("step").click()
    expect(joon.get_by_test_id("plot")).to_have_attribute("data-step", "1")
    joon_card = cards.filter(has_text="Joon")
    expect(joon_card).to_contain_text("trying it on their own")
    expect(joon_card.get_by_test_id("roster-numbers")).to_contain_text(
        joon.get_by_test_id("train-loss").inner_text()
    )
    expect(joon_card.locator("img")).to_have_attribute("src", re.compile("^data:image/jpeg"))
    return joon_card


def spotlight_then_send_everyone_an_example(panel, joon_card, teacher, mina, joon) -> None:
    """From `panel` (the class dialog or the class page): spotlight Joon, and the whole room
    (the teacher's screen, and Mina's) shows his network; then send everyone an example, and
    every screen loads it, Joon's own copy too."""
    joon_card.get_by_test_id("roster-spotlight").click()
    expect(teacher.get_by_test_id("dataset")).to_have_value("xor")
    expect(mina.get_by_test_id("dataset")).to_have_value("xor")
    panel.get_by_test_id("roster-preset").select_option("circle_hidden")
    panel.get_by_test_id("roster-send-preset").click()
    for page in (joon, teacher, mina):
        expect(page.get_by_test_id("dataset")).to_have_value("circle")


def test_the_teacher_sees_every_learner_spotlights_one_and_sends_an_example(browser, live_server):
    contexts = [
        browser.new_context(
            locale="en-US", base_url=live_server, viewport={"width": 1366, "height": 768}
        )
        for _ in range(3)
    ]
    teacher, mina, joon = (context.new_page() for context in contexts)
    errors = []
    for p in (teacher, mina, joon):
        p.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        teacher.goto("/playground")
        expect(teacher.get_by_test_id("plot")).to_have_attribute("data-step", "0", timeout=20_000)
        code = open_room(teacher)
        teacher.get_by_test_id("room-hide-code").click()
        join(mina, code, "Mina")
        join(joon, code, "Joon")

        teacher.get_by_test_id("room-roster").click()
        roster = teacher.get_by_test_id("roster")
        expect(roster).to_be_visible()
        cards = roster.get_by_test_id("roster-learner")
        expect(cards).to_have_count(2)
        expect(cards.nth(0)).to_contain_text("Joon")
        expect(cards.nth(1)).to_contain_text("Mina")
        expect(cards.nth(1)).to_contain_text("following you")
        expect(roster.get_by_test_id("roster-count")).to_have_text("2 learners in the room")

        joon_card = tries_it_himself(joon, cards)
        # The picture is his decision surface (the square plot), drawn small.
        size = joon_card.locator("img").evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert size == [120, 120]
        expect(cards.filter(has_text="Mina").get_by_test_id("roster-spotlight")).to_be_disabled()
        screenshot(teacher, "class-view")

        # Both reload: each is still in the room as they were, Joon on his own copy (the URL
        # no longer names the room), Mina following (main: Joon dropped off the roster).
        before = [card.get_attribute("data-learner") for card in cards.all()]
        joon.reload()
        mina.reload()
        for learner in before:  # each old page's line goes (a reload is a new session)
            expect(roster.locator(f'[data-learner="{learner}"]')).to_have_count(0)
        expect(joon.get_by_test_id("plot")).to_have_attribute("data-step", "1")
        expect(joon.get_by_test_id("dataset")).to_have_value("xor")
        expect(joon.get_by_test_id("room-bar")).to_be_hidden()
        expect(mina.get_by_test_id("room-following")).to_be_visible()
        expect(cards).to_have_count(2)
        expect(joon_card).to_contain_text("trying it on their own")
        expect(joon_card.locator("img")).to_have_attribute("src", re.compile("^data:image/jpeg"))
        expect(cards.filter(has_text="Mina")).to_contain_text("following you")

        spotlight_then_send_everyone_an_example(roster, joon_card, teacher, mina, joon)
        expect(joon.locator("#toast")).to_contain_text("sent everyone the example")

        # A learner who leaves is off the roster.
        mina.get_by_test_id("room-leave").click()
        expect(cards).to_have_count(1)
    finally:
        for context in contexts:
            context.close()
    assert not errors, errors
