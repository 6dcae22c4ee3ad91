"""Installed like any Python application: the built wheel, in a fresh virtualenv outside the
repository, serves every page and every file a page asks for from the `neural-playground`
command run in an empty folder, and brings no generic top-level names nor SciPy.

The slow part (building, installing the locked dependencies) happens once per module.
"""

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from neural_playground.app.i18n import IMPORT, LANGUAGES
from neural_playground.app.labs import LESSONS
from tests.liveserver import free_port

ROOT = Path(__file__).resolve().parents[1]
# What the build reads (as the Dockerfile's build stage copies it): setup.py maps the folders.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "neural_playground", "app", "engine")
SHIPPED = ("templates", "static")
STEP_SECONDS = 600  # a bound for a broken build or index, never reached on a working one


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=STEP_SECONDS,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("wheel")


@pytest.fixture(scope="module")
def wheel(workdir: Path) -> Path:
    """`pip wheel --no-deps` of a copy of the sources (no stale build/ folder can leak in)."""
    source = workdir / "source"
    source.mkdir()
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in SOURCES + SHIPPED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=junk)
        else:
            shutil.copy2(ROOT / name, source / name)
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "-w",
        "dist",
        source,
        cwd=workdir,
    )
    (built,) = (workdir / "dist").glob("neural_playground-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(workdir: Path, wheel: Path) -> Path:
    """A fresh virtualenv with the locked dependencies and the wheel: what a host installs.
    This test venv's pip installs into it (`--python`), which spares it a pip of its own."""
    target = workdir / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", target, cwd=workdir)
    pip = [sys.executable, "-m", "pip", "--python", target / "bin" / "python", "install", "--quiet"]
    run(*pip, "-r", ROOT / "requirements.lock", cwd=workdir)
    run(*pip, "--no-deps", wheel, cwd=workdir)
    return target


def test_the_wheel_is_one_package_holding_every_file_the_server_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {name.split("/")[0] for name in names} == {
        "neural_playground",
        wheel.name.split("-py3")[0] + ".dist-info",
    }
    for folder in ("app", "engine", *SHIPPED):  # every file: code, catalogs, data, pages
        files = [
            p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ]
        assert files
        for path in files:
            assert f"neural_playground/{path.relative_to(ROOT).as_posix()}" in names, path
    for data in (
        "app/i18n/ko/common.json",
        "app/vendor/plotly/plotly-cartesian.min.js",
        "app/vendor/plotly/LICENSE",
        "engine/data/digits.csv.gz",
        "engine/data/DIGITS_LICENSE.txt",
    ):
        assert f"neural_playground/{data}" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_installed_package_has_no_generic_names_nor_scipy(venv, tmp_path):
    probe = (
        "import importlib.util as u, json;"
        "names = ('app', 'engine', 'sklearn', 'scipy', 'neural_playground.app');"
        "print(json.dumps({n: u.find_spec(n) is not None for n in names}))"
    )
    found = json.loads(run(venv / "bin" / "python", "-I", "-c", probe, cwd=tmp_path))
    assert found == {
        "app": False,
        "engine": False,
        "sklearn": False,
        "scipy": False,
        "neural_playground.app": True,
    }
    listed = run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        venv / "bin" / "python",
        "list",
        "--format=json",
        cwd=tmp_path,
    )
    installed = {package["name"].lower() for package in json.loads(listed)}
    assert "neural-playground" in installed and "numpy" in installed
    assert not installed & {"scikit-learn", "scipy"}


@pytest.fixture(scope="module")
def server(venv: Path, workdir: Path) -> Iterator[str]:
    """`neural-playground --port N` from an empty folder, settings from the environment."""
    folder = workdir / "elsewhere"
    folder.mkdir()
    port = free_port()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(folder),
        "NP_HOST": "127.0.0.1",
        "NP_LOG_FORMAT": "json",
        "NP_LAB_WORKERS": "1",
    }
    process = subprocess.Popen(
        ["neural-playground", "--port", str(port)],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a bound for a broken install; a loaded machine is slow
        while not answers(base + "/healthz"):
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "the installed server did not start in time"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)
        output = process.stdout.read()
        process.stdout.close()
    # NP_LOG_FORMAT came from the environment: the server's own lines are JSON.
    events = [json.loads(line)["event"] for line in output.splitlines() if line.startswith("{")]
    assert any(event.startswith(f"Uvicorn running on {base}") for event in events), output


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def get(url: str, lang: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": f"np_lang={lang}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


LINK = re.compile(r'(?:href|src)="(/[^"#]*)"')
GET_FORM = re.compile(r'<form\b(?=[^>]*\bmethod="get")[^>]*\baction="(/[^"#]*)"')  # not a POST
SCRIPT_URL = re.compile(r"""new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def linked(url: str, content_type: str, body: bytes) -> set[str]:
    """The same-site URLs a page, a script (its imports) or a stylesheet asks for."""
    text = body.decode("utf-8")
    if content_type == "text/html":
        found = set(LINK.findall(text)) | set(GET_FORM.findall(text))
    elif content_type == "text/javascript":
        found = {a or b for a, b in IMPORT.findall(text)} | set(SCRIPT_URL.findall(text))
    elif content_type == "text/css":
        found = {u for u in CSS_URL.findall(text) if not u.startswith("data:")}
    else:
        found = set()
    return {urlsplit(urljoin(url, link))._replace(fragment="").geturl() for link in found}


def test_every_page_and_every_file_it_links_is_served_in_both_languages(server):
    pages, assets = set(), set()
    for lang in LANGUAGES:
        todo, seen = [server + "/"], set()
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            status, content_type, body = get(url, lang)
            assert status == 200, (url, lang)
            path = urlsplit(url).path
            if content_type == "text/html":
                assert f'<html lang="{lang}"' in body.decode("utf-8"), url
                pages.add(path)
            else:
                assert body, url
                assets.add(path)
            for link in linked(url, content_type, body):
                if not urlsplit(link).path.startswith("/lang/"):  # the language switch
                    todo.append(link)
    assert {lesson.route for lesson in LESSONS.values()} | {"/", "/room"} <= pages
    assert any(path.endswith("/vendor/plotly.min.js") for path in assets)
    assert any(path.endswith("/css/main.css") for path in assets)
    assert len(assets) > 20
