"""Security: headers on every response, websocket origins, the workshop access code."""

import hashlib
import re
import socket
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.websockets import WebSocketDisconnect

from neural_playground.app.main import create_app
from neural_playground.app.security import (
    ACCESS_COOKIE,
    ACCESS_COOKIE_SECONDS,
    CONTENT_SECURITY_POLICY,
    access_token,
    token_valid,
)
from neural_playground.app.settings import Settings
from tests.liveserver import serving
from tests.wsutil import assert_refused, open_lab, receive_until

PATHS = ["/", "/neurons", "/healthz", "/metrics", "/static/css/main.css", "/room", "/nowhere"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["x-request-id"])


def test_the_policy_allows_nothing_from_elsewhere_and_no_script_from_strings():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert "http" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY
    assert directives["script-src"] == "'self'"  # no 'unsafe-eval', no 'unsafe-inline'
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["connect-src"] == "'self'"


def test_a_sane_request_id_from_a_proxy_is_kept_and_a_strange_one_replaced(client):
    assert (
        client.get("/healthz", headers={"x-request-id": "lb-42.a"}).headers["x-request-id"]
        == "lb-42.a"
    )
    replaced = client.get("/healthz", headers={"x-request-id": 'x" onload=1'})
    assert re.fullmatch(r"[0-9a-f]{16}", replaced.headers["x-request-id"])


# --- websocket origins (cross-site websocket hijacking) ---------------------------------------


def refused_at_handshake(client, **headers) -> int:
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/ws/neurons", headers=headers) as ws,
    ):
        ws.receive_json()
    return refused.value.code


def test_a_page_on_another_site_cannot_open_a_learners_websocket(client):
    # What a malicious page's `new WebSocket("ws://playground/ws/neurons")` sends: its own
    # Origin, with the learner's cookies riding along.
    client.cookies.set("np_lang", "en")
    assert refused_at_handshake(client, origin="https://evil.example") == 1008
    assert refused_at_handshake(client, origin="http://testserver.evil.example") == 1008
    assert refused_at_handshake(client, origin="null") == 1008
    metrics = client.get("/metrics").text
    assert 'np_connections_refused_total{reason="origin"} 3.0' in metrics
    assert len(client.app.state.sessions) == 0


