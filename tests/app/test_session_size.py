"""The session stays a thin door (issue 15): wire I/O, checks and dispatch, with the rest in
its parts (player, recovery, roomlink, classview, departure). A new concern gets a part."""

import inspect

from neural_playground.app.ws.session import Session


def test_session_class_is_at_most_250_lines():
    lines, _ = inspect.getsourcelines(Session)
    assert len(lines) <= 250, f"Session is {len(lines)} lines: move a concern into app/ws/"
