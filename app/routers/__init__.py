"""HTTP and websocket routes, one module per concern; app.main includes them."""
