"""Websocket sessions: the typed protocol and the per-tab session that drives one lab."""
