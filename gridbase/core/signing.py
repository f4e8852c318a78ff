"""The pieces of the signed tokens in e-mailed links (invitations, password resets):
unpadded URL-safe base64 and an HMAC-SHA256 keyed by the server secret and a salt per kind
of token, so a token of one kind never verifies as another. Nothing is stored: the
signature is the proof. Imports: nothing from gridbase."""

from __future__ import annotations

import base64
import hashlib
import hmac


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    """Raises ValueError (binascii.Error) for text that is not base64."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mac(secret: str, salt: bytes, message: str) -> str:
    key = hashlib.sha256(salt + secret.encode()).digest()
    return b64(hmac.new(key, message.encode(), hashlib.sha256).digest())


def same(a: str, b: str) -> bool:
    """Compare signatures in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())
