"""The TLS context of gridbase's own HTTPS calls (webhook deliveries and test calls): one per
process, made at the first use.

httpx makes one for every client: loading the CA bundle costs ~25 ms of CPU, and the webhook
dispatcher makes a client at every start of the app (every test's app too: ~50 s of a CI
run). A context is safe to share between clients, threads and event loops.
Imports: nothing of gridbase.
"""

from __future__ import annotations

import functools
import ssl

import certifi


@functools.cache
def client_context() -> ssl.SSLContext:
    """What httpx makes by default: certifi's CA bundle, certificates and host names checked."""
    return ssl.create_default_context(cafile=certifi.where())
