"""A lesson: one page of the appendix, described as data, and how lessons are found.

Each lesson is a folder, `app/labs/<lesson>/`, whose `lesson.py` exports one `LESSON`. The
lab registry (`/ws/<name>`), the page routes, the lesson map on the home page, the tours
and the tests' lists of pages are all built from the lessons `discover_lessons` finds, so
adding a lesson touches no shared file: its folder, template, script and catalogs.
"""

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.common.tours import Tour, TourStep
from neural_playground.app.settings import Settings

#: Where the app's own lessons live.
LESSON_PACKAGES = ("neural_playground.app.labs",)


@dataclass(frozen=True)
class Section:
    """A card of the lesson map: a section of the book and the page that teaches it."""

    number: str  # the book's section, e.g. "B.2"
    key: str  # catalog prefix: "<key>.title" and "<key>.promise"
    path: str  # URL of the live page, with the query that sets it up for this section
    #: Place on the map, in the book's order ("B.3+" comes after B.4 at 4.5).
    place: float


@dataclass(frozen=True)
class Lesson:
    """What the app needs to know to serve a lesson; everything else is in its folder."""

    lab: type[Lab]  # its `name` names the lesson: `/ws/<name>`, `page`, catalog and tour keys
    route: str = ""  # URL path of the page; default "/<name>"
    template: str = ""  # in templates/, extending lesson.html; default "<name>.html"
    #: The lesson map's cards this page teaches (none for a page reached from another one).
    sections: tuple[Section, ...] = ()
    #: The guided tour's steps; a page with a tour joins the classroom checks. Default: the
    #: `STEPS` of the folder's `tour.py`, if it has one.
    tour_steps: tuple[TourStep, ...] = ()
    #: Test ids of what must fit in the first screen at 1366x768: the page's main drawing
    #: and the number it is about (the classroom checks measure them).
    first_screen: tuple[str, ...] = ()
    #: The catalog file of the page's strings, `app/i18n/{ko,en}/<catalog>.json`.
    catalog: str = ""
    #: Fixed values the template reads (the example menu's names...). Unless given, its
    #: `presets` are the names of the folder's `presets.PRESETS`, if it has them.
    context: Mapping[str, Any] = field(default_factory=dict)
    #: Template variable -> `Settings` field, for controls that show this server's limits.
    page_settings: Mapping[str, str] = field(default_factory=dict)
    #: The `Settings` fields that exist for this lesson (kept in app/settings.py, the one
    #: settings module; listed here so that a lesson's limits are found with it).
    settings: tuple[str, ...] = ()
    #: The lab's name, and the tour built from `tour_steps` (`None` without them).
    name: str = field(init=False)
    tour: Tour | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        name = self.lab.name
        defaults = {"name": name, "route": f"/{name}", "template": f"{name}.html", "catalog": name}
        for key, value in defaults.items():
            if not getattr(self, key, None):
                object.__setattr__(self, key, value)
        folder = self.lab.__module__.rpartition(".")[0]  # app.labs.<lesson>
        if not self.tour_steps:
            object.__setattr__(self, "tour_steps", folder_value(folder, "tour", "STEPS", ()))
        presets = folder_value(folder, "presets", "PRESETS", None)
        if presets is not None and "presets" not in self.context:
            object.__setattr__(self, "context", {"presets": list(presets), **self.context})
        if self.tour_steps:
            tour = Tour(page=self.name, lab=self.name, path=self.route, steps=self.tour_steps)
            tour.check_commands(self.lab.commands)  # a step the lab refuses fails at import
            object.__setattr__(self, "tour", tour)

    def page_context(self, settings: Settings) -> dict[str, Any]:
        """What the page's template gets besides the common context."""
        limits = {name: getattr(settings, key) for name, key in self.page_settings.items()}
        return {"page": self.name, "lab": self.name, **self.context, **limits}


def folder_value(folder: str, module: str, name: str, default: Any) -> Any:
    """`<folder>.<module>.<name>`, or `default` if the lesson's folder has no such module."""
    if importlib.util.find_spec(f"{folder}.{module}") is None:
        return default
    return getattr(importlib.import_module(f"{folder}.{module}"), name, default)


def code_exporter(lab: type[Lab]) -> Callable[[Lab], Any] | None:
    """`describe(lab)` of the lesson's `code_export.py` (app/codegen), if its folder has one."""
    return folder_value(lab.__module__.rpartition(".")[0], "code_export", "describe", None)


def discover_lessons(packages: Iterable[str] = LESSON_PACKAGES) -> dict[str, Lesson]:
    """Every `LESSON` in a subpackage `<package>.<folder>.lesson`, by name, in name order.

    The tests pass a fixture package as well, to show that a folder is all a lesson needs.
    """
    lessons: dict[str, Lesson] = {}
    for package in packages:
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
            module = f"{package}.{info.name}.lesson"
            if not info.ispkg or importlib.util.find_spec(module) is None:
                continue  # shared code (common/), not a lesson
            lesson = importlib.import_module(module).LESSON
            if lesson.name in lessons:
                raise ValueError(f"two lessons are called {lesson.name}")
            lessons[lesson.name] = lesson
    return dict(sorted(lessons.items()))


def labs_of(lessons: Mapping[str, Lesson]) -> dict[str, type[Lab]]:
    return {name: lesson.lab for name, lesson in lessons.items()}


def tours_of(lessons: Mapping[str, Lesson]) -> dict[str, Tour]:
    return {name: lesson.tour for name, lesson in lessons.items() if lesson.tour is not None}


def lesson_map(lessons: Mapping[str, Lesson]) -> tuple[Section, ...]:
    """The home page's cards: every lesson's sections, in the book's order."""
    sections = [section for lesson in lessons.values() for section in lesson.sections]
    return tuple(sorted(sections, key=lambda s: s.place))


def tour_link(section: str, page_path: str | None, tours: Mapping[str, Tour]) -> str | None:
    """Where the lesson map's card for `section` starts the tour: its first step there."""
    if page_path is None:
        return None
    path = urlsplit(page_path).path
    tour = next((tour for tour in tours.values() if tour.path == path), None)
    step = tour.first_step_of(section) if tour else None
    return None if step is None else f"{tour.path}?tour={tour.steps[step].key}"