def test_the_pages_own_origin_is_welcome(client):
    with client.websocket_connect("/ws/neurons", headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "hello"


@pytest.mark.parametrize(
    "settings", [Settings(allowed_origins="https://playground.school.example")]
)
def test_configured_origins_are_welcome_and_others_still_refused(client):
    headers = {"origin": "https://playground.school.example"}
    with client.websocket_connect("/ws/neurons", headers=headers) as ws:
        assert ws.receive_json()["type"] == "hello"
    assert refused_at_handshake(client, origin="https://evil.example") == 1008


# --- the workshop access code ------------------------------------------------------------------

CODE = "tiger-42"


@pytest.mark.parametrize("settings", [Settings(access_code=SecretStr(CODE))])
def test_with_an_access_code_pages_lead_to_the_entry_page(client):
    response = client.get("/neurons?preset=b1_stroke", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/access?next=%2Fneurons%3Fpreset%3Db1_stroke"
    assert client.get("/healthz").status_code == 200  # load balancers need no code
    assert client.get("/static/css/main.css").status_code == 200
    entry = client.get("/access?next=/neurons", headers={"accept-language": "en"})
    assert entry.status_code == 200 and "access code" in entry.text
    assert client.get("/room", headers={"accept": "application/json"}).status_code == 401


@pytest.mark.parametrize("settings", [Settings(access_code=SecretStr(CODE))])
def test_the_websocket_says_a_code_is_needed(client):
    with client.websocket_connect("/ws/neurons") as ws:
        assert_refused(ws, "access_required", 1008)


@pytest.mark.parametrize("settings", [Settings(access_code=SecretStr(CODE))])
def test_the_right_code_sets_a_cookie_that_opens_everything(client):
    wrong = client.post(
        "/access", data={"code": "lion", "next": "/neurons"}, headers={"accept-language": "en"}
    )
    assert wrong.status_code == 401 and "not right" in wrong.text
    assert ACCESS_COOKIE not in client.cookies
    right = client.post(
        "/access", data={"code": f" {CODE} ", "next": "/neurons"}, follow_redirects=False
    )
    assert right.status_code == 303 and right.headers["location"] == "/neurons"
    cookie = client.cookies[ACCESS_COOKIE]
    assert CODE not in cookie and token_valid(cookie, client.app.state.settings)
    assert "httponly" in right.headers["set-cookie"].lower()
    assert client.get("/neurons").status_code == 200
    with open_lab(client, "neurons") as (ws, frame):
        assert frame["output"] == pytest.approx(4.9)


@pytest.mark.parametrize("settings", [Settings(access_code=SecretStr(CODE))])
def test_the_entry_page_never_redirects_off_site_and_slows_down_guessing(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/access", data={"code": CODE, "next": target}, follow_redirects=False
        )
        assert response.headers["location"] == "/"
    client.cookies.clear()
    codes = [client.post("/access", data={"code": f"guess{k}"}).status_code for k in range(25)]
    # NP_ACCESS_GUESS_BURST (20) wrong codes, then 429; the right ones above never counted.
    assert codes == [401] * 20 + [429] * 5


def post_code(client, code: str) -> int:
    response = client.post("/access", data={"code": code}, follow_redirects=False)
    client.cookies.clear()
    return response.status_code


@pytest.mark.parametrize("settings", [Settings(access_code=SecretStr(CODE))])
def test_a_class_behind_one_address_all_get_in_and_a_guesser_is_still_slowed(client):
    """30 learners behind one school NAT (one address: TestClient's) type the right code,
    a few with a typo first: every one gets in (main let 6 in, then 429 for minutes)."""
    codes = []
    for learner in range(30):
        if learner % 10 == 0:
            codes.append(post_code(client, CODE.upper()))  # a typo
        codes.append(post_code(client, CODE))
    assert codes.count(303) == 30 and codes.count(401) == 3 and 429 not in codes
    # A guesser at the same address: the rest of the burst of wrong codes, then refused.
    guesses = [post_code(client, f"guess{k}") for k in range(20)]
    assert guesses == [401] * 17 + [429] * 3
    # Refused unchecked while the bucket is empty: a right guess must not show itself.
    response = client.post("/access", data={"code": CODE}, follow_redirects=False)
    assert response.status_code == 429 and ACCESS_COOKIE not in response.cookies
    assert 1 <= int(response.headers["retry-after"]) <= 10
    # Another address is not slowed by this one's guessing.
    other = TestClient(client.app, client=("198.51.100.7", 50000))
    assert post_code(other, CODE) == 303 and post_code(other, "nope") == 401


def test_guesses_are_counted_per_forwarded_address_from_a_trusted_proxy():
    """Behind a proxy in FORWARDED_ALLOW_IPS, uvicorn makes X-Forwarded-For the client's
    address: one learner's guessing does not lock out the rest of the school."""
    settings = Settings(access_code=SecretStr(CODE), access_guess_burst=3)
    with serving(create_app(settings), forwarded_allow_ips="127.0.0.1") as address:

        def post(code: str, learner: str) -> int:
            headers = {"x-forwarded-for": learner}
            with httpx.Client(base_url=f"http://{address}", headers=headers) as http:
                return http.post("/access", data={"code": code}).status_code

        assert [post("wrong", "203.0.113.5") for _ in range(4)] == [401, 401, 401, 429]
        assert post(CODE, "203.0.113.6") == 303
        assert post("wrong", "203.0.113.6") == 401


def login(client) -> str:
    """Type the code on the entry page; the cookie it sets (and the client keeps none)."""
    response = client.post("/access", data={"code": CODE}, follow_redirects=False)
    assert response.status_code == 303
    client.cookies.clear()
    return response.cookies[ACCESS_COOKIE]


def opens(client, cookie: str) -> bool:
    """Whether `cookie` opens a page and a websocket."""
    client.cookies.set(ACCESS_COOKIE, cookie)
    try:
        page = client.get("/neurons", follow_redirects=False).status_code
        with client.websocket_connect("/ws/neurons") as ws:
            first = ws.receive_json()
        assert (page == 200) == (first["type"] == "hello"), (page, first)
        return page == 200
    finally:
        client.cookies.clear()


def altered(cookie: str, part: int) -> str:
    parts = cookie.split(".")
    parts[part] = parts[part][:-1] + ("1" if parts[part][-1] != "1" else "2")
    return ".".join(parts)


WITH_CODE = Settings(access_code=SecretStr(CODE), secret_key=SecretStr("server-secret-a"))


@pytest.mark.parametrize("settings", [WITH_CODE])
def test_every_login_gets_a_cookie_of_its_own_and_each_one_opens(client):
    first, second = login(client), login(client)
    assert first != second
    assert opens(client, first) and opens(client, second)
    assert CODE not in first and "server-secret-a" not in first


@pytest.mark.parametrize("settings", [WITH_CODE])
def test_a_forged_or_altered_cookie_is_refused(client):
    cookie = login(client)
    old_style = hashlib.sha256(f"neural-playground-access\0{CODE}".encode()).hexdigest()
    nonce, issued, mac = cookie.split(".")
    forged = [
        old_style,  # what every learner's cookie used to be: guessable from the code alone
        altered(cookie, 0),  # another nonce
        altered(cookie, 1),  # another issue time
        altered(cookie, 2),  # another signature
        f"{nonce}.{int(issued) + 3600}.{mac}",
        f"{nonce}.{issued}",
        f"{nonce}.²{issued}.{mac}",  # not an ASCII number
        f"{nonce}.{'9' * 5000}.{mac}",  # too long for int()
        "",
        "..",
    ]
    for cookie in forged:
        assert not token_valid(cookie, client.app.state.settings), cookie
        if cookie.isascii():  # a browser sends no other cookie
            assert not opens(client, cookie), cookie


def test_a_cookie_from_a_server_with_another_secret_is_refused():
    # Replicas with the same NP_SECRET_KEY take each other's cookies; another secret (or the
    # random one of a restarted server without NP_SECRET_KEY) does not.
    cookie = access_token(WITH_CODE)
    replica = Settings(access_code=SecretStr(CODE), secret_key=SecretStr("server-secret-a"))
    other = Settings(access_code=SecretStr(CODE), secret_key=SecretStr("server-secret-b"))
    new_code = Settings(access_code=SecretStr("lion-7"), secret_key=SecretStr("server-secret-a"))
    assert token_valid(cookie, replica)
    assert not token_valid(cookie, other)
    assert not token_valid(cookie, new_code)  # a new code turns earlier cookies away
    unset = [Settings(access_code=SecretStr(CODE)) for _ in range(2)]
    assert unset[0].secret_key.get_secret_value() != unset[1].secret_key.get_secret_value()
    assert not token_valid(access_token(unset[0]), unset[1])
    for settings in (other, unset[0]):
        with TestClient(create_app(settings)) as client:
            assert not opens(client, cookie)


def test_a_cookie_lasts_twelve_hours():
    now = time.time()
    cookie = access_token(WITH_CODE, now=now)
    assert token_valid(cookie, WITH_CODE, now=now + ACCESS_COOKIE_SECONDS - 1)
    assert not token_valid(cookie, WITH_CODE, now=now + ACCESS_COOKIE_SECONDS + 1)
    assert not token_valid(access_token(WITH_CODE, now=now + 3600), WITH_CODE, now=now)


# --- a full server -------------------------------------------------------------------------------


@pytest.mark.parametrize("settings", [Settings(max_sessions=1)])
def test_a_full_server_shows_a_friendly_page_and_its_learners_go_on(client):
    with open_lab(client, "neurons") as (ws, _):
        full = client.get("/neurons", headers={"accept-language": "en"})
        assert full.status_code == 503
        assert full.headers["retry-after"] == "60"
        assert "try again in a minute" in full.text
        assert 'http-equiv="refresh"' in full.text
        assert client.get("/").status_code == 200  # the lesson map still opens
        ws.send_json({"type": "set_input", "i": 0, "value": 2.0})
        assert receive_until(ws, "frame")["inputs"][0] == 2.0
    assert client.get("/neurons").status_code == 200


# --- host names (DNS rebinding) ----------------------------------------------------------------

DEFAULT_HOSTS = Settings(allowed_hosts="")  # tests/conftest.py allows "testserver" elsewhere
OWN_NAME = socket.gethostname().lower()


@pytest.mark.parametrize("settings", [DEFAULT_HOSTS])
@pytest.mark.parametrize(
    "host",
    [
        "192.168.1.20:8000",  # a workshop host's LAN address: works out of the box
        "10.0.0.7",
        "127.0.0.1:8000",
        "[::1]:8000",
        "[fe80::1]",
        "localhost:8000",
        "LOCALHOST",
        "laptop.localhost",
        OWN_NAME,
        f"{OWN_NAME.split('.')[0]}.local:8000",
    ],
)
def test_by_default_addresses_and_the_machines_own_names_are_answered(client, host):
    assert client.get("/neurons", headers={"host": host}).status_code == 200
    with client.websocket_connect("/ws/neurons", headers={"host": host}) as ws:
        assert ws.receive_json()["type"] == "hello"


@pytest.mark.parametrize("settings", [DEFAULT_HOSTS])
@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""]
)
def test_a_name_re_pointed_at_the_server_gets_nothing(client, host):
    # DNS rebinding: evil.example now resolves to this server; the browser still says its name.
    response = client.get("/neurons", headers={"host": host})
    assert response.status_code == 400 and "NP_ALLOWED_HOSTS" in response.text
    assert response.headers["x-frame-options"] == "DENY"  # refusals carry the headers too
    assert client.get("/access", headers={"host": host}).status_code == 400
    assert client.post("/export/neurons/weights.json", headers={"host": host}).status_code == 400
    assert refused_at_handshake(client, host=host) == 1008
    assert len(client.app.state.sessions) == 0
    assert client.get("/healthz", headers={"host": host}).status_code == 200  # probes


@pytest.mark.parametrize(
    "settings", [Settings(allowed_hosts="Play.School.example., *.lab.example")]
)
def test_configured_names_and_subdomains_are_answered(client):
    for host in ("play.school.example", "PLAY.school.example:443", "a.lab.example", "10.1.2.3"):
        assert client.get("/", headers={"host": host}).status_code == 200, host
    for host in ("school.example", "lab.example", "alab.example", "evil.example"):
        assert client.get("/", headers={"host": host}).status_code == 400, host


@pytest.mark.parametrize("settings", [Settings(allowed_hosts="*")])
def test_a_star_answers_every_name(client):
    assert client.get("/", headers={"host": "anything.example"}).status_code == 200
