"""Where the page follows the book but the book is wrong or silent, the page says so gently,
in both languages, in the text the page embeds."""

import pytest

from neural_playground.app import i18n
from tests.app.test_i18n import embedded_catalog

NOTES = [
    # The book: G is adjusted to minimize D's loss. In fact G maximizes it, and in practice
    # minimizes the non-saturating loss -log D(G(z)).
    (
        "gan",
        "tour.gan.generator_next.body",
        {
            "en": ["as the book puts it", "the book states the rule backwards",
                   "G does not make D's loss smaller, it makes it larger",
                   "minimizes the non-saturating loss −log D(G(z))"],
            "ko": ["책의 설명대로", "책은 규칙을 거꾸로 적었습니다",
                   "G는 D의 손실을 줄이는 것이 아니라 키웁니다",
                   "포화되지 않는 손실 −log D(G(z))를 최소화"],
        },
    ),
    # Figure B-6's first-layer weights are not in the book's text: the page's are one choice.
    (
        "backprop",
        "note.b3_first_layer_weights",
        {
            "en": ["figure B-6 are reconstructed, not the book's own", "0.9, 0.45, 1.5 and 0.8"],
            "ko": ["그림 B-6", "책의 값이 아니라 다시 구성한 값", "0.9, 0.45, 1.5, 0.8"],
        },
    ),
    (
        "backprop",
        "tour.backprop.first_layer.body",
        {"en": ["figure B-6; the weights shown are reconstructed"], "ko": ["다시 구성한 값"]},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("page", "key", "fragments"), NOTES, ids=[n[1] for n in NOTES])
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_page_says_where_the_book_is_wrong_or_silent(client, lang, page, key, fragments):
    text = embedded_catalog(client.get(f"/{page}?lang={lang}").text)[key]
    for fragment in fragments[lang]:
        assert fragment in text
