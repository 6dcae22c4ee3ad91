"""Guided tours: for a page, a short sequence of steps that each set up the live widget.

A tour is data. A lesson's `tour.py` (`app/labs/<lesson>/tour.py`) defines its `STEPS`, and
its `LESSON` (lesson.py) makes them the page's `Tour`: found with the lesson, so adding a
page's tour touches no shared file. A step's `commands` are ordinary lab commands
(`load_preset`, `set_state`, `set_weight`, ...), validated against the lab's own models
when the lesson is imported, and sent in order by static/js/tour.js when the step opens.
Texts live in the page's catalogs under `tour.<page>.<step>.title` and
`tour.<page>.<step>.body` (a blank line starts a paragraph).

A step's text never states a number that training produced: the same seed trains to slightly
other weights on another machine (its BLAS kernels sum in another order), and a deep network
amplifies that. Such numbers are `{placeholders}` in the text, filled by static/js/tour.js
from the page's live frame (`quotes`), so the tour says what the learner's screen shows.

A tour also opts its page into the classroom checks of the test suite (the tour runs
start to end, axe-core, both languages, projector mode, screenshots).
"""

import re
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter, model_validator

QUOTE_NAME = r"[a-z_]+"
QUOTE_PATH = r"[a-z_0-9]+(\.[a-z_0-9]+)*(\|percent)?"


class TourStep(BaseModel):
    #: Step name: catalog keys `tour.<page>.<key>.title` / `.body`, and `?tour=<key>` in URLs.
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    #: The book's section this step teaches (e.g. "B.2"): the home page's card links here.
    section: str | None = None
    #: Lab commands that set up the step. Start from a `load_preset` (or `set_state`) so a
    #: step never depends on the one before: learners jump between steps in any order.
    commands: tuple[dict[str, Any], ...] = ()
    #: `data-testid`s of the elements to point at while the step is open.
    highlight: tuple[str, ...] = ()
    #: Live numbers in the step's text: `{name}` -> where the frame holds it, a dotted path
    #: ("runs.1.loss"), with "|percent" for a share shown in percent ("runs.1.accuracy|percent").
    quotes: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def quotes_are_paths(self) -> "TourStep":
        for name, path in self.quotes.items():
            if not re.fullmatch(QUOTE_NAME, name) or not re.fullmatch(QUOTE_PATH, path):
                raise ValueError(f"step {self.key}: quote {name!r} -> {path!r} is not a path")
        return self


class Tour(BaseModel):
    page: str  # the template's `page` (catalog prefix)
    lab: str  # the websocket lab the commands go to
    path: str  # URL path of the page, e.g. "/neurons"
    steps: tuple[TourStep, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def keys_are_unique(self) -> "Tour":
        keys = [step.key for step in self.steps]
        if len(set(keys)) != len(keys):
            raise ValueError(f"tour {self.page}: step keys repeat: {keys}")
        return self

    def check_commands(self, commands: TypeAdapter) -> None:
        """Every step's commands parse as the lab's (a pydantic ValidationError if not)."""
        for step in self.steps:
            for command in step.commands:
                commands.validate_python(command)

    def text_keys(self) -> list[str]:
        prefix = f"tour.{self.page}"
        return [f"{prefix}.{s.key}.{part}" for s in self.steps for part in ("title", "body")]

    def first_step_of(self, section: str) -> int | None:
        """Index of the first step teaching `section`, for the lesson map's links."""
        return next((k for k, s in enumerate(self.steps) if s.section == section), None)
