"""One number formatter for every page (static/js/core/format.js), run in the page: numbers
in the usual range read as they always did, extreme ones in scientific notation, the same in
Korean and English."""

import pytest

pytestmark = pytest.mark.browser

# value -> (fmt, num): fmt rounds to 3 decimals, num keeps 3 significant digits for small ones.
CASES = [
    (0.75, "0.75", "0.75"),
    (1.229, "1.229", "1.229"),
    (-0.983, "−0.983", "−0.983"),
    (0.00215, "0.002", "0.00215"),
    (2.52e-5, "0", "0.0000252"),
    (813.409, "813.409", "813.409"),
    (55.726, "55.726", "55.726"),
    (0, "0", "0"),
    (-1e-9, "0", "−1 × 10⁻⁹"),
    (3.11e-19, "0", "3.11 × 10⁻¹⁹"),  # /descent's slope at the bottom of a parabola
    (2.42e-38, "0", "2.42 × 10⁻³⁸"),  # and its loss
    (1234567, "1.23 × 10⁶", "1.23 × 10⁶"),
    (-9.996e6, "−1 × 10⁷", "−1 × 10⁷"),  # the mantissa rounds up to 10
]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_numbers_read_the_same_in_both_languages(page, lang):
    page.goto(f"/lang/{lang}?next=/descent")
    assert page.evaluate("document.documentElement.lang") == lang
    got = page.evaluate(
        """async (values) => {
          const { fmt, num } = await import("/static/js/core/format.js");
          return values.map((x) => [fmt(x), num(x)]);
        }""",
        [value for value, _, _ in CASES],
    )
    assert got == [[want_fmt, want_num] for _, want_fmt, want_num in CASES]
