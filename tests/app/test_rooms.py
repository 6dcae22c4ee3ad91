"""Teacher rooms in one process: open, follow live, read-only for students, fork, take over."""

import re

import pytest
from fastapi.testclient import TestClient

from neural_playground.app.rooms.hub import CODE_ALPHABET
from neural_playground.app.settings import Settings
from tests.wsutil import open_lab, receive_until, wait_for

WEIGHT = {"type": "set_weight", "layer": 1, "i": 0, "j": 0}


def open_room(teacher) -> dict:
    teacher.send_json({"type": "open_room"})
    room = receive_until(teacher, "room")
    assert room["role"] == "teacher" and room["lab"] == "neurons"
    receive_until(teacher, "status")  # the frame and status published for the room
    return room


def follow(student, code: str, typed: str | None = None) -> dict:
    """Follow a room (as typed); return the teacher's frame the student is shown at once."""
    student.send_json({"type": "follow", "code": typed or code})
    room = receive_until(student, "room")
    assert room == {**room, "role": "student", "code": code, "lab": "neurons"}
    return receive_until(student, "frame")


def state_of(ws) -> dict:
    ws.send_json({"type": "get_state"})
    return receive_until(ws, "state")["state"]


def test_a_teacher_opens_a_room_with_a_short_code_and_a_secret_key(client):
    with open_lab(client, "neurons") as (teacher, _):
        room = open_room(teacher)
        assert re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", room["code"])
        assert len(room["key"]) >= 16
        # Asking again answers with the same room, without the key.
        teacher.send_json({"type": "open_room"})
        again = receive_until(teacher, "room")
        assert again["code"] == room["code"] and again["key"] is None


