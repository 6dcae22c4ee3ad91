"""The door of a session: what every message, and every saved state, must pass before
anything changes. Each refusal is a `LabError` whose code the page translates; the
connection stays open.
"""

from pydantic import BaseModel, TypeAdapter, ValidationError

from neural_playground.app.labrun.labhost import LabHandle
from neural_playground.app.labs.common.saved_state import read_state
from neural_playground.app.protocol import LabError, describe_validation_error
from neural_playground.app.settings import Settings
from neural_playground.app.ws.limits import TokenBucket


def read_command(
    text: str | None, settings: Settings, limiter: TokenBucket, commands: TypeAdapter
) -> BaseModel:
    """The command in a message's text, if it passes the door: within the message rate (a
    token is taken), text, not too large, a command of this lab. Else a `LabError` saying
    which, for the sender (the connection stays open). Every message counts against the
    rate, binary and oversized ones too: each costs the server an answer."""
    if not limiter.allow():
        raise LabError(
            "rate_limited",
            f"Too many messages: at most {settings.max_messages_per_second:g} a second.",
            limit=settings.max_messages_per_second,
        )
    if text is None:
        raise LabError("not_text", "Messages must be JSON text, not binary.")
    if len(text.encode()) > settings.max_message_bytes:
        raise LabError(
            "too_large",
            f"Message too large: at most {settings.max_message_bytes} bytes.",
            limit=settings.max_message_bytes,
        )
    try:
        # Strict: `true` is not a step count, nor "0.5" a weight (lax pydantic took both).
        return commands.validate_json(text, strict=True)
    except ValidationError as exc:
        if exc.errors()[0]["type"] == "json_invalid":
            raise LabError("invalid_json", "The message is not valid JSON.") from None
        detail = describe_validation_error(exc)
        raise LabError("invalid_message", f"Invalid message: {detail}", detail=detail) from None


def validate_state(lab: LabHandle, data: dict, settings: Settings) -> BaseModel:
    """A whole saved state of `lab` (a shared link, a file, a room's teacher), checked
    alike for every lab (`app.labs.common.saved_state`)."""
    return read_state(lab.State, data, settings.max_abs_value)
