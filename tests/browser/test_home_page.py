"""The lesson map in Chromium: every section of the appendix in the book's order, each
section with a page linked to it (and to its tour), the others marked as coming."""

import re

import pytest
from playwright.sync_api import expect

from neural_playground.app import i18n
from neural_playground.app.labs import SECTIONS, TOURS
from neural_playground.app.labs.common.lessons import tour_link

pytestmark = pytest.mark.browser


def test_the_map_lists_b1_to_b8_in_order_and_links_every_section_with_a_page(page):
    page.goto("/")
    cards = page.locator(".lesson-card")
    expect(cards).to_have_count(len(SECTIONS))
    numbers = [text.strip() for text in page.locator(".lesson-number").all_text_contents()]
    assert numbers == [s.number for s in SECTIONS]
    # The book's sections in its order; the 2-D playground ("B.3+") practises B.3 and B.4, the
    # digits ("B.6+") take B.6 to real handwriting: each right after the section it extends.
    assert [n for n in numbers if not n.endswith("+")] == [f"B.{n}" for n in range(1, 9)]
    assert numbers.index("B.3+") == numbers.index("B.4") + 1
    assert numbers.index("B.6+") == numbers.index("B.6") + 1
    catalog = i18n.catalog("en")
    for section in SECTIONS:
        card = page.get_by_test_id(f"lesson-{section.number}")
        expect(card).to_contain_text(catalog[f"{section.key}.promise"])
        link = page.get_by_test_id(f"lesson-link-{section.number}")
        if section.path is None:
            expect(link).to_have_count(0)
            expect(card).to_contain_text(catalog["home.soon"])
            continue
        expect(link).to_have_attribute("href", section.path)
        expect(link).to_have_text(catalog[f"{section.key}.title"])
        tour = tour_link(section.number, section.path, TOURS)
        if tour:
            expect(page.get_by_test_id(f"lesson-tour-{section.number}")).to_have_attribute(
                "href", tour
            )


def test_a_click_anywhere_on_a_card_opens_its_live_page(page):
    page.goto("/")
    live = [s for s in SECTIONS if s.path]
    for section in live:  # every link leads to a real page
        response = page.request.get(section.path)
        assert response.ok and "<h1" in response.text(), section.path
    # The title's link covers the card: a click on the promise opens the page.
    first = live[0]
    box = page.get_by_test_id(f"lesson-{first.number}").locator(".lesson-promise").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(re.escape(first.path) + "$"))
    expect(page.locator("html")).to_have_attribute("data-connection", "open")


def test_a_cards_tour_link_starts_the_tour_at_its_section(page):
    page.goto("/")
    page.get_by_test_id("lesson-tour-B.1").click()
    expect(page.get_by_test_id("tour-title")).to_have_text(
        i18n.catalog("en")["tour.neurons.stroke.title"]
    )
    expect(page.get_by_test_id("output-decision")).to_have_text("≥ 0.5: stroke (1)")
