"""The engine stands alone: pure NumPy and the standard library, never the web app."""

import ast
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
ALLOWED = {"engine", "numpy"} | set(sys.stdlib_module_names)


def imported_packages(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_engine_imports_only_itself_numpy_and_the_standard_library():
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) > 20 and ENGINE / "data" / "datasets.py" in files
    outside = {str(p.relative_to(ENGINE)): imported_packages(p) - ALLOWED for p in files}
    assert {name: found for name, found in outside.items() if found} == {}
