"""Neural Playground engine: a small, readable deep-learning core in pure NumPy.

The math lives in pure functions (``xxx_forward`` / ``xxx_backward``, cs231n style);
thin classes (``engine.layers``, ``engine.model.Sequential``, ``engine.optimizers.Optimizer``)
sit on top so the web app can build, train and inspect networks.

Submodules: activations, initializers, losses, metrics, optimizers, regularizers, gradcheck,
guard (when training has diverged), model, layers, and what the pages show of them (conv,
landscape, stepthrough, histogram, autoencoder, gan). The data made for the lessons lives
in the subpackage ``engine.data``. Nothing imports the web app, and nothing is re-exported
here, so ``import engine`` stays cheap.
"""