def test_students_see_the_teachers_edits_live(client):
    with open_lab(client, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        with open_lab(client, "neurons") as (s1, _), open_lab(client, "neurons") as (s2, _):
            assert follow(s1, code, code.lower())["output"] == pytest.approx(4.9)  # any case
            follow(s2, code, f"{code[:3]}-{code[3:]}")  # dashes too
            teacher.send_json({**WEIGHT, "value": 2.0})
            assert receive_until(teacher, "frame")["output"] == pytest.approx(5.8)
            for student in (s1, s2):
                frame = receive_until(student, "frame")
                assert frame["output"] == pytest.approx(5.8)
                assert frame["layers"][1]["w"][0][0] == 2.0


def test_students_can_never_drive_the_teachers_session(client):
    with open_lab(client, "neurons") as (teacher, _):
        room = open_room(teacher)
        before = state_of(teacher)
        with open_lab(client, "neurons") as (student, _):
            follow(student, room["code"])
            attempts = [
                {**WEIGHT, "value": 9.0},
                {"type": "set_input", "i": 0, "value": 9.0},
                {"type": "set_state", "state": before},
                {"type": "reset"},
                {"type": "play"},
                {"type": "load_preset", "name": "b1_stroke"},
                {"type": "close_room"},
                {"type": "open_room"},
            ]
            for command in attempts:
                student.send_json(command)
                assert receive_until(student, "error")["code"] == "following"
            # Not following any more, a guessed key still gets nowhere.
            student.send_json({"type": "teach", "code": room["code"], "key": "wrong-key-123"})
            assert receive_until(student, "error")["code"] == "following"
            student.send_json({"type": "unfollow"})
            receive_until(student, "room")
            student.send_json({"type": "teach", "code": room["code"], "key": "wrong-key-123"})
            assert receive_until(student, "error")["code"] == "bad_room_key"
            student.send_json({"type": "close_room"})
            assert receive_until(student, "error")["code"] == "no_room"
        assert state_of(teacher) == before
        teacher.send_json({"type": "ping"})
        assert receive_until(teacher, "pong")  # and the teacher never heard of any of it


def test_a_student_forks_the_teachers_state_into_their_own_session(client):
    with open_lab(client, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        teacher.send_json({"type": "load_preset", "name": "b1_stroke"})
        teacher_frame = receive_until(teacher, "frame")
        with open_lab(client, "neurons") as (student, _), open_lab(client, "neurons") as (other, _):
            follow(student, code)
            follow(other, code)
            assert state_of(student) == state_of(teacher)  # get_state shows what is watched
            student.send_json({"type": "fork"})
            assert receive_until(student, "room") == {
                **receive_until_room_defaults(),
                "role": "none",
                "code": code,
                "member": True,  # still on the room's roster, with their own lab
            }
            assert receive_until(student, "frame") == teacher_frame
            # The fork is the student's own: edits change it, not the teacher, not the room.
            student.send_json({"type": "set_input", "i": 0, "value": 0.0})
            assert receive_until(student, "frame")["inputs"][0] == 0.0
            other.send_json({"type": "ping"})
            assert receive_until(other, "pong")  # no frame came from the student's edit
        assert state_of(teacher)["inputs"] == teacher_frame["inputs"]


def receive_until_room_defaults() -> dict:
    return {
        "type": "room",
        "code": None,
        "lab": None,
        "key": None,
        "ended": False,
        "moved": False,
        "member": False,
    }


def test_leaving_a_room_brings_back_the_students_own_lab(client):
    with open_lab(client, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        teacher.send_json({"type": "load_preset", "name": "b1_stroke"})
        receive_until(teacher, "frame")
        with open_lab(client, "neurons") as (student, own):
            assert follow(student, code)["preset"] == "b1_stroke"
            student.send_json({"type": "unfollow"})
            assert receive_until(student, "room")["role"] == "none"
            assert receive_until(student, "frame") == own


def test_the_teacher_key_moves_the_room_to_another_screen(client):
    with open_lab(client, "neurons") as (first, _):
        room = open_room(first)
        with (
            open_lab(client, "neurons") as (student, _),
            open_lab(client, "neurons") as (
                second,
                _,
            ),
        ):
            follow(student, room["code"])
            second.send_json({"type": "set_input", "i": 0, "value": 5.0})
            receive_until(second, "frame")
            second.send_json({"type": "teach", "code": room["code"], "key": room["key"]})
            assert receive_until(second, "room")["role"] == "teacher"
            taken = receive_until(first, "room")
            assert taken == {**taken, "role": "none", "ended": True}
            assert receive_until(student, "frame")["inputs"][0] == 5.0
            first.send_json({"type": "set_input", "i": 0, "value": -1.0})
            receive_until(first, "frame")
            second.send_json({"type": "set_input", "i": 1, "value": 0.5})
            assert receive_until(student, "frame")["inputs"][:2] == [5.0, 0.5]


def test_closing_the_room_tells_the_students(client):
    with open_lab(client, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        with open_lab(client, "neurons") as (student, own):
            follow(student, code)
            teacher.send_json({"type": "close_room"})
            assert receive_until(teacher, "room")["ended"] is True
            ended = receive_until(student, "room")
            assert ended == {**ended, "role": "none", "code": code, "ended": True}
            assert receive_until(student, "frame") == own
            student.send_json({"type": "follow", "code": code})
            assert receive_until(student, "error")["code"] == "no_room"


def test_a_teacher_who_reloads_keeps_the_room(client):
    with client.websocket_connect("/ws/neurons") as teacher:
        hello = teacher.receive_json()
        code = open_room(teacher)["code"]
    with open_lab(client, "neurons") as (student, _):
        follow(student, code)
        with open_lab(client, "neurons") as (teacher, _):
            teacher.send_json({"type": "resume", "token": hello["resume"]})
            assert receive_until(teacher, "resumed")["restored"] is True
            assert receive_until(teacher, "room") == {
                **receive_until_room_defaults(),
                "role": "teacher",
                "code": code,
                "lab": "neurons",
            }
            assert receive_until(student, "frame")["inputs"] == [1.0, -2.0, 3.0]  # resumed
            teacher.send_json({"type": "set_input", "i": 2, "value": 0.0})
            assert receive_until(student, "frame")["inputs"] == [1.0, -2.0, 0.0]


def test_following_a_playing_teacher_streams_frames_and_statuses(lab_client):
    with open_lab(lab_client, "trainable") as (teacher, _):
        teacher.send_json({"type": "open_room"})
        code = receive_until(teacher, "room")["code"]
        with open_lab(lab_client, "trainable") as (student, _):
            student.send_json({"type": "follow", "code": code})
            receive_until(student, "room")
            assert receive_until(student, "status")["running"] is False  # the latest, at once
            teacher.send_json({"type": "play"})
            assert receive_until(student, "status")["running"] is True
            steps = [receive_until(student, "frame")["step"] for _ in range(3)]
            assert steps == sorted(steps) and steps[-1] > steps[0]
            teacher.send_json({"type": "pause"})
            assert receive_until(student, "status", limit=500)["running"] is False


def test_wrong_codes_and_wrong_pages_are_explained(lab_client):
    with open_lab(lab_client, "trainable") as (teacher, _):
        teacher.send_json({"type": "open_room"})
        code = receive_until(teacher, "room")["code"]
        with open_lab(lab_client, "neurons") as (student, _):
            student.send_json({"type": "follow", "code": "ZZZZZZ"})
            assert receive_until(student, "error")["code"] == "no_room"
            student.send_json({"type": "follow", "code": code})
            error = receive_until(student, "error")
            assert error["code"] == "room_other_lab"
            assert error["params"] == {"code": code, "lab": "trainable"}
            student.send_json({"type": "fork"})
            assert receive_until(student, "error")["code"] == "not_following"
            student.send_json({"type": "follow", "code": "<script>"})
            assert receive_until(student, "error")["code"] == "invalid_message"


def test_the_join_form_leads_to_the_rooms_page(client):
    with open_lab(client, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        response = client.get(f"/room?code={code.lower()}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/neurons?room={code}"
    missing = client.get("/room?code=ABCDEF", headers={"accept-language": "en"})
    assert missing.status_code == 404 and "no open room with the code ABCDEF" in missing.text
    assert client.get("/room?code=<b>x</b>").status_code == 404


@pytest.mark.parametrize("settings", [Settings(max_rooms=1)])
def test_the_number_of_rooms_is_limited(client):
    with open_lab(client, "neurons") as (first, _), open_lab(client, "neurons") as (second, _):
        open_room(first)
        second.send_json({"type": "open_room"})
        error = receive_until(second, "error")
        assert error["code"] == "rooms_full" and error["params"] == {"limit": 1}


# --- guessing room codes -------------------------------------------------------------------

GUESSING = Settings(room_guess_burst=6, room_guess_session_burst=4, room_guess_refill_seconds=60)


@pytest.mark.parametrize("settings", [GUESSING])
def test_the_join_form_slows_a_code_guesser_but_not_a_class(client):
    with open_lab(client, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        # A class behind one address: right codes never count.
        joins = [client.get(f"/room?code={code}", follow_redirects=False) for _ in range(30)]
        assert {r.status_code for r in joins} == {303}
        guesses = [client.get(f"/room?code=ZZZZ{k:02d}").status_code for k in range(10)]
        assert guesses.count(404) == 6 and guesses.count(429) == 4  # main: 10 x 404
        # Refused unchecked while throttled: a right guess must not show itself.
        throttled = client.get(f"/room?code={code}", follow_redirects=False)
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
        # Another address is not slowed by this one.
        other = TestClient(client.app, client=("198.51.100.9", 50000))
        assert other.get(f"/room?code={code}", follow_redirects=False).status_code == 303


def wrong_follows(ws, prefix: str, count: int) -> list[str]:
    """Follow `count` wrong codes; the error code of each answer."""
    answers = []
    for k in range(count):
        ws.send_json({"type": "follow", "code": f"{prefix}{k:02d}"})
        answers.append(receive_until(ws, "error")["code"])
    return answers


@pytest.mark.parametrize("settings", [GUESSING])
def test_following_slows_a_code_guesser_per_session_and_per_address(client):
    with open_lab(client, "neurons") as (teacher, _):
        code = open_room(teacher)["code"]
        with open_lab(client, "neurons") as (guesser, _):
            # The session's own budget (4), then refused unchecked: the right code too.
            assert wrong_follows(guesser, "ZZZZ", 6) == ["no_room"] * 4 + ["too_many_guesses"] * 2
            guesser.send_json({"type": "follow", "code": code})
            refused = receive_until(guesser, "error")
            assert refused["code"] == "too_many_guesses" and refused["params"]["retry_after"] >= 1
            # A wrong teacher key is a guess too.
            guesser.send_json({"type": "teach", "code": code, "key": "not-the-key-000"})
            assert receive_until(guesser, "error")["code"] == "too_many_guesses"
        with open_lab(client, "neurons") as (second, _):
            # The address's budget (6) is shared by its sessions.
            assert wrong_follows(second, "YYYY", 4) == ["no_room"] * 2 + ["too_many_guesses"] * 2
        # A learner on another address follows at once.
        other = TestClient(client.app, client=("198.51.100.9", 50000))
        with open_lab(other, "neurons") as (student, _):
            follow(student, code)


# --- room slots that cannot be squatted ----------------------------------------------------

SQUATTABLE = Settings(max_rooms=20, resume_grace_seconds=0.5)


class StillClock:
    """The resume grace's clock, standing still until the test moves it on: whether a
    squatter's room outlives its grace is the test's choice, never how slowly a loaded
    machine makes 21 connections (a room expiring meanwhile frees a slot)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def still_clock(client) -> StillClock:
    clock = StillClock()
    client.app.state.runtime.sessions.clock = clock
    return clock


def squat(app, address: str) -> dict:
    """A connection that opens a room and hangs up at once; its answer to open_room."""
    squatter = TestClient(app, client=(address, 40000))
    with open_lab(squatter, "neurons") as (ws, _):
        ws.send_json({"type": "open_room"})
        for _ in range(20):
            answer = ws.receive_json()
            if answer["type"] in ("room", "error"):
                return answer
    raise AssertionError("no answer to open_room")


@pytest.mark.parametrize("settings", [SQUATTABLE])
def test_rooms_opened_and_abandoned_do_not_lock_out_a_real_teacher(client, still_clock):
    """21 connections from 21 addresses open a room and close: main kept all 20 slots for
    NP_ROOM_IDLE_SECONDS (30 min). Now a room whose teacher did not come back within the
    resume grace closes, and a real teacher gets a room."""
    runtime = client.app.state.runtime
    answers = [squat(client.app, f"203.0.113.{k}") for k in range(21)]
    assert [a["type"] for a in answers] == ["room"] * 20 + ["error"]
    assert answers[-1]["code"] == "rooms_full"
    wait_for(lambda: len(runtime.sessions.parked) == 21)  # every squatter gone, none back
    assert runtime.rooms.room_count() == 20
    still_clock.now += SQUATTABLE.resume_grace_seconds  # the grace runs out
    wait_for(lambda: runtime.rooms.room_count() == 0)
    with open_lab(client, "neurons") as (teacher, _):
        assert open_room(teacher)["role"] == "teacher"


@pytest.mark.parametrize("settings", [SQUATTABLE])
def test_one_address_holds_only_a_few_rooms(client, still_clock):
    """The 21 squatters from one address: only NP_MAX_ROOMS_PER_ADDRESS (4) rooms, however
    long the 21 connections take (the clock stands still: no room expires meanwhile)."""
    answers = [squat(client.app, "203.0.113.1") for _ in range(21)]
    assert [a["type"] for a in answers] == ["room"] * 4 + ["error"] * 17
    assert {a["code"] for a in answers[4:]} == {"rooms_per_address"}
    assert answers[4]["params"] == {"limit": 4}
    other = TestClient(client.app, client=("198.51.100.9", 50000))
    with open_lab(other, "neurons") as (teacher, _):
        assert open_room(teacher)["role"] == "teacher"  # another address is not held up


# --- where students are told to join -------------------------------------------------------


def join_url_shown(client, host: str) -> str:
    page = client.get("/neurons", headers={"host": host})
    assert page.status_code == 200
    found = re.search(r'data-join-url="([^"]*)"', page.text)
    assert found, "the room's code screen carries no join address"
    return found.group(1)


@pytest.fixture
def lan(monkeypatch):
    """This machine's LAN address, as app.join finds it (no real network in tests)."""
    monkeypatch.setattr("neural_playground.app.join.find_lan_addresses", lambda: ["192.168.1.23"])
    monkeypatch.setattr("neural_playground.app.join._lan", (0.0, []))


@pytest.mark.parametrize("settings", [Settings(host="0.0.0.0")])
def test_the_join_screen_never_tells_students_the_teachers_loopback_address(client, lan):
    """The teacher opened http://127.0.0.1:18555 on the server: main told students
    "go to 127.0.0.1:18555/room", which is each student's own machine."""
    assert join_url_shown(client, "127.0.0.1:18555") == "192.168.1.23:18555/room"
    assert join_url_shown(client, "localhost:18555") == "192.168.1.23:18555/room"
    # The teacher already uses an address students can reach: that one.
    assert join_url_shown(client, "192.168.1.50:18555") == "192.168.1.50:18555/room"


@pytest.mark.parametrize(
    "settings", [Settings(host="0.0.0.0", public_url="https://play.school.example/")]
)
def test_the_join_screen_shows_the_public_url_when_set(client, lan):
    assert join_url_shown(client, "127.0.0.1:8000") == "https://play.school.example/room"


@pytest.mark.parametrize("settings", [Settings(host="127.0.0.1")])
def test_a_server_bound_to_loopback_shows_loopback_as_nothing_better_exists(client, lan):
    assert join_url_shown(client, "127.0.0.1:8000") == "127.0.0.1:8000/room"
