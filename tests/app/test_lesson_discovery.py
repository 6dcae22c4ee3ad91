"""Adding a lesson needs only its folder (plus template, script and catalogs): a throwaway
lesson in tests/fixtures/lessons/hello/ is routed, on the lesson map, in the registry, and
its tour is found, with no shared file touched."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from jinja2 import ChoiceLoader, FileSystemLoader

from neural_playground.app.labs.common.lessons import LESSON_PACKAGES, discover_lessons
from neural_playground.app.main import create_app
from tests.wsutil import open_lab, receive_until

#: The lesson's template, kept out of templates/ with the rest of the fixture.
FIXTURE_TEMPLATES = Path(__file__).resolve().parents[1] / "fixtures" / "templates"


@pytest.fixture
def hello_client(settings):
    lessons = discover_lessons((*LESSON_PACKAGES, "tests.fixtures.lessons"))
    app = create_app(settings, lessons=lessons)
    # Only the template's folder differs from a real lesson's (templates/hello.html).
    env = app.state.templates.env
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(FIXTURE_TEMPLATES)])
    with TestClient(app) as client:
        yield client


def test_the_fixture_lesson_is_found_beside_the_nine():
    lessons = discover_lessons((*LESSON_PACKAGES, "tests.fixtures.lessons"))
    assert "hello" in lessons and "neurons" in lessons
    assert "hello" not in discover_lessons()
    assert lessons["hello"].tour.steps[0].key == "greet"


def test_a_new_lesson_is_routed_mapped_and_registered(hello_client):
    page = hello_client.get("/hello", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert 'data-testid="greeting"' in page.text
    # Its tour is embedded, as every lesson's.
    assert '<script id="np-tour" type="application/json">' in page.text

    home = hello_client.get("/").text
    assert 'href="/hello?tour=greet"' in home  # its card, first on the map (place 0)
    assert home.index('data-testid="lesson-B.0"') < home.index('data-testid="lesson-B.1"')

    with open_lab(hello_client, "hello") as (ws, first):
        assert first["greeting"] == "Hello, world!"
        ws.send_json({"type": "set_name", "name": "class"})
        assert receive_until(ws, "frame")["greeting"] == "Hello, class!"


def test_without_the_fixture_there_is_no_hello_page(client):
    assert client.get("/hello").status_code == 404
