"""The GAN as PyTorch, Keras and a notebook (app/codegen): generator and discriminator with
the page's weights, checked on the page's fixed noise (G) and real samples (D), and the
page's training loop: k discriminator updates on a real and a generated batch, then the
generator's updates with the non-saturating loss -log D(G(z))."""

from neural_playground.app.codegen import Check, CodeExport, Network
from neural_playground.app.codegen.training import keras_optimizer, torch_optimizer
from neural_playground.app.labs.gan.commands import family
from neural_playground.app.labs.gan.lab import BATCH

ITERATIONS_PER_EPOCH = 100

TORCH = '''def make_g_optimizer(params):
    return {g_torch}


def make_d_optimizer(params):
    return {d_torch}


NOISE_KIND, NOISE_DIM = "{noise}", {dim}
BATCH_SIZE, D_STEPS, G_STEPS = {batch}, {d_steps}, {g_steps}
ITERATIONS_PER_EPOCH = {iterations}


def sample_noise(n):
    """z: uniform on [-1, 1] or standard normal, as on the page."""
    if NOISE_KIND == "uniform":
        return torch.rand(n, NOISE_DIM) * 2 - 1
    return torch.randn(n, NOISE_DIM)


def bce(logits, target):
    return nn.functional.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def train(epochs):
    """Go on training both networks from the page's weights; print both losses per epoch."""
    torch.manual_seed(0)
    real_data = tensor(REAL)
    generator, discriminator = build_generator(), build_discriminator()
    g_optimizer = make_g_optimizer(generator.parameters())
    d_optimizer = make_d_optimizer(discriminator.parameters())
    for epoch in range(epochs):
        for _ in range(ITERATIONS_PER_EPOCH):
            for _ in range(D_STEPS):  # D: real -> 1, generated -> 0
                real = real_data[torch.randint(len(real_data), (BATCH_SIZE,))]
                fake = generator(sample_noise(BATCH_SIZE)).detach()  # G is not updated here
                d_loss = bce(discriminator(real), 1.0) + bce(discriminator(fake), 0.0)
                d_optimizer.zero_grad()
                d_loss.backward()
                d_optimizer.step()
            for _ in range(G_STEPS):  # G: make D say 1 (D's gradients are cleared above)
                g_loss = bce(discriminator(generator(sample_noise(BATCH_SIZE))), 1.0)
                g_optimizer.zero_grad()
                g_loss.backward()
                g_optimizer.step()
        print(f"epoch {{epoch + 1}}: discriminator loss {{d_loss.item():.6f}}, "
              f"generator loss {{g_loss.item():.6f}}")
'''

KERAS = '''import torch  # noqa: E402  the backend: Keras 3 on torch takes gradients with autograd


def make_g_optimizer():
    return {g_keras}


def make_d_optimizer():
    return {d_keras}


NOISE_KIND, NOISE_DIM = "{noise}", {dim}
BATCH_SIZE, D_STEPS, G_STEPS = {batch}, {d_steps}, {g_steps}
ITERATIONS_PER_EPOCH = {iterations}
bce = keras.losses.BinaryCrossentropy(from_logits=True)


def sample_noise(rng, n):
    """z: uniform on [-1, 1] or standard normal, as on the page."""
    if NOISE_KIND == "uniform":
        return rng.uniform(-1.0, 1.0, (n, NOISE_DIM))
    return rng.standard_normal((n, NOISE_DIM))


def update(model, optimizer, loss):
    """One step of `optimizer` on `model`'s weights only (the Keras guide's torch loop)."""
    model.zero_grad()
    loss.backward()
    weights = model.trainable_weights
    with torch.no_grad():
        optimizer.apply([w.value.grad for w in weights], weights)


def train(epochs):
    """Go on training both networks from the page's weights; print both losses per epoch."""
    rng = np.random.default_rng(0)
    generator, discriminator = build_generator(), build_discriminator()
    g_optimizer, d_optimizer = make_g_optimizer(), make_d_optimizer()
    ones, zeros = np.ones((BATCH_SIZE, 1)), np.zeros((BATCH_SIZE, 1))
    for epoch in range(epochs):
        for _ in range(ITERATIONS_PER_EPOCH):
            for _ in range(D_STEPS):  # D: real -> 1, generated -> 0
                real = REAL[rng.integers(0, len(REAL), BATCH_SIZE)]
                fake = generator(sample_noise(rng, BATCH_SIZE)).detach()  # G is not updated
                d_loss = (bce(ones, discriminator(real, training=True))
                          + bce(zeros, discriminator(fake, training=True)))
                update(discriminator, d_optimizer, d_loss)
            for _ in range(G_STEPS):  # G: make D say 1
                fake = generator(sample_noise(rng, BATCH_SIZE), training=True)
                g_loss = bce(ones, discriminator(fake, training=True))
                update(generator, g_optimizer, g_loss)
        print(f"epoch {{epoch + 1}}: discriminator loss {{d_loss.item():.6f}}, "
              f"generator loss {{g_loss.item():.6f}}")
'''


def describe(lab) -> CodeExport:
    gan, c = lab.gan, lab.config
    networks = [Network("generator", gan.generator), Network("discriminator", gan.discriminator)]
    params = {
        "g_torch": torch_optimizer(gan.g_optimizer),
        "d_torch": torch_optimizer(gan.d_optimizer),
        "g_keras": keras_optimizer(gan.g_optimizer),
        "d_keras": keras_optimizer(gan.d_optimizer),
        "noise": c.noise_kind,
        "dim": c.noise_dim,
        "batch": BATCH[family(c.data)],
        "d_steps": c.d_steps,
        "g_steps": c.g_steps,
        "iterations": ITERATIONS_PER_EPOCH,
    }
    return CodeExport(
        lesson=lab.name,
        networks=networks,
        arrays={"Z": lab.shown_noise, "REAL": lab.reference},
        checks=[
            Check("generator", "Z", gan.generator.predict(lab.shown_noise)),
            Check("discriminator", "REAL", gan.discriminator.predict(lab.reference)),
        ],
        training=None,
        custom_training={"torch": TORCH.format(**params), "keras": KERAS.format(**params)},
        notes=[
            (
                "gan",
                {
                    "noise": c.noise_kind,
                    "dim": c.noise_dim,
                    "d_steps": c.d_steps,
                    "g_steps": c.g_steps,
                    "rows": len(lab.reference),
                },
            )
        ],
        epochs=3,
    )
