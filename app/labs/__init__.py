"""The lessons, one folder each (`app/labs/<lesson>/`), found by discovery; shared lab code
is in app/labs/common/.

Everything the app serves per lesson is derived from `LESSONS` here: the labs by the name
used in `/ws/{name}`, the tours, and the lesson map.
"""

from neural_playground.app.labs.common.base import Lab
from neural_playground.app.labs.common.lessons import (
    Lesson,
    discover_lessons,
    labs_of,
    lesson_map,
    tours_of,
)

LESSONS: dict[str, Lesson] = discover_lessons()
LABS: dict[str, type[Lab]] = labs_of(LESSONS)
TOURS = tours_of(LESSONS)
SECTIONS = lesson_map(LESSONS)

__all__ = ["LABS", "LESSONS", "SECTIONS", "TOURS", "Lab", "Lesson"]
