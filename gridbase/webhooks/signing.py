"""Standard Webhooks signatures (an additive extension) and per-webhook secrets.

Each webhook has a secret `whsec_<base64 of 24 random bytes>`. It is stored only
encrypted (Fernet, key derived from the server secret), so the database alone does not
reveal it. Every delivery carries `webhook-id`, `webhook-timestamp` and
`webhook-signature: v1,<base64 HMAC-SHA256(secret, "id.timestamp.body")>`, verifiable
with the `standardwebhooks` library.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _fernet(server_secret: str) -> Fernet:
    key = hashlib.sha256(b"gridbase webhook secret\x00" + server_secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(server_secret: str, secret: str) -> str:
    return _fernet(server_secret).encrypt(secret.encode()).decode()


def decrypt(server_secret: str, token: str) -> str | None:
    """The webhook secret, or None when it is missing or was encrypted with another key."""
    if not token:
        return None
    try:
        return _fernet(server_secret).decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def signature(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    raw = base64.b64decode(secret.removeprefix(PREFIX) + "==")
    digest = hmac.new(raw, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str | None, msg_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers ({} when the webhook has no usable secret)."""
    if not secret:
        return {}
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, body),
    }
