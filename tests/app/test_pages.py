"""HTTP routes: pages, health, the self-hosted Plotly bundle, the language switch."""

import json

from plotly.offline import get_plotlyjs_version

from neural_playground.app.main import create_app
from neural_playground.app.routers import vendor
from neural_playground.app.settings import Settings


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_plotly_is_the_vendored_cartesian_bundle_of_the_packages_version(client):
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    # The small bundle, pinned to the plotly.js of the installed `plotly` package, licence beside.
    assert response.content == vendor.CARTESIAN_PLOTLY_JS.read_bytes()
    assert len(response.content) < 2_000_000
    assert f"plotly.js (cartesian - minified) v{get_plotlyjs_version()}" in response.text[:200]
    package = json.loads((vendor.VENDORED / "package.json").read_text())
    assert package["name"] == "plotly.js-cartesian-dist-min"
    assert package["version"] == get_plotlyjs_version()
    assert "MIT License" in (vendor.VENDORED / "LICENSE").read_text()
    # The pages' one Plotly loader fetches it beside itself (under the same fingerprint), not
    # from a CDN.
    loader = client.get("/static/js/core/plotly.js").text
    assert 'new URL("../../vendor/plotly.min.js", import.meta.url)' in loader
    static = f"/static/{client.app.state.assets.version}"
    assert client.get(f"{static}/vendor/plotly.min.js").content == response.content


def test_the_served_plotly_registers_every_trace_type_the_pages_draw(client):
    used = vendor.used_traces(Settings().static_dir)
    assert {"scatter", "bar", "heatmap", "contour"} <= used
    served = client.get("/vendor/plotly.min.js").text
    for trace in used:
        assert f'moduleType:"trace",name:"{trace}"' in served, trace


def test_the_full_bundle_is_the_fallback_for_a_trace_the_small_one_lacks(tmp_path):
    (tmp_path / "chart.js").write_text('Plotly.react(box, [{type: "scatter3d", x, y, z}]);')
    assert "scatter3d" in vendor.used_traces(tmp_path)
    assert vendor.choose_plotly(tmp_path) == vendor.FULL_PLOTLY_JS
    # Its MapLibre stylesheet is kept out by placeholders (the CSP allows no inline style).
    assert vendor.style_guards(vendor.FULL_PLOTLY_JS)
    (tmp_path / "chart.js").write_text('Plotly.react(box, [{type: "bar", x, y}]);')
    assert vendor.choose_plotly(tmp_path) == vendor.CARTESIAN_PLOTLY_JS


def test_home_lists_every_section_in_the_books_order(client):
    html = client.get("/", headers={"accept-language": "en"}).text
    positions = [html.index(f'data-testid="lesson-B.{n}"') for n in range(1, 9)]
    assert positions == sorted(positions)
    assert 'href="/neurons?preset=b1_stroke"' in html


def test_language_follows_accept_language_then_cookie(client):
    assert '<html lang="ko"' in client.get("/neurons", headers={"accept-language": "ko-KR"}).text
    assert '<html lang="en"' in client.get("/neurons", headers={"accept-language": "en-US"}).text
    response = client.get("/lang/en?next=/neurons", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/neurons"
    client.cookies.set("np_lang", "en")
    assert '<html lang="en"' in client.get("/neurons", headers={"accept-language": "ko"}).text


def test_language_switch_refuses_to_redirect_off_site(client):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.get("/lang/ko", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == "/"


# Every HTML page the app serves: GET routes answering text/html, without path parameters.
PAGES = sorted(
    path
    for path, ops in create_app().openapi()["paths"].items()
    if "{" not in path and "text/html" in str(ops.get("get", {}).get("responses", {}))
)


def test_every_page_is_found():
    assert {"/", "/neurons", "/conv"} <= set(PAGES)


def test_pages_use_no_external_resources(client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.text
        assert "http://" not in html and "https://" not in html


def test_language_switch_keeps_the_page_and_its_query_but_not_lang(client):
    html = client.get("/neurons?lang=ko&preset=b1_stroke").text
    assert 'href="/lang/en?next=/neurons%3Fpreset%3Db1_stroke"' in html
    response = client.get("/lang/en?next=/neurons%3Fpreset%3Db1_stroke", follow_redirects=False)
    assert response.headers["location"] == "/neurons?preset=b1_stroke"
