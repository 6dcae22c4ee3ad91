"""`python -m bench.compare BASE [names...]`: this tree's figures beside revision BASE's.

A figure means something only beside another measured on the same machine at the same time:
this machine's speed varies by tens of percent from one hour to the next. So BASE is checked
out into a temporary git worktree, and each named benchmark (default: `DEFAULT`) runs
alternately there and here, `--rounds` times; the table gives each figure's median on both
sides and the change. Each side runs its own benchmark code (`python -m bench NAME`) with
this virtualenv's Python, on its own tree (PYTHONPATH), so a benchmark that moved or changed
its setup between the revisions is still run as each revision wrote it.

`make bench-compare BASE=<rev>` runs it.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ("engine", "latency", "playground")
ROW = re.compile(r"^\| (.+?) \| (.+?) \| (.+?) \|$")


def measure(tree: Path, name: str) -> dict[str, tuple[str, str]]:
    """One run of benchmark `name` in `tree`: figure -> (result, unit)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench", name],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {}
    for line in done.stdout.splitlines():
        match = ROW.match(line)
        if match and match.group(1) not in ("benchmark", "---"):
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None  # a range or a word: shown as measured, not compared


def median(results: list[str]) -> str:
    values = [v for v in map(number, results) if v is not None]
    if len(values) != len(results):
        return " / ".join(results)
    middle = statistics.median(values)
    return f"{middle:,.0f}" if abs(middle) >= 1000 else f"{middle:.4g}"


def change(base: str, this: str) -> str:
    b, t = number(base), number(this)
    if b is None or t is None or b == 0:
        return ""
    return f"{100 * (t - b) / b:+.0f} %"


def compare(base_tree: Path, names: list[str], rounds: int) -> list[str]:
    results: dict[str, dict[str, list[str]]] = {}
    units: dict[str, str] = {}
    for _ in range(rounds):
        for name in names:
            for side, tree in (("base", base_tree), ("this", ROOT)):  # interleaved
                for figure, (result, unit) in measure(tree, name).items():
                    results.setdefault(figure, {"base": [], "this": []})[side].append(result)
                    units[figure] = unit
    lines = ["| benchmark | base | this | change | unit |", "| --- | ---: | ---: | ---: | --- |"]
    for figure, sides in results.items():
        base = median(sides["base"]) if sides["base"] else "–"
        this = median(sides["this"]) if sides["this"] else "–"
        lines.append(f"| {figure} | {base} | {this} | {change(base, this)} | {units[figure]} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.compare")
    parser.add_argument("base", help="the revision to compare with (a commit, branch or tag)")
    parser.add_argument("names", nargs="*", default=list(DEFAULT))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="np-bench-") as tmp:
        base_tree = Path(tmp) / "base"
        git = ["git", "-C", str(ROOT)]
        subprocess.run(
            [*git, "worktree", "add", "--detach", str(base_tree), args.base],
            check=True,
            capture_output=True,  # git's own chatter would land in the table's output
        )
        try:
            revision = subprocess.run(
                [*git, "rev-parse", "--short", args.base], capture_output=True, text=True
            ).stdout.strip()
            print(f"base: {args.base} ({revision}); {args.rounds} rounds, medians\n")
            print("\n".join(compare(base_tree, args.names, args.rounds)), flush=True)
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(base_tree)], check=True)


if __name__ == "__main__":
    main()
