"""The engine stands alone: pure NumPy and the standard library, never the web app."""

import ast
import sys
from pathlib import Path

from neural_playground.engine import activations

ENGINE = Path(__file__).resolve().parents[2] / "engine"
# The engine's import name ("neural_playground.engine", see setup.py): its own modules.
OWN = activations.__package__
ALLOWED = {"numpy"} | set(sys.stdlib_module_names)


def outside_modules(path: Path) -> set[str]:
    """The modules a file imports that are neither the engine's, NumPy nor the standard
    library's (relative imports stay inside the engine)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    own = {name for name in names if name == OWN or name.startswith(OWN + ".")}
    return {name for name in names - own if name.split(".")[0] not in ALLOWED}


def test_the_engine_imports_only_itself_numpy_and_the_standard_library():
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) > 20 and ENGINE / "data" / "datasets.py" in files
    outside = {str(p.relative_to(ENGINE)): outside_modules(p) for p in files}
    assert {name: found for name, found in outside.items() if found} == {}
