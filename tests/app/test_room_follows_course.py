"""A room belongs to its teacher, not to a page: it follows the teacher from lesson to lesson,
and carries the tour step; across two replicas through a real redis-server too."""

from fastapi.testclient import TestClient

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.wsutil import open_lab, receive_until


def open_room(teacher) -> dict:
    teacher.send_json({"type": "open_room"})
    room = receive_until(teacher, "room")
    receive_until(teacher, "status")
    return room


def follow(student, code: str, lab: str) -> None:
    student.send_json({"type": "follow", "code": code})
    assert receive_until(student, "room") == {
        "type": "room",
        "role": "student",
        "code": code,
        "lab": lab,
        "key": None,
        "ended": False,
        "moved": False,
        "member": False,
    }


def teach_from(teacher_app, lab: str, room: dict):
    """The teacher's tab opens lesson `lab` and teaches the room from there (room.js does)."""
    ws_context = open_lab(teacher_app, lab)
    ws, _ = ws_context.__enter__()
    ws.send_json({"type": "teach", "code": room["code"], "key": room["key"]})
    assert receive_until(ws, "room")["role"] == "teacher"
    receive_until(ws, "status")  # its frame and status, published for the room
    return ws_context, ws


def moves_along(student, code: str, lab: str) -> None:
    """The student's page is told to go to `lab` (and then follows from there)."""
    moved = receive_until(student, "room")
    assert moved["moved"] is True and moved["role"] == "student"
    assert (moved["code"], moved["lab"]) == (code, lab)


def check_course(teacher_app, student_apps) -> None:
    """A teacher on neurons with a student per app; the teacher opens descent and tours."""
    with open_lab(teacher_app, "neurons") as (neurons_teacher, _):
        room = open_room(neurons_teacher)
        code = room["code"]
        students = [open_lab(app, "neurons") for app in student_apps]
        sockets = [context.__enter__()[0] for context in students]
        try:
            for student in sockets:
                follow(student, code, "neurons")
            context, teacher = teach_from(teacher_app, "descent", room)
            try:
                # The old page hears it lost the room; every student goes along.
                assert receive_until(neurons_teacher, "room")["ended"] is True
                for student in sockets:
                    moves_along(student, code, "descent")
                    # Not following the old page any more: its own lab is its own again.
                    student.send_json({"type": "ping"})
                    receive_until(student, "pong")
                teacher.send_json({"type": "room_tour", "step": 2})
                teacher.send_json({"type": "load_preset", "name": "bowl"})
                shown = receive_until(teacher, "frame")
                # Their new pages follow on, and get the teacher's frame and tour step at once.
                for step, app in enumerate(student_apps, start=2):
                    with open_lab(app, "descent") as (student, _):
                        follow(student, code, "descent")
                        seen = {}
                        while len(seen) < 2:
                            msg = student.receive_json()
                            if msg["type"] in ("frame", "room_tour"):
                                seen[msg["type"]] = msg
                        assert seen["room_tour"] == {"type": "room_tour", "step": step}
                        assert seen["frame"]["preset"] == shown["preset"] == "bowl"
                        assert seen["frame"]["point"] == shown["point"]
                        # The tour moves on live; a student cannot move it.
                        teacher.send_json({"type": "room_tour", "step": step + 1})
                        assert receive_until(student, "room_tour")["step"] == step + 1
                        student.send_json({"type": "room_tour", "step": 0})
                        assert receive_until(student, "error")["code"] == "following"
            finally:
                context.__exit__(None, None, None)
        finally:
            for context in students:
                context.__exit__(None, None, None)


def test_students_follow_the_teacher_to_another_lesson_and_its_tour(client):
    check_course(client, [client, client])


def test_a_late_joiner_lands_on_the_teachers_lesson(client):
    with open_lab(client, "neurons") as (first, _):
        room = open_room(first)
        context, teacher = teach_from(client, "descent", room)
        try:
            response = client.get(f"/room?code={room['code']}", follow_redirects=False)
            assert response.headers["location"] == f"/descent?room={room['code']}"
            with open_lab(client, "neurons") as (student, _):
                # A page of the old lesson is sent on (session.js goes there).
                student.send_json({"type": "follow", "code": room["code"]})
                assert receive_until(student, "error")["params"]["lab"] == "descent"
        finally:
            context.__exit__(None, None, None)


def test_a_tour_step_outside_a_room_is_ignored(client):
    with open_lab(client, "neurons") as (ws, _):
        ws.send_json({"type": "room_tour", "step": 1})
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"


def test_students_on_two_replicas_follow_the_teacher_to_another_lesson(redis_url):
    settings = Settings(redis_url=redis_url, room_idle_seconds=60)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        check_course(a, [a, b])
