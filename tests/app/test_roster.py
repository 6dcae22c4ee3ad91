"""The teacher's view of the class over the websocket: every learner on the roster (name,
lesson, step, their own numbers and picture once they fork), a spotlight on one learner's
network, a preset sent to everyone; in one process and across two replicas with Redis."""

from fastapi.testclient import TestClient

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.wsutil import open_lab, receive_until

THUMB = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD="


def open_room(teacher) -> dict:
    teacher.send_json({"type": "open_room"})
    room = receive_until(teacher, "room")
    receive_until(teacher, "status")
    return room


def roster_until(teacher, table: dict[str, dict], done) -> dict[str, dict]:
    """Read rosters into the teacher's table (by learner id) until `done(table)` holds."""
    while not done(table):
        roster = receive_until(teacher, "roster", limit=50)
        for line in roster["learners"]:
            table[line["id"]] = line
        for gone in roster["gone"]:
            table.pop(gone, None)
    return table


def frame_where(ws, check) -> dict:
    """The first frame for which `check(frame)` holds (older frames may be queued first)."""
    for _ in range(50):
        frame = receive_until(ws, "frame", limit=50)
        if check(frame):
            return frame
    raise AssertionError("no such frame")


def by_name(table: dict[str, dict]) -> dict[str, dict]:
    return {line["name"]: line for line in table.values()}


