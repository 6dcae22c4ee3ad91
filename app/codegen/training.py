"""The page's loss, optimizer and a training loop that goes on from its weights, written
for PyTorch and for Keras (`Supervised` training; the GAN page writes its own loop).

Where the frameworks differ from the engine it is said in the generated code: PyTorch's
SGD with momentum equals the page's while the rate stays fixed; Keras' Adam adds its
epsilon to the bias-corrected root (a difference below 1e-7 per step); Keras has no
clipping inside backpropagation through time, so its optimizer clips the whole gradient.
"""

from __future__ import annotations

from neural_playground.engine.optimizers import Optimizer

from .spec import CodeExport, Supervised


def torch_optimizer(opt: Optimizer, params: str = "params") -> str:
    h = {"momentum": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, **opt.hyper}
    lr = f"lr={opt.learning_rate!r}"
    if opt.name == "sgd":
        return f"torch.optim.SGD({params}, {lr})"
    if opt.name == "momentum":
        return f"torch.optim.SGD({params}, {lr}, momentum={h['momentum']!r})"
    betas = f"betas=({h['beta1']!r}, {h['beta2']!r})"
    return f"torch.optim.Adam({params}, {lr}, {betas}, eps={h['eps']!r})"


def keras_optimizer(opt: Optimizer, clip_norm: float | None = None) -> str:
    h = {"momentum": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, **opt.hyper}
    clip = f", clipnorm={clip_norm!r}" if clip_norm is not None else ""
    lr = f"learning_rate={opt.learning_rate!r}"
    if opt.name == "sgd":
        return f"keras.optimizers.SGD({lr}{clip})"
    if opt.name == "momentum":
        return f"keras.optimizers.SGD({lr}, momentum={h['momentum']!r}{clip})"
    return (f"keras.optimizers.Adam({lr}, beta_1={h['beta1']!r}, beta_2={h['beta2']!r}, "
            f"epsilon={h['eps']!r}{clip})")  # fmt: skip


def torch_loss(t: Supervised, sparse: bool) -> str:
    """`def loss_fn(pred, target)` with the page's loss (mean over the batch)."""
    if t.loss == "mse":
        body = "return nn.functional.mse_loss(pred, target)  # mean over every element"
    elif t.loss == "binary_crossentropy":
        body = (
            "return nn.functional.binary_cross_entropy_with_logits(pred, target)"
            if t.from_logits
            else "return nn.functional.binary_cross_entropy(pred.clamp(1e-7, 1 - 1e-7), target)"
        )
    elif t.from_logits:  # categorical: class indices or one-hot rows both work here
        body = "return nn.functional.cross_entropy(pred, target)"
    elif sparse:
        body = "return nn.functional.nll_loss(torch.log(pred.clamp(1e-7, 1 - 1e-7)), target)"
    else:
        body = "return -(target * torch.log(pred.clamp(1e-7, 1 - 1e-7))).sum(dim=1).mean()"
    return f"def loss_fn(pred, target):\n    {body}\n"


def keras_loss(t: Supervised, sparse: bool) -> str:
    if t.loss == "mse":
        return "keras.losses.MeanSquaredError()"
    if t.loss == "binary_crossentropy":
        return f"keras.losses.BinaryCrossentropy(from_logits={t.from_logits})"
    kind = "SparseCategoricalCrossentropy" if sparse else "CategoricalCrossentropy"
    return f"keras.losses.{kind}(from_logits={t.from_logits})"


def _builders(export: CodeExport, t: Supervised) -> str:
    return ", ".join(f'("{name}", build_{name})' for name in t.networks)


def _shared(export: CodeExport, t: Supervised) -> tuple[bool, str]:
    """Whether the targets are class indices, and the entries of the `FROZEN` dict."""
    sparse = export.arrays[t.y].ndim == 1 and t.loss == "categorical_crossentropy"
    net = {n.name: n for n in export.networks}
    frozen = "".join(
        f'    "{name}": {[net[name].names()[k] for k in net[name].frozen]!r},\n'
        for name in t.networks
        if net[name].frozen
    )
    return sparse, frozen


def torch_training(export: CodeExport, t: Supervised) -> str:
    sparse, frozen = _shared(export, t)
    penalty = ""
    if t.regularizer is not None:
        form = "w.abs().sum()" if t.regularizer.name == "l1" else "(w ** 2).sum()"
        penalty = (
            f"\n\ndef penalty(model):\n"
            f'    """{t.regularizer.name.upper()} on every weight matrix (not the biases), '
            f'rate {t.regularizer.rate!r}."""\n'
            f"    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]\n"
            f"    return {t.regularizer.rate!r} * sum({form} for w in weights)\n"
        )
    penalized = " + penalty(model)" if penalty else ""
    noisy = (
        f"(x + {t.input_noise!r} * torch.randn_like(x)).clamp(0, 1)  # denoising"
        if t.input_noise
        else "x"
    )
    return f'''{torch_loss(t, sparse)}{penalty}

def make_optimizer(params):
    return {torch_optimizer(t.optimizer)}


BATCH_SIZE = {t.batch_size}
FROZEN = {{\n{frozen}}}  # layers the page does not train


def train(epochs):
    """Go on training from the page's weights; print the mean loss of every epoch."""
    torch.manual_seed(0)
    x, y = tensor({t.x}), tensor({t.y})
    for name, build in [{_builders(export, t)}]:
        model = build()
        for layer in FROZEN.get(name, []):
            getattr(model, layer).requires_grad_(False)
        optimizer = make_optimizer([p for p in model.parameters() if p.requires_grad])
        for epoch in range(epochs):
            model.train()
            inputs = {noisy}
            order = torch.randperm(len(x))
            total, seen = 0.0, 0
            # Whole batches only (batch normalization needs more than one row).
            for start in range(0, max(len(x) - BATCH_SIZE, 0) + 1, BATCH_SIZE):
                batch = order[start:start + BATCH_SIZE]
                optimizer.zero_grad()
                loss = loss_fn(model(inputs[batch]), y[batch]){penalized}
                loss.backward()
                optimizer.step()
                total, seen = total + loss.item() * len(batch), seen + len(batch)
            print(f"{{name}} epoch {{epoch + 1}}: loss {{total / seen:.6f}}")
'''


def keras_training(export: CodeExport, t: Supervised) -> str:
    sparse, frozen = _shared(export, t)
    noisy = (
        f"np.clip({t.x} + {t.input_noise!r} * rng.standard_normal({t.x}.shape), 0, 1)"
        if t.input_noise
        else t.x
    )
    return f'''def make_optimizer():
    return {keras_optimizer(t.optimizer, t.clip_norm)}


BATCH_SIZE = {t.batch_size}
FROZEN = {{\n{frozen}}}  # layers the page does not train


def train(epochs):
    """Go on training from the page's weights; print the mean loss of every epoch."""
    rng = np.random.default_rng(0)
    keras.utils.set_random_seed(0)
    for name, build in [{_builders(export, t)}]:
        model = build()
        for layer in FROZEN.get(name, []):
            model.get_layer(layer).trainable = False
        model.compile(optimizer=make_optimizer(), loss={keras_loss(t, sparse)})
        for epoch in range(epochs):
            inputs = {noisy}
            history = model.fit(inputs, {t.y}, batch_size=BATCH_SIZE, epochs=1, verbose=0)
            print(f"{{name}} epoch {{epoch + 1}}: loss {{history.history['loss'][0]:.6f}}")
'''
