"""Every lab class in app/labs is reachable at /ws/{name}: a merge cannot silently drop one."""

import importlib
import inspect
import pkgutil

import app.labs
from app.labs import LABS, Lab


def test_every_concrete_lab_is_registered_under_its_name():
    found = {}
    for info in pkgutil.walk_packages(app.labs.__path__, prefix="app.labs."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Lab) and not inspect.isabstract(cls) and "name" in vars(cls):
                found[cls.name] = cls
    # neurons, playground, backprop, descent, batchnorm, conv, rnn, autoencoder, gan
    assert len(found) >= 9
    assert found == LABS
