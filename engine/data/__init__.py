"""The data made for the lessons, apart from the engine's core (layers, losses, optimizers,
``Sequential``): the playground's 2-D problems and their input features (``datasets``,
``features``), the B.5 page's unit-disc points (``disc_datasets``), the convolution page's
strokes (``strokes``), the generative pages' 5x5 patterns and 2-D distributions
(``patterns``, ``distributions``) and the recurrent page's sequence tasks
(``sequence_tasks``).

Everything here is generated from a seed, so a preset or a tour can quote its numbers;
except ``digits``: real handwriting, read from the file shipped beside it.
Nothing is re-exported here, so ``import engine.data`` stays cheap.
"""
