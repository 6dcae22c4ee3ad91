"""Neural Playground, as installed: one import package with a name of its own.

The repository keeps its folders at the top (`app/`, `engine/`, `templates/`, `static/`);
the distribution maps each under this package (setup.py), so site-packages gains no generic
top-level names such as `app` or `engine`:

- `neural_playground.app`: the web server (FastAPI); `neural_playground.engine`: the engine;
- `templates/` and `static/`: files only (Jinja templates, the pages' scripts and styles),
  installed as `neural_playground/templates` and `/static`, found beside the `app` package
  with `importlib.resources` (app/settings.py).

An editable install (`pip install -e .`, what `make` does) maps the same names onto the
repository's folders. `neural-playground` (app/__main__.py) is the command that serves it.
"""
