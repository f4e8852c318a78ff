"""Password hashes: argon2id at OWASP's minimum cost, hashes of other parameters still
verify (and a log-in replaces them), and at most HASHING_AT_ONCE hashes run at a time (the
rest wait, so a log-in flood cannot allocate 19 MiB per request)."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from gridbase import passwords
from gridbase.storage import schema as s
from tests.helpers import eventually

pytestmark = pytest.mark.password_cost  # the released parameters, not the tests' cheap ones


def test_hashes_use_owasp_parameters_and_old_hashes_verify() -> None:
    hashed = passwords.hash_password("correct-horse")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(hashed, "correct-horse")
    assert not passwords.verify_password(hashed, "wrong-horse")
    # argon2-cffi's defaults, as gridbase used before
    older = PasswordHasher().hash("correct-horse")
    assert older.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(older, "correct-horse")
    assert not passwords.verify_password("not a hash", "correct-horse")


def _waiting_for_a_turn(thread: threading.Thread) -> bool:
    """Whether the thread is inside hash_password, blocked on the semaphore's wait()."""
    frame = sys._current_frames().get(thread.ident or 0)
    names = []
    while frame is not None:
        names.append(frame.f_code.co_name)
        frame = frame.f_back
    return bool(names) and names[0] == "wait" and "hash_password" in names


def test_hashes_wait_for_a_turn() -> None:
    done: list[str] = []
    for _ in range(passwords.HASHING_AT_ONCE):
        passwords._turns.acquire()  # every turn taken
    threads = [
        threading.Thread(target=lambda: done.append(passwords.hash_password("pw")))
        for _ in range(3)
    ]
    try:
        for thread in threads:
            thread.start()
        eventually(lambda: all(_waiting_for_a_turn(t) for t in threads) or None)
        assert done == []
    finally:
        for _ in range(passwords.HASHING_AT_ONCE):
            passwords._turns.release()
    for thread in threads:
        thread.join(timeout=10)
    assert len(done) == 3


def test_a_log_in_replaces_an_older_hash(api: Any, client: Any, ctx: Any) -> None:
    users = s.users
    with ctx.db.write() as conn:  # as an older gridbase stored it
        conn.execute(
            users.update()
            .where(users.c.id == api.user["id"])
            .values(password=PasswordHasher().hash("password123"))
        )
    log_in = {"email": "ada@example.com", "password": "password123"}
    assert client.post("/api/user/token-auth/", json=log_in).status_code == 200
    with ctx.db.read() as conn:
        stored = conn.execute(
            sa.select(users.c.password).where(users.c.id == api.user["id"])
        ).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert client.post("/api/user/token-auth/", json=log_in).status_code == 200
    assert (
        client.post("/api/user/token-auth/", json=log_in | {"password": "password124"}).status_code
        == 401
    )
