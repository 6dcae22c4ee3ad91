"""Static files: precompressed once at start, served by Accept-Encoding, fingerprinted URLs
cached for good, pages compressed too."""

import gzip
import shutil
from pathlib import Path

import brotli
import pytest

from neural_playground.app import assets
from neural_playground.app.assets import Assets, choose_encoding
from neural_playground.app.routers import vendor

ROOT = Path(__file__).resolve().parents[2]
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda body: body}


def raw_get(client, url: str, accept: str) -> tuple[dict, bytes]:
    """The response's headers and body as they came over the wire (not decoded)."""
    with client.stream("GET", url, headers={"accept-encoding": accept}) as response:
        assert response.status_code == 200, url
        return response.headers, b"".join(response.iter_raw())


def static_files() -> dict[str, bytes]:
    files = {p.relative_to(ROOT / "static").as_posix(): p for p in (ROOT / "static").rglob("*")}
    found = {name: p.read_bytes() for name, p in files.items() if p.is_file()}
    return found | {"vendor/plotly.min.js": vendor.CARTESIAN_PLOTLY_JS.read_bytes()}


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("br, gzip", "br"), ("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip"), ("", None)],
)
def test_every_asset_decompresses_to_its_file_and_is_cached_for_good(client, accept, encoding):
    static = f"/static/{client.app.state.assets.version}"
    files = static_files()
    assert "js/core/session.js" in files and "css/main.css" in files
    for name, body in files.items():
        headers, raw = raw_get(client, f"{static}/{name}", accept)
        if len(body) > 1000:  # tiny files may go as they are
            assert headers.get("content-encoding") == encoding, name
        assert DECODE[headers.get("content-encoding")](raw) == body, name
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        assert headers["vary"] == "Accept-Encoding"
    # The small Plotly bundle: about 0.4 MB as brotli, 0.5 MB as gzip.
    headers, raw = raw_get(client, f"{static}/vendor/plotly.min.js", accept)
    assert len(raw) < {"br": 460_000, "gzip": 520_000, None: 1_600_000}[encoding]


def test_unversioned_urls_are_revalidated_by_etag(client):
    response = client.get("/static/js/core/session.js")
    assert response.headers["cache-control"] == "no-cache"
    again = client.get(
        "/static/js/core/session.js", headers={"if-none-match": response.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    assert client.get("/static/js/core/nothing.js").status_code == 404
    assert client.get("/static/../app/main.py").status_code == 404
    # Another release's fingerprint still gets this release's file, but not to keep.
    stale = client.get("/static/000000000000/js/core/session.js")
    assert stale.content == (ROOT / "static/js/core/session.js").read_bytes()
    assert stale.headers["cache-control"] == "no-cache"


def test_the_fingerprint_changes_when_any_file_does(tmp_path):
    shutil.copytree(ROOT / "static", tmp_path / "static")
    before = Assets(tmp_path / "static", {}).version
    assert Assets(tmp_path / "static", {}).version == before
    module = tmp_path / "static" / "js" / "core" / "dom.js"
    module.write_text(module.read_text() + "\n// changed\n")
    assert Assets(tmp_path / "static", {}).version != before


def test_assets_are_compressed_when_the_app_is_made_not_per_request(client, monkeypatch):
    def refuse(body: bytes):
        raise AssertionError("compressed while serving")

    monkeypatch.setattr(assets, "compress", refuse)
    static = f"/static/{client.app.state.assets.version}"
    headers, raw = raw_get(client, f"{static}/js/core/session.js", "br")
    assert headers["content-encoding"] == "br"


def test_pages_are_compressed_and_name_assets_by_fingerprint(client):
    headers, raw = raw_get(client, "/conv", "gzip")
    assert headers["content-encoding"] == "gzip"
    html = gzip.decompress(raw).decode()
    assert f'src="/static/{client.app.state.assets.version}/js/lessons/conv.js"' in html
    assert 'src="/static/js/' not in html and 'href="/static/css' not in html


def test_accept_encoding_is_read_with_its_weights():
    offered = {"identity": b"", "br": b"", "gzip": b""}
    assert choose_encoding("gzip, br", offered) == "br"
    assert choose_encoding("br;q=0, gzip;q=0.5", offered) == "gzip"
    assert choose_encoding("*", offered) == "br"
    assert choose_encoding("zstd, deflate", offered) == "identity"
    assert choose_encoding("gzip", {"identity": b""}) == "identity"


def test_the_served_plotly_bundle_names_no_address_on_the_internet():
    # Classrooms are offline; `make vendor-plotly` points the bundle's one CDN default (geo
    # traces' topojson, which the cartesian bundle cannot draw) at a local path.
    bundle = vendor.CARTESIAN_PLOTLY_JS.read_text(encoding="utf-8")
    assert "cdn.plot.ly" not in bundle
    assert 'topojsonURL:{valType:"string",noBlank:!0,dflt:"topojson/"}' in bundle