def check_class(teacher_app, mina_app, joon_app) -> None:
    with open_lab(teacher_app, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        table: dict[str, dict] = {}
        with open_lab(mina_app, "neurons") as (mina, _), open_lab(joon_app, "neurons") as (joon, _):
            for ws, name in ((mina, "Mina"), (joon, "준")):
                ws.send_json({"type": "follow", "code": code, "name": name})
                assert receive_until(ws, "room")["role"] == "student"
            table = roster_until(teacher, table, lambda t: len(t) == 2)
            assert {(line["name"], line["lab"], line["forked"]) for line in table.values()} == {
                ("Mina", "neurons", False),
                ("준", "neurons", False),
            }

            # A follower's page reports its tour step; it shows on the roster.
            mina.send_json({"type": "room_report", "step": 3})
            roster_until(teacher, table, lambda t: by_name(t).get("Mina", {}).get("step") == 3)

            # Joon tries it himself: his own numbers and picture come to the roster.
            joon.send_json({"type": "fork"})
            receive_until(joon, "room")
            receive_until(joon, "status")  # after the frame of the copied state
            joon.send_json({"type": "set_input", "i": 0, "value": 2.5})
            assert receive_until(joon, "frame")["inputs"][0] == 2.5
            joon.send_json({"type": "room_report", "loss": 0.25, "accuracy": 0.75, "thumb": THUMB})
            table = roster_until(
                teacher, table, lambda t: by_name(t).get("준", {}).get("loss") == 0.25
            )
            line = by_name(table)["준"]
            assert (line["forked"], line["accuracy"], line["thumb"]) == (True, 0.75, THUMB)

            # Spotlight: Joon's network in the teacher's lab, so the whole room sees it.
            teacher.send_json({"type": "spotlight", "learner": line["id"]})
            assert receive_until(teacher, "frame")["inputs"][0] == 2.5
            frame_where(mina, lambda f: f["inputs"][0] == 2.5)

            # Send everyone this preset: the teacher and Joon's own copy load it.
            teacher.send_json({"type": "room_preset", "name": "b2_relu"})
            assert receive_until(teacher, "frame")["preset"] == "b2_relu"
            frame_where(joon, lambda f: f["preset"] == "b2_relu")
            assert receive_until(joon, "room_preset") == {"type": "room_preset", "name": "b2_relu"}
            frame_where(mina, lambda f: f["preset"] == "b2_relu")
            joon.send_json({"type": "get_state"})
            assert receive_until(joon, "state")["state"]["preset"] == "b2_relu"

            # Leaving the room takes the learner off the roster.
            joon.send_json({"type": "unfollow"})
            roster_until(teacher, table, lambda t: set(by_name(t)) == {"Mina"})
        # A closed page leaves too.
        roster_until(teacher, table, lambda t: not t)


def check_rejoin(teacher_app, joon_app) -> None:
    """A learner who forked, then reloaded: the new page's session rejoins the roster on its
    own lab (the URL no longer names the room; the tab kept it)."""
    with open_lab(teacher_app, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        table: dict[str, dict] = {}
        with open_lab(joon_app, "neurons") as (joon, _):
            joon.send_json({"type": "follow", "code": code, "name": "준"})
            receive_until(joon, "room")
            joon.send_json({"type": "fork"})
            forked = receive_until(joon, "room")
            assert (forked["role"], forked["member"]) == ("none", True)
            roster_until(teacher, table, lambda t: by_name(t).get("준", {}).get("forked"))
        roster_until(teacher, table, lambda t: not t)  # the page went
        with open_lab(joon_app, "neurons") as (joon, _):
            joon.send_json({"type": "rejoin", "code": code.lower(), "name": "준"})
            room = receive_until(joon, "room")
            assert (room["role"], room["code"], room["member"]) == ("none", code, True)
            table = roster_until(teacher, table, lambda t: len(t) == 1)
            assert [(x["name"], x["lab"], x["forked"]) for x in table.values()] == [
                ("준", "neurons", True)
            ]
            # Their own lab, not the teacher's screen: their edits are theirs.
            joon.send_json({"type": "set_input", "i": 0, "value": 1.5})
            assert receive_until(joon, "frame")["inputs"][0] == 1.5
        teacher.send_json({"type": "close_room"})
        receive_until(teacher, "room")
    with open_lab(joon_app, "neurons") as (joon, _):  # the room ended meanwhile
        joon.send_json({"type": "rejoin", "code": code, "name": "준"})
        assert receive_until(joon, "error")["code"] == "no_room"


def check_class_page(teacher_app, page_app) -> None:
    """The class page of an open room opens wherever the room is known (its roster comes
    from the teacher's tab: static/js/core/classpage.js); an unknown code is refused."""
    english, korean = {"accept-language": "en"}, {"accept-language": "ko"}
    with open_lab(teacher_app, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        page = page_app.get(f"/room/class?code={code.lower()}", headers=english)
        assert page.status_code == 200
        assert f'data-code="{code}"' in page.text
        assert f"The class in room {code}" in page.text
        assert "Only the teacher of room" in page.text  # shown by the page without the key
        assert 'data-testid="roster-list"' in page.text
        korean_page = page_app.get(f"/room/class?code={code}", headers=korean)
        assert f"교실 {code}의 학급" in korean_page.text
        teacher.send_json({"type": "close_room"})
        receive_until(teacher, "room")
    missing = page_app.get(f"/room/class?code={code}", headers=english)
    assert missing.status_code == 404
    assert f"There is no open room with the code {code}." in missing.text
    assert 'data-testid="roster-list"' not in missing.text


def test_the_teacher_sees_the_class_and_can_spotlight_and_send_presets(client):
    check_class(client, client, client)


def test_the_class_page_opens_for_an_open_room_only(client):
    check_class_page(client, client)


def test_a_learner_who_forked_and_reloaded_is_back_on_the_roster(client):
    check_rejoin(client, client)


def test_only_a_teacher_spotlights_or_sends_presets_and_names_are_checked(client):
    with open_lab(client, "neurons") as (ws, _):
        for message in (
            {"type": "spotlight", "learner": "abcdef12"},
            {"type": "room_preset", "name": "b2_relu"},
        ):
            ws.send_json(message)
            assert receive_until(ws, "error")["code"] == "no_room"
        ws.send_json({"type": "follow", "code": "ABCDEF", "name": "<b>x</b>"})
        assert receive_until(ws, "error")["code"] == "invalid_message"
        ws.send_json({"type": "room_report", "thumb": "javascript:alert(1)"})
        assert receive_until(ws, "error")["code"] == "invalid_message"
        open_room(ws)
        ws.send_json({"type": "room_preset", "name": "no_such_preset"})
        assert receive_until(ws, "error")["code"] == "bad_preset"
        ws.send_json({"type": "spotlight", "learner": "abcdef12"})
        assert receive_until(ws, "error")["code"] == "no_learner"


def test_the_class_view_works_across_two_replicas(redis_url):
    settings = Settings(redis_url=redis_url, room_idle_seconds=60)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        check_class(a, a, b)
        check_class(a, b, b)
        check_rejoin(a, b)
        check_class_page(a, b)
