"""The open sessions of this server process, and the closed ones waiting to be resumed.

Capacity counts open sessions only: a parked workspace (a closed tab's lab, kept for
NP_RESUME_GRACE_SECONDS) never keeps a newcomer out. At most `capacity` are parked; past
that, the client (address) with the most parked loses its oldest first, so one client
opening many short sessions evicts its own work, not everyone's.
"""

import asyncio
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from neural_playground.app.ws.workspace import Workspace

if TYPE_CHECKING:
    from neural_playground.app.ws.session import Session


@dataclass(eq=False)
class Parked:
    lab: str
    workspace: Workspace
    until: float
    client: str = ""  # the address it came from


class SessionRegistry:
    def __init__(self, capacity: int, grace_seconds: float = 0.0) -> None:
        self.capacity = capacity
        self.grace = grace_seconds
        #: The clock the grace is measured on (tests stand it still, or move it on at once).
        self.clock: Callable[[], float] = time.monotonic
        self.sessions: dict[str, Session] = {}
        self.by_token: dict[str, Session] = {}
        self.parked: OrderedDict[str, Parked] = OrderedDict()
        #: Slots taken by connections whose session is still being made (its lab is built
        #: on a worker: an await). Counted as open, so that connections arriving meanwhile
        #: cannot all pass the check before any of them is registered.
        self.claimed = 0
        #: Tokens of sessions whose connection is gone and whose workspace is not parked
        #: yet (stopping its training and taking its last state are awaits): a resume that
        #: comes meanwhile, as a quick reload's does, waits for the parking instead of
        #: finding the work nowhere.
        self.closing: dict[str, asyncio.Event] = {}

    @property
    def full(self) -> bool:
        return len(self.sessions) + self.claimed >= self.capacity

    def claim_slot(self) -> bool:
        """Take a slot for a new connection if there is one: check and take with no await
        in between, so that it is atomic on the event loop. Give it back with
        `release_slot` once the session is registered (or could not be made)."""
        if self.full:
            return False
        self.claimed += 1
        return True

    def release_slot(self) -> None:
        self.claimed -= 1

    def add(self, session: "Session") -> None:
        self.sessions[session.id] = session
        self.by_token[session.resume_token] = session

    def remove(self, session: "Session") -> None:
        self.sessions.pop(session.id, None)
        self.by_token.pop(session.resume_token, None)

    def __len__(self) -> int:
        return len(self.sessions)

    # --- resuming -------------------------------------------------------------------------

    def park(self, token: str, lab: str, workspace: Workspace, client: str = "") -> list[Workspace]:
        """Keep a closed session's workspace for the grace period; return any evicted."""
        self.parked[token] = Parked(lab, workspace, self.clock() + self.grace, client)
        evicted = []
        while len(self.parked) > self.capacity:
            evicted.append(self.parked.pop(self.next_evicted()).workspace)
        return evicted

    def next_evicted(self) -> str:
        """The token of the oldest parked work of the client with the most parked (of
        clients with as many, the one whose oldest is oldest)."""
        counts = Counter(p.client for p in self.parked.values())  # in order of their oldest
        greediest = max(counts, key=counts.__getitem__)
        return next(token for token, p in self.parked.items() if p.client == greediest)

    def take_parked(self, token: str, lab: str) -> Workspace | None:
        parked = self.parked.get(token)
        if parked is None or parked.lab != lab:
            return None
        del self.parked[token]
        return parked.workspace

    def live(self, token: str) -> "Session | None":
        return self.by_token.get(token)

    def expire(self) -> list[Workspace]:
        """Drop parked workspaces whose grace has run out; return them for cleaning up."""
        now = self.clock()
        expired = [token for token, p in self.parked.items() if p.until <= now]
        return [self.parked.pop(token).workspace for token in expired]
