"""The class page: the teacher's view of the class in a window of its own (the teacher's
laptop, while the projector shows the lesson), across two replicas sharing a Redis. The
teacher and the page are on one replica, a learner on the other: the page shows the roster
live, spotlights and sends examples through the teacher's tab; a student or a stranger is
refused, in their language."""

import re

import pytest
from playwright.sync_api import expect

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.browser.classroom import axe_violations
from tests.browser.conftest import screenshot
from tests.browser.steps import open_room
from tests.browser.test_class_view import (
    join,
    spotlight_then_send_everyone_an_example,
    tries_it_himself,
)
from tests.liveserver import serving

pytestmark = pytest.mark.browser


def test_the_class_page_shows_the_room_live_to_its_teacher_only(browser, redis_url):
    settings = Settings(redis_url=redis_url, room_idle_seconds=60)
    with serving(create_app(settings)) as a, serving(create_app(settings)) as b:
        contexts = [
            browser.new_context(
                locale=locale, base_url=f"http://{host}", viewport={"width": 1366, "height": 768}
            )
            for locale, host in (("en-US", a), ("en-US", a), ("en-US", b), ("ko-KR", b))
        ]
        teacher, mina, joon, stranger = (context.new_page() for context in contexts)
        errors = []
        for p in (teacher, mina, joon, stranger):
            p.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            check_class_page(teacher, mina, joon, stranger)
        finally:
            for context in contexts:
                context.close()
        assert not errors, errors


def check_class_page(teacher, mina, joon, stranger) -> None:
    teacher.goto("/playground")
    expect(teacher.get_by_test_id("plot")).to_have_attribute("data-step", "0")
    code = open_room(teacher)
    teacher.get_by_test_id("room-hide-code").click()
    join(mina, code, "Mina")
    join(joon, code, "Joon")  # on the other replica

    # From the class dialog, the class page opens in a window of its own.
    teacher.get_by_test_id("room-roster").click()
    with teacher.context.expect_page() as opened:
        teacher.get_by_test_id("roster-window").click()
    board = opened.value
    board.on("pageerror", lambda exc: print("class page error:", exc))
    expect(board).to_have_url(re.compile(rf"/room/class\?code={code}$"))
    page = board.get_by_test_id("class-page")
    expect(page).to_have_attribute("data-state", "live")
    expect(board.get_by_role("heading", level=1)).to_have_text(f"The class in room {code}")
    cards = board.get_by_test_id("roster-learner")
    expect(cards).to_have_count(2)
    expect(board.get_by_test_id("roster-count")).to_have_text("2 learners in the room")
    expect(cards.filter(has_text="Mina")).to_contain_text("following you")

    # Joon tries it himself: his own numbers and picture reach the page live.
    joon_card = tries_it_himself(joon, cards)
    look_at(board, code)

    # Spotlight and an example sent from the page: Joon's own copy, on the other replica, too.
    spotlight_then_send_everyone_an_example(board, joon_card, teacher, mina, joon)

    # A learner who leaves is off the page; a reload of the teacher's tab is taken back.
    mina.get_by_test_id("room-leave").click()
    expect(cards).to_have_count(1)
    first = page.get_attribute("data-teacher")
    teacher.reload()
    expect(teacher.get_by_test_id("room-bar-text")).to_contain_text(f"teaching room {code}")
    expect(page).not_to_have_attribute("data-teacher", first)  # the reloaded tab's roster
    expect(page).to_have_attribute("data-state", "live")
    expect(cards).to_have_count(1)
    expect(joon_card).to_contain_text("trying it on their own")

    # The teacher's tab goes elsewhere: the page says what it waits for.
    teacher.goto("/")
    expect(page).to_have_attribute("data-state", "waiting")
    expect(board.get_by_test_id("class-waiting")).to_be_visible()

    # A student, or a stranger, with the code: refused, in their language; nothing shown.
    for other in (joon, stranger):
        other.goto(f"/room/class?code={code}")
        expect(other.get_by_test_id("class-page")).to_have_attribute("data-state", "refused")
        expect(other.get_by_test_id("roster")).to_be_hidden()
    expect(joon.get_by_test_id("class-refused")).to_contain_text(f"Only the teacher of room {code}")
    expect(stranger.get_by_test_id("class-refused")).to_contain_text(f"교실 {code}의 학급은")
    screenshot(stranger, "class-page-refused-ko")


def look_at(board, code: str) -> None:
    """Both themes at 1366x768, the projector at 1920x1080 and a tablet: photographed, and
    axe finds nothing serious (the page reloads for ?projector=1 and comes back live)."""
    for theme in ("dark", "light"):
        board.evaluate(f"NP.setTheme('{theme}')")
        expect(board.locator("html")).to_have_attribute("data-theme", theme)
        screenshot(board, f"class-page-{theme}")
        assert axe_violations(board) == []
    for name, size, query in (
        ("projector", {"width": 1920, "height": 1080}, "&projector=1"),
        ("tablet", {"width": 768, "height": 1024}, "&projector=0"),
    ):
        board.set_viewport_size(size)
        board.goto(f"/room/class?code={code}{query}")
        expect(board.get_by_test_id("class-page")).to_have_attribute("data-state", "live")
        expect(board.get_by_test_id("roster-learner")).to_have_count(2)
        joon = board.get_by_test_id("roster-learner").filter(has_text="Joon")
        expect(joon.locator("img")).to_have_attribute("src", re.compile("^data:image/jpeg"))
        screenshot(board, f"class-page-{name}")
        assert axe_violations(board) == []
    board.set_viewport_size({"width": 1366, "height": 768})
