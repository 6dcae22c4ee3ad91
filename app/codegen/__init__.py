"""From the playground to real code: a lesson's network as a PyTorch script, a Keras script
and a Jupyter notebook that reproduce the page.

A lesson opts in with `app/labs/<lesson>/code_export.py`, whose `describe(lab)` returns a
`CodeExport` (spec.py): its engine networks, its data, how it trains and the engine's own
predictions. This package writes the rest, the same way for every lesson:

- literals.py: arrays as exact Python source;
- torch_code.py, keras_code.py: an engine `Sequential` as framework layers, weights set in;
- training.py: loss, optimizer and the training loop;
- document.py: the sections, as a script (with `--check`) or as a notebook.

It imports the engine's layers to read them, never the web side (but the catalogs).
"""

from typing import Literal

from .document import TOLERANCE, notebook, script
from .spec import Check, CodeExport, Network, Supervised

Format = Literal["pytorch.py", "keras.py", "notebook.ipynb"]
FORMATS: tuple[str, ...] = ("pytorch.py", "keras.py", "notebook.ipynb")


def render(export: CodeExport, fmt: Format, lang: str) -> str:
    """The text of one download: `pytorch.py`, `keras.py` or `notebook.ipynb` (PyTorch)."""
    if fmt == "pytorch.py":
        return script(export, "torch", lang)
    if fmt == "keras.py":
        return script(export, "keras", lang)
    return notebook(export, lang)


__all__ = ["FORMATS", "TOLERANCE", "Check", "CodeExport", "Network", "Supervised", "render"]
