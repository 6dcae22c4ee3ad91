"""NumPy arrays written as Python source that reads back bit for bit.

`repr` of a Python float is the shortest text that parses to the same double, so the
scripts hold the page's exact weights; whole numbers are written without a decimal point
when the array is of integers (class labels).
"""

from __future__ import annotations

import textwrap

import numpy as np

WIDTH = 96  # characters per line of numbers


def number(value: float | int) -> str:
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") and "e" not in text else text


def _flat(values: np.ndarray, indent: str) -> str:
    items = ", ".join(number(v) for v in values.ravel().tolist())
    return textwrap.fill(items, WIDTH, initial_indent=indent, subsequent_indent=indent)


def array_literal(array: np.ndarray, indent: str = "    ") -> str:
    """`np.array(...)` source for `array`: one row per line up to 2-D, else flat + reshape.

    The dtype is spelled out (float64 or int64) so that whole-number weights stay floats.
    """
    array = np.asarray(array)
    dtype = "np.int64" if np.issubdtype(array.dtype, np.integer) else "np.float64"
    if array.ndim == 0:
        return f"np.array({number(array.item())}, dtype={dtype})"
    if array.ndim == 1:
        return f"np.array([\n{_flat(array, indent)}\n], dtype={dtype})"
    if array.ndim == 2:
        rows = ",\n".join(
            f"{indent}[\n{_flat(row, indent * 2)}\n{indent}]" if len(row) * 8 > WIDTH
            else f"{indent}[{', '.join(number(v) for v in row.tolist())}]"
            for row in array
        )
        return f"np.array([\n{rows},\n], dtype={dtype})"
    shape = ", ".join(str(n) for n in array.shape)
    return f"np.array([\n{_flat(array, indent)}\n], dtype={dtype}).reshape({shape})"


def arrays_block(name: str, arrays: dict[str, np.ndarray]) -> str:
    """`NAME = {"key": np.array(...), ...}`: a dict of named arrays (a network's weights)."""
    items = "".join(
        f'    "{key}": {array_literal(value, "    ").replace(chr(10), chr(10) + "    ")},\n'
        for key, value in arrays.items()
    )
    return f"{name} = {{\n{items}}}"
