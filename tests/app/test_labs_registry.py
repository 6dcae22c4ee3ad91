"""Every lab class in app/labs is a discovered lesson's, reachable at /ws/{name}: a merge
cannot silently drop one; and each lesson's description holds together."""

import importlib
import inspect
import pkgutil

import pytest

import neural_playground.app.labs
from neural_playground.app import i18n
from neural_playground.app.labs import LABS, LESSONS, Lab
from neural_playground.app.settings import Settings


def test_every_concrete_lab_is_registered_under_its_name():
    found = {}
    for info in pkgutil.walk_packages(
        neural_playground.app.labs.__path__, prefix="neural_playground.app.labs."
    ):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Lab) and not inspect.isabstract(cls) and "name" in vars(cls):
                found[cls.name] = cls
    # neurons, playground, backprop, descent, batchnorm, conv, digits, rnn, autoencoder, gan
    assert len(found) >= 10
    assert found == LABS


def test_the_ten_lessons_are_folders_with_a_lesson():
    assert sorted(LESSONS) == sorted(
        ["neurons", "backprop", "descent", "playground", "batchnorm", "conv", "digits", "rnn"]
        + ["autoencoder", "gan"]
    )
    for name, lesson in LESSONS.items():
        assert lesson.lab.__module__ == f"neural_playground.app.labs.{name}.lab"
        assert lesson.route == f"/{name}"


@pytest.mark.parametrize("name", sorted(LESSONS))
def test_a_lessons_settings_and_catalog_exist(name):
    lesson = LESSONS[name]
    for field in (*lesson.settings, *lesson.page_settings.values()):
        assert field in Settings.model_fields, field
    for lang in i18n.LANGUAGES:
        assert (i18n.HERE / lang / f"{lesson.catalog}.json").exists()


@pytest.mark.parametrize("name", sorted(LESSONS))
def test_a_lesson_with_a_tour_says_what_its_first_screen_shows(name):
    """The classroom checks measure these on every page with a tour (tests/browser)."""
    lesson = LESSONS[name]
    assert lesson.tour is None or lesson.first_screen
