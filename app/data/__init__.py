"""Data sets the labs load outside the engine (the engine stays pure NumPy)."""
