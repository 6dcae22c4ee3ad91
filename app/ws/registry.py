"""The open sessions of this server process, so limits can be enforced and counted."""

from app.ws.session import Session


class SessionRegistry:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.sessions: dict[str, Session] = {}

    @property
    def full(self) -> bool:
        return len(self.sessions) >= self.capacity

    def add(self, session: Session) -> None:
        self.sessions[session.id] = session

    def remove(self, session: Session) -> None:
        self.sessions.pop(session.id, None)

    def __len__(self) -> int:
        return len(self.sessions)
