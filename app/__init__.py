"""Neural Playground's web side: FastAPI routes and websocket sessions over the engine."""

import os

# The server's parallelism is its sessions (one worker thread per call); a multi-threaded BLAS
# inside each small matrix product only fights them for the cores: on a busy 2-core host a
# 10000x8 @ 8x8 product took 45 ms instead of 0.5 ms. This must run before NumPy loads; a
# value already in the environment wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
