"""Compatibility suite: scenarios recorded from a real Baserow 1.35.3 and replayed against
gridbase on every backend (README: "Compatibility suite")."""
