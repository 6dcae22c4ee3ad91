"""A room's frame as one text: the small frame, for screens that were sent the one before,
and the whole frame, for screens that missed one or show nothing yet.

Labs whose frames carry only what changed (the playground) make both at once while their
session teaches a room (`Framing.room` in `app.labrun.labcalls`). Most students keep up and
are sent the small one, as the teacher's own page is; a student who joins late, or whose
screen skipped a frame, is sent the whole one (`Mailbox.put`). The two travel as one text,
joined by a newline, so that the hubs, Redis and the late joiners' newest-frame store carry
them as any other item:
JSON text from pydantic never contains a raw newline (inside strings it is escaped).
"""

SEPARATOR = "\n"


def join(small: str, whole: str) -> str:
    return small if small == whole else small + SEPARATOR + whole


def split(text: str) -> tuple[str, str]:
    """(small, whole); a lab's frame that is whole anyway is both."""
    small, _, whole = text.partition(SEPARATOR)
    return small, whole or small
