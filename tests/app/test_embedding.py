"""Embedding (NP_FRAME_ANCESTORS) and hosting under a sub-path (NP_ROOT_PATH), over HTTP.

The browser side of the sub-path (every URL a page and its scripts ask for) is
tests/browser/test_root_path.py.
"""

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.wsutil import open_lab

ROOT = "/playground"


def test_pages_refuse_every_frame_by_default(client):
    headers = client.get("/").headers
    assert headers["content-security-policy"].endswith("frame-ancestors 'none'")
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("sources", "frame_options"),
    [("'self'", "SAMEORIGIN"), ("https://lms.school.example https://slides.example", None)],
)
def test_frame_ancestors_name_who_may_frame_the_pages(sources, frame_options):
    with TestClient(create_app(Settings(frame_ancestors=sources))) as client:
        headers = client.get("/neurons").headers
    assert headers["content-security-policy"].endswith(f"frame-ancestors {sources}")
    assert headers.get("x-frame-options") == frame_options


@pytest.mark.parametrize("bad", ["'none'; script-src *", "https://a.example\r\nX-Evil: 1", ""])
def test_frame_ancestors_cannot_smuggle_other_directives(bad):
    with pytest.raises(ValidationError):
        Settings(frame_ancestors=bad)


def test_in_an_lms_frame_the_access_cookie_rides_cross_site_over_https():
    settings = Settings(access_code=SecretStr("tiger42"), frame_ancestors="https://lms.example")
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        response = client.post("/access", data={"code": "tiger42"}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "samesite=none" in cookie and "secure" in cookie


@pytest.fixture(scope="module")
def rooted():
    """The app under /playground, asked as a proxy that strips the prefix asks it."""
    settings = Settings(root_path=ROOT + "/", access_code=SecretStr("tiger42"))
    with TestClient(create_app(settings)) as client:
        client.post("/access", data={"code": "tiger42"})
        yield client


def test_every_url_a_page_names_is_under_the_prefix(rooted):
    for page in ("/", "/neurons", "/playground", "/conv", "/digits", "/gan", "/room"):
        html = rooted.get(page).text
        assert f'data-root="{ROOT}"' in html
        urls = re.findall(r'(?:href|src|action)="(/[^"]*)"', html)
        assert urls and all(url.startswith(ROOT + "/") for url in urls), page
        # Assets are found where the page says, once the proxy strips the prefix.
        for url in urls:
            if "/static/" in url:
                assert rooted.get(url.removeprefix(ROOT)).status_code == 200, url


def test_redirects_stay_under_the_prefix(rooted):
    def location(path: str) -> str:
        return rooted.get(path, follow_redirects=False).headers["location"]

    assert location("/lang/en") == ROOT + "/"
    assert location(f"/lang/en?next={ROOT}/neurons") == ROOT + "/neurons"
    assert location("/lang/en?next=/neurons") == ROOT + "/"  # not ours: home
    assert location("/lang/en?next=//evil.example/") == ROOT + "/"
    stranger = TestClient(rooted.app)  # no access cookie (and the app already started)
    response = stranger.get("/neurons?preset=b1_stroke", follow_redirects=False)
    next_page = "%2Fplayground%2Fneurons%3Fpreset%3Db1_stroke"
    assert response.headers["location"] == f"{ROOT}/access?next={next_page}"
    assert stranger.get("/readyz").status_code == 200  # probes need no code


def test_a_websocket_under_the_prefix_drives_its_lab(rooted):
    with open_lab(rooted, "neurons") as (ws, first):
        ws.send_json({"type": "set_input", "i": 0, "value": 2.0})
        assert ws.receive_json()["inputs"][0] == 2.0
