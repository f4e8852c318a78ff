"""A stolen database file alone reveals no usable token key: keys are stored as an HMAC
digest and a ciphertext only, and a key from another server secret opens nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridbase.app import build_context, create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from tests.asgi_client import TestClient
from tests.conftest import Api


def test_database_file_holds_no_plaintext_key(
    backend: str, settings: Settings, tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("reads the SQLite file itself")
    ctx = build_context(settings)
    keys: list[str] = []
    with TestClient(create_app(settings, ctx)) as client:
        api = Api(client)
        ws = api.workspace()
        for name in ("one", "two", "three"):
            token = api.ok(api.post("/api/database/tokens/", {"name": name, "workspace": ws}))
            keys.append(token["key"])
            assert (
                client.get(
                    "/api/database/tokens/check/",
                    headers={"Authorization": f"Token {token['key']}"},
                ).status_code
                == 200
            )
        rotated = api.ok(api.patch(f"/api/database/tokens/{token['id']}/", {"rotate_key": True}))
        keys.append(rotated["key"])
        assert [t["key"] for t in api.ok(api.get("/api/database/tokens/"))] == keys[:2] + keys[3:]
    ctx.db.dispose()
    path = Path(settings.resolved_database_url().removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))  # file, -wal, -shm
    assert len(stored) > 0
    for key in keys:
        assert key.encode() not in stored
    assert settings.resolved_secret_key().encode() not in stored


def test_another_secret_cannot_use_or_show_the_keys(settings: Settings, ctx: Ctx) -> None:
    with TestClient(create_app(settings, ctx)) as client:
        api = Api(client)
        token = api.ok(
            api.post("/api/database/tokens/", {"name": "t", "workspace": api.workspace()})
        )
    thief = settings.model_copy(update={"secret_key": "another-secret-" + "y" * 32})
    thief_ctx = build_context(thief)
    with TestClient(create_app(thief, thief_ctx)) as client:
        r = client.get(
            "/api/database/tokens/check/", headers={"Authorization": f"Token {token['key']}"}
        )
        assert r.status_code == 403
        login = client.post(
            "/api/user/token-auth/", json={"email": "ada@example.com", "password": "password123"}
        )
        headers = {"Authorization": f"JWT {login.json()['access_token']}"}
        assert [t["key"] for t in client.get("/api/database/tokens/", headers=headers).json()] == [
            ""
        ]
    thief_ctx.db.dispose()
