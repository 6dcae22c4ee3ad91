"""A room follows its teacher through the course, in the browser: a teacher and two students
(one reading English, one Korean) across a page change and tour steps."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.classroom import open_room
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_students_follow_the_teacher_to_another_lesson_and_through_its_tour(browser, live_server):
    contexts = [
        browser.new_context(
            locale=locale, base_url=live_server, viewport={"width": 1366, "height": 768}
        )
        for locale in ("en-US", "en-US", "ko-KR")
    ]
    teacher, english, korean = (context.new_page() for context in contexts)
    errors = []
    for p in (teacher, english, korean):
        p.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        code = open_room(teacher).inner_text()
        teacher.get_by_test_id("room-hide-code").click()
        for student in (english, korean):
            student.goto(f"/room?code={code}")
            expect(student).to_have_url(re.compile(rf"/neurons\?room={code}$"))
            expect(student.get_by_test_id("room-following")).to_be_visible()

        # The teacher opens the next lesson: both students' pages go along and say so.
        teacher.goto("/descent")
        expect(teacher.get_by_test_id("room-bar-text")).to_contain_text(f"teaching room {code}")
        expect(english).to_have_url(re.compile(rf"/descent\?room={code}$"))
        expect(korean).to_have_url(re.compile(rf"/descent\?room={code}$"))
        expect(english.locator("#toast")).to_contain_text("followed them here")
        expect(korean.locator("#toast")).to_contain_text("함께 이동했습니다")
        for student in (english, korean):
            expect(student.get_by_test_id("room-following")).to_be_visible()
            # Read-only: the page's own controls are locked while it follows.
            expect(student.get_by_test_id("st-play")).to_be_disabled()

        # The teacher's tour shows on every student's page, in the student's language.
        teacher.get_by_test_id("tour-start").click()
        teacher.get_by_test_id("tour-next").click()
        expect(teacher.get_by_test_id("tour-count")).to_have_text(re.compile(r"^Step 2 of \d+$"))
        expect(english.get_by_test_id("tour-title")).to_have_text(
            "The slope says which way is down"
        )
        expect(korean.get_by_test_id("tour-title")).to_have_text(
            "기울기가 내려가는 방향을 알려 줍니다"
        )
        expect(korean.get_by_test_id("tour-count")).to_have_text(re.compile(r"^\d+단계 중 2단계$"))
        expect(english.get_by_test_id("tour-next")).to_be_disabled()
        # The step's state (the weight moved to 1) is the teacher's, on the students' screens.
        expect(teacher.get_by_test_id("point")).to_contain_text("loss L = 1")
        expect(english.get_by_test_id("point")).to_have_text(
            teacher.get_by_test_id("point").inner_text()
        )
        screenshot(korean, "room-student-following-tour")

        # A student tries it on their own: the controls come back, the teacher goes on.
        english.get_by_test_id("room-fork").click()
        expect(english.get_by_test_id("room-bar")).to_be_hidden()
        expect(english.get_by_test_id("st-play")).to_be_enabled()
        expect(english.get_by_test_id("tour-next")).to_be_enabled()
        teacher.get_by_test_id("tour-next").click()
        expect(korean.get_by_test_id("tour-title")).to_have_text("가장 낮은 곳에서 기울기는 0")
        expect(english.get_by_test_id("tour-count")).to_have_text(re.compile(r"^Step 2 of \d+$"))
        teacher.get_by_test_id("tour-close").click()
        expect(korean.get_by_test_id("tour")).to_be_hidden()
    finally:
        for context in contexts:
            context.close()
    assert not errors, errors
