"""Static files and the vendored Plotly, precompressed (app/assets.py): brotli or gzip as the
browser accepts, fingerprinted URLs cached for good, the others revalidated by ETag."""

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from neural_playground.app.assets import IMMUTABLE, REVALIDATE, Assets, choose_encoding

router = APIRouter(tags=["static"])

VERSION = re.compile(r"[0-9a-f]{12}")


def asset_response(request: Request, name: str, cache_control: str) -> Response:
    assets: Assets = request.app.state.assets
    asset = assets.files.get(name)
    if asset is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    encoding = choose_encoding(request.headers.get("accept-encoding", ""), asset.encodings)
    etag = asset.etag if encoding == "identity" else f'{asset.etag[:-1]}-{encoding}"'
    headers = {"Cache-Control": cache_control, "ETag": etag, "Vary": "Accept-Encoding"}
    if encoding != "identity":
        headers["Content-Encoding"] = encoding
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = asset.encodings[encoding]
    return Response(
        b"" if request.method == "HEAD" else body, headers=headers, media_type=asset.media_type
    )


@router.api_route("/static/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def static(request: Request, path: str) -> Response:
    version, _, name = path.partition("/")
    if version == request.app.state.assets.version:
        return asset_response(request, name, IMMUTABLE)
    if VERSION.fullmatch(version) and name:
        # Another release's URL (a page from a replica not yet updated): this release's file,
        # which must not be kept under that name.
        return asset_response(request, name, REVALIDATE)
    return asset_response(request, path, REVALIDATE)


@router.api_route("/vendor/plotly.min.js", methods=["GET", "HEAD"], include_in_schema=False)
def plotly_js(request: Request) -> Response:
    return asset_response(request, "vendor/plotly.min.js", REVALIDATE)
