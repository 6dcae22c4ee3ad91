"""Teacher rooms: students follow a teacher's session live and can fork it into their own."""

from neural_playground.app.rooms.hub import Mailbox, RoomError, RoomHub, Teacher, normalize_code
from neural_playground.app.settings import Settings


def make_hub(settings: Settings) -> RoomHub:
    """In-process rooms, or rooms shared through Redis when REDIS_URL is set."""
    if settings.redis_url:
        from neural_playground.app.rooms.redis_hub import RedisRoomHub

        return RedisRoomHub(settings)
    return RoomHub(settings)


__all__ = ["Mailbox", "RoomError", "RoomHub", "Teacher", "make_hub", "normalize_code"]
