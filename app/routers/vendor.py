"""Third-party browser code, served by the app itself: classrooms are often offline.

Plotly comes in two bundles. The pages draw only scatter, bar, heatmap and contour traces, which
the cartesian bundle (plotly.js-cartesian-dist-min from the npm registry, 1.5 MB) covers; it is
vendored in app/vendor/plotly/ with its licence, pinned to the plotly.js the installed `plotly`
package carries (`make vendor-plotly` fetches it again after an upgrade). The `plotly` package's
own full bundle (4.8 MB) stays the fallback: it is served instead when the vendored one is of
another version or lacks a trace type the pages' scripts use, so a page never breaks for it.
The chosen bundle is served as /static/<version>/vendor/plotly.min.js (app/routers/static.py).
"""

import json
import re
from functools import cache
from pathlib import Path

import plotly
from plotly.offline import get_plotlyjs_version

FULL_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
VENDORED = Path(__file__).resolve().parent.parent / "vendor" / "plotly"
CARTESIAN_PLOTLY_JS = VENDORED / "plotly-cartesian.min.js"
CARTESIAN_VERSION: str = json.loads((VENDORED / "package.json").read_text())["version"]


@cache
def registered_traces(bundle: Path) -> frozenset[str]:
    """The trace types a Plotly bundle registers (each trace module declares itself so)."""
    text = bundle.read_text(encoding="utf-8")
    return frozenset(re.findall(r'moduleType:"trace",name:"(\w+)"', text))


def used_traces(static_dir: Path) -> frozenset[str]:
    """The trace types the pages' scripts draw: every `type: "..."` naming a Plotly trace,
    plus scatter, Plotly's default when a trace names none."""
    named: set[str] = set()
    for script in static_dir.rglob("*.js"):
        named.update(re.findall(r'\btype:\s*"(\w+)"', script.read_text(encoding="utf-8")))
    return frozenset(named & registered_traces(FULL_PLOTLY_JS)) | {"scatter"}


def choose_plotly(static_dir: Path) -> Path:
    """The bundle to serve: the cartesian one when it is the same plotly.js and draws every
    trace type the pages use, else the full one."""
    same_version = get_plotlyjs_version() == CARTESIAN_VERSION
    if same_version and used_traces(static_dir) <= registered_traces(CARTESIAN_PLOTLY_JS):
        return CARTESIAN_PLOTLY_JS
    return FULL_PLOTLY_JS


@cache
def style_guards(bundle: Path) -> tuple[str, ...]:
    """The full bundle carries MapLibre (maps), whose stylesheet it injects as an inline <style>
    when it loads, unless an element with that <style>'s id already exists. We draw no maps:
    placeholders with those ids (templates/partials/head.html) keep inline styles out, so the
    Content-Security-Policy need not allow them. The cartesian bundle has none."""
    return tuple(
        re.findall(
            r'getElementById\("([\w-]+)"\)\)\{var \w+=document\.createElement\("style"\)',
            bundle.read_text(encoding="utf-8"),
        )
    )
