"""HTTP layer: parse, authenticate, call one core function, render Baserow JSON."""
