"""Password hashing with argon2id (users' passwords and password fields' values), at
OWASP's recommended minimum cost (19 MiB, 2 passes, 1 lane) rather than argon2-cffi's
default (64 MiB, 3 passes, 4 lanes): a hash then takes ~40 ms and 19 MiB instead of
~175 ms and 64 MiB. At most HASHING_AT_ONCE hashes run at a time, so a flood of log-in
attempts cannot make the server allocate memory per request; the others wait their turn.
Hashes made with other parameters (older gridbase versions) still verify (a hash carries
its parameters), and a log-in replaces them (needs_rehash).
A leaf: core (log-ins) and fields (password cells) both use it. Imports: argon2-cffi.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHING_AT_ONCE = 2  # one per core of a small machine
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_turns = threading.BoundedSemaphore(HASHING_AT_ONCE)


def hash_password(password: str) -> str:
    with _turns:
        return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        with _turns:
            return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with other parameters than today's."""
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return False
