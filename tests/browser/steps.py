"""What a learner does on a page, one call each: the sequences many browser tests repeat.

Each returns once the page took the action (a field was typed and entered, a room is open),
never after a fixed time.
"""

import re

from playwright.sync_api import expect

ROOM_CODE = re.compile(r"^[A-Z2-9]{6}$")


def enter(field, value: str) -> None:
    """Type `value` into a field (a locator) and press Enter, as a learner sends a number."""
    field.fill(value)
    field.press("Enter")


def edit_weight(page, edge: str, value: str) -> None:
    """Click the arrow with test id `edge` and type its new weight into the editor."""
    page.get_by_test_id(edge).click()
    enter(page.get_by_test_id("editor-number"), value)


def open_room(page) -> str:
    """Open a teacher room from the header menu; its code, once the page shows it."""
    page.get_by_test_id("room-menu").locator("summary").click()
    page.get_by_test_id("room-open").click()
    code = page.get_by_test_id("room-code-value")
    expect(code).to_have_text(ROOM_CODE)
    return code.inner_text()


def open_neurons(page, query: str = "", output: str = "4.9"):
    """The neurons page (`query`, e.g. "?preset=b2_relu"; the book's B-2 example without
    one) once the engine's first frame shows `output`: the output's locator."""
    page.goto(f"/neurons{query}")
    shown = page.get_by_test_id("output-value")
    expect(shown).to_have_text(output)
    return shown
