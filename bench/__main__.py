"""`python -m bench [names...]`: run the benchmarks and print a Markdown table of results.

Each benchmark module in bench/ exposes `run() -> list[tuple[str, str, str]]` rows of
(benchmark, figure, unit). `make bench` runs them all; copy the table into
docs/performance.md together with the machine it ran on.
"""

import argparse
import importlib
import os
import platform

BENCHMARKS = (
    "engine",
    "limit",
    "lab_cost",
    "latency",
    "batchnorm",
    "conv",
    "digits",
    "generative",
    "stepthrough",
    "recurrent",
    "share",
    "playground",
    "load",
    "room",
    "pages",
    "first_frame",
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", default=list(BENCHMARKS))
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print()
    print("| benchmark | result | unit |")
    print("| --- | ---: | --- |")
    for name in args.names:
        module = importlib.import_module(f"bench.{name}")
        for row in module.run():
            print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
