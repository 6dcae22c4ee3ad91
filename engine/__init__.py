"""Neural Playground engine: a small, readable deep-learning core in pure NumPy.

The math lives in pure functions (``xxx_forward`` / ``xxx_backward``, cs231n style);
thin classes (``engine.layers``, ``engine.model.Sequential``, ``engine.optimizers.Optimizer``)
sit on top so the web app can build, train and inspect networks.

Submodules: activations, initializers, losses, metrics, optimizers, gradcheck, model, layers.
Nothing is re-exported here, so ``import engine`` stays cheap.
"""
