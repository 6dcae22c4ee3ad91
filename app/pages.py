"""The lesson map: every section of the appendix, in the book's order, and its live page.

Each lab page adds itself here; the home page and the navigation are drawn from this list.
`path` is None while a section has no page yet.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    number: str  # the book's section, e.g. "B.2"
    key: str  # catalog prefix: "<key>.title" and "<key>.promise"
    path: str | None  # URL of the live page, None until it exists


SECTIONS: tuple[Section, ...] = (
    Section("B.1", "section.b1", "/neurons?preset=b1_stroke"),
    Section("B.2", "section.b2", "/neurons?preset=b2_weighted"),
    Section("B.3", "section.b3", "/backprop"),
    Section("B.4", "section.b4", "/descent"),
    # The 2-D playground trains what B.3 and B.4 explain, on points in the plane.
    Section("B.3+", "section.playground", "/playground"),
    Section("B.5", "section.b5", "/batchnorm"),
    Section("B.6", "section.b6", "/conv"),
    Section("B.7", "section.b7", "/rnn"),
    Section("B.8", "section.b8", "/autoencoder"),
)
