"""The B.3 page in a real browser: the book's numbers, one iteration, the loss table."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_book_example_steps_through_and_shows_the_books_slips(page):
    page.goto("/backprop")
    expect(page.get_by_test_id("node-1-0")).to_contain_text("5")
    expect(page.get_by_test_id("loss-now")).to_contain_text("(5 − 3)² = 4")
    book = page.get_by_test_id("book-table")
    expect(page.get_by_test_id("book-book_step1")).to_contain_text("0.8×4 + 0.4×2 = 3.2 + 0.8 = 4")
    expect(page.get_by_test_id("book-book_step2")).to_contain_text("= 3.32 (the book: 3.4)")
    expect(page.get_by_test_id("book-gradient_step")).to_contain_text("[16, 8]")
    expect(book).to_contain_text("3.75")
    expect(page.get_by_test_id("book-notes")).to_contain_text("0.0125")

    for _ in range(4):  # forward, forward, loss, backward through the output layer
        page.get_by_test_id("st-phase").click()
    expect(page.get_by_test_id("edge-grad-1-0-0")).to_have_text("∂L/∂w 16")
    expect(page.get_by_test_id("edge-grad-1-1-0")).to_have_text("∂L/∂w 8")
    page.get_by_test_id("st-phase").click()  # backward through the first layer
    expect(page.get_by_test_id("edge-grad-0-0-0")).to_have_text("∂L/∂w 8")
    page.get_by_test_id("edge-0-0-0").hover()
    expect(page.get_by_test_id("formula")).to_contain_text("∂L/∂w = ∂L/∂z(h1) × a(x1) = 4 × 2 = 8")
    page.get_by_test_id("st-phase").click()  # update, learning rate 0.0125
    expect(page.get_by_test_id("edge-1-0-0")).to_contain_text("1 → 0.8")
    expect(page.get_by_test_id("edge-1-1-0")).to_contain_text("0.5 → 0.4")
    expect(page.get_by_test_id("st-update-text")).to_contain_text("5 → 3.75")
    screenshot(page, "backprop-book-update")


def test_loss_table_switches_problem_and_loss_live(page):
    page.goto("/backprop")
    expect(page.get_by_test_id("metric-accuracy")).to_have_text("–")
    page.get_by_test_id("problem-binary").check()
    expect(page.get_by_test_id("st-loss")).to_have_value("binary_crossentropy")
    expect(page.get_by_test_id("loss-now")).to_contain_text("Binary cross-entropy")
    expect(page.get_by_test_id("metric-misclassification")).not_to_have_text("–")
    page.get_by_test_id("st-play").click()
    expect(page.get_by_test_id("metric-accuracy")).to_have_text("1")
    page.get_by_test_id("st-loss").select_option("mse")  # while training runs
    expect(page.get_by_test_id("loss-now")).to_contain_text("MSE")
    page.get_by_test_id("st-play").click()
    expect(page.get_by_test_id("st-play")).to_have_text("Play")
    screenshot(page, "backprop-binary")


def test_korean_pages_use_the_books_terms(open_korean):
    page = open_korean("/backprop", "오차 역전파법")
    expect(page.get_by_test_id("st-phase")).to_have_text("한 단계")
    expect(page.get_by_test_id("book-notes")).to_contain_text("3.32")
    page.goto("/descent")
    expect(page.locator("h1")).to_contain_text("경사 하강법")
    expect(page.get_by_test_id("point")).to_contain_text("기울기 ∂L/∂w = 6")
    screenshot(page, "descent-ko")
