"""gridbase: a self-hosted database server wire-compatible with Baserow's REST API."""

__version__ = "0.1.0"
