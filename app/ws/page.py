"""What a tab's page already holds of its lab's frames, and so what the next frame brings.

A lab whose frames carry only what changed (the playground) is asked for `Parts`: the page
that shows nothing yet (a new tab, a resumed one, one back from following a room) gets every
part in full, a page that keeps up gets what changed, a crowded server's cheap frame leaves
the maps and metrics stale, and the parts a page draws itself from the frame's numbers are
never sent. The session makes that choice from this record; the lab keeps track of what
changed since its last frame.
"""

from neural_playground.app.labs.common.base import LIGHT, PARTS, Part, Parts


class PageRecord:
    """One session's page: whether it holds a frame of this lab, and what it draws itself."""

    def __init__(self) -> None:
        self.holds = False  # a frame of this session's lab is on the page
        self.draws: frozenset[Part] = frozenset()  # parts the page computes itself

    def parts(self, light: bool = False) -> Parts:
        """The parts of the next frame; `light`: the cheap frame of a crowded server."""
        return Parts(
            whole=frozenset() if self.holds else PARTS - self.draws,
            stale=LIGHT.stale if light else frozenset(),
            without=self.draws,
        )

    def shown(self) -> None:
        """A frame of the lab was sent: the page holds every part it asked for."""
        self.holds = True

    def forget(self) -> None:
        """The page shows nothing of this lab any more (or may not): the next frame brings
        everything."""
        self.holds = False
