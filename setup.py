"""Which files the distribution holds, and under which import names (the rest is in
pyproject.toml): the repository's top-level folders become parts of one package,
`neural_playground` (see neural_playground/__init__.py), so site-packages gains no generic
names such as `app` or `engine`. The packages are found here, not written out: a new
lesson's folder (`app/labs/<lesson>/`) or a new folder of scripts ships by itself."""

from setuptools import find_namespace_packages, setup

PACKAGE = "neural_playground"
# The code (app/, engine/) and the files the server reads (templates/, static/): every file
# in them ships, catalogs, vendored scripts and data included. Folders without Python in them
# are listed as (namespace) packages too, which is how setuptools ships a folder of files.
FOLDERS = ("app", "engine", "templates", "static")


def packages(folder: str) -> list[str]:
    found = find_namespace_packages(folder, exclude=["*__pycache__*"])
    return [f"{PACKAGE}.{folder}", *(f"{PACKAGE}.{folder}.{name}" for name in found)]


setup(
    packages=[PACKAGE, *(name for folder in FOLDERS for name in packages(folder))],
    package_dir={PACKAGE: PACKAGE} | {f"{PACKAGE}.{folder}": folder for folder in FOLDERS},
    package_data={"": ["*"]},
    exclude_package_data={"": ["*.pyc"]},
)
