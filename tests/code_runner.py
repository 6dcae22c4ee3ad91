"""Runs exported scripts' `--check` (and notebooks' cells up to the check) in one process.

`python tests/code_runner.py FILE...` prints one JSON line per file: its exit status and
the last line it printed. Each script runs as `__main__` with `sys.argv = [FILE, "--check"]`,
exactly as `python FILE --check` would, but the frameworks are imported once for all files
(torch ~2 s, keras ~3 s on a loaded machine). A notebook runs every code cell but its last
(the training cell).
"""

import contextlib
import io
import json
import runpy
import sys
from pathlib import Path


def run_script(path: str) -> int:
    sys.argv = [path, "--check"]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exit:
        return int(exit.code or 0)
    return 0


def run_notebook(path: str) -> int:
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    code = [c["source"] for c in cells if c["cell_type"] == "code"][:-1]
    namespace: dict = {"__name__": "__notebook__"}
    for source in code:
        exec(compile(source, path, "exec"), namespace)  # noqa: S102 - our own export
    return 0


def main(paths: list[str]) -> None:
    for path in paths:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = (run_notebook if path.endswith(".ipynb") else run_script)(path)
        lines = out.getvalue().strip().splitlines()
        print(json.dumps({"file": path, "exit": status, "last": lines[-1] if lines else ""}))


if __name__ == "__main__":
    main(sys.argv[1:])
