"""Third-party browser code served from installed packages: classrooms are often offline."""

import re
from pathlib import Path

import plotly
from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(tags=["vendor"])

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

# Plotly bundles MapLibre (maps), whose stylesheet it injects as an inline <style> when
# plotly.min.js loads, unless an element with that <style>'s id already exists. We draw no
# maps: placeholders with those ids (templates/base.html) keep inline styles out, so the
# Content-Security-Policy need not allow them.
PLOTLY_STYLE_GUARDS: tuple[str, ...] = tuple(
    re.findall(
        r'getElementById\("([\w-]+)"\)\)\{var \w+=document\.createElement\("style"\)',
        PLOTLY_JS.read_text(encoding="utf-8"),
    )
)


@router.get("/vendor/plotly.min.js", include_in_schema=False)
def plotly_js() -> FileResponse:
    # A week of caching: the file only changes when the plotly package does.
    return FileResponse(
        PLOTLY_JS,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=604800"},
    )
