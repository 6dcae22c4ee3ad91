"""NP_MAX_SESSIONS holds when many connections arrive at once (a class opening the page
together): claiming a slot and registering the session cannot interleave."""

import asyncio
import json

import websockets

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.liveserver import serving

CONNECTIONS = 40


async def connect_all(*addresses: str) -> list[dict]:
    """Open CONNECTIONS websockets at once (to each address in turn); the first message
    each one gets."""

    async def first_message(sockets: list, address: str) -> dict:
        ws = await websockets.connect(f"ws://{address}/ws/neurons", open_timeout=30)
        sockets.append(ws)
        return json.loads(await asyncio.wait_for(ws.recv(), timeout=30))

    sockets: list = []
    try:
        return await asyncio.gather(
            *(first_message(sockets, addresses[k % len(addresses)]) for k in range(CONNECTIONS))
        )
    finally:  # every one stays open until all have answered: the refused ones are full
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


def test_simultaneous_connections_open_at_most_the_cap():
    settings = Settings(max_sessions=5, lab_processes=False)
    app = create_app(settings)
    with serving(app) as address:
        firsts = asyncio.run(connect_all(address))
        hellos = [m for m in firsts if m["type"] == "hello"]
        refused = [m for m in firsts if m["type"] == "error"]
        assert len(hellos) == 5  # main: all 40 said hello
        assert len(refused) == CONNECTIONS - 5
        assert {m["code"] for m in refused} == {"server_full"}
        assert all(m["params"] == {"limit": 5} for m in refused)
    assert app.state.sessions.claimed == 0
