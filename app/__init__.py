"""Neural Playground's web side: FastAPI routes and websocket sessions over the engine."""
