"""Uploads (multipart and via URL) and serving them back under /media/, as Baserow answers."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from PIL import Image

from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from tests.asgi_client import TestClient
from tests.conftest import Api

UPLOAD = "/api/user-files/upload-file/"
VIA_URL = "/api/user-files/upload-via-url/"


def png_bytes(size: tuple[int, int] = (100, 50)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def upload(api: Api, name: str, content: bytes, content_type: str | None = None) -> Any:
    part = (name, content, content_type) if content_type else (name, content)
    return api.client.post(UPLOAD, files={"file": part}, headers=api.headers)


def media_path(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_png_upload_is_an_image_with_thumbnails(api: Api) -> None:
    content = png_bytes()
    body = api.ok(upload(api, "Red Dot.PNG", content, "image/png"))
    sha = hashlib.sha256(content).hexdigest()
    unique = body["name"].split("_")[0]
    assert len(unique) == 32 and unique.isalnum()
    assert body["name"] == f"{unique}_{sha}.png"
    assert body == {
        "size": len(content),
        "mime_type": "image/png",
        "is_image": True,
        "image_width": 100,
        "image_height": 50,
        "uploaded_at": body["uploaded_at"],
        "url": f"http://testserver/media/user_files/{body['name']}",
        "thumbnails": {
            "tiny": {
                "url": f"http://testserver/media/thumbnails/tiny/{body['name']}",
                "width": None,
                "height": 21,
            },
            "small": {
                "url": f"http://testserver/media/thumbnails/small/{body['name']}",
                "width": 48,
                "height": 48,
            },
            "card_cover": {
                "url": f"http://testserver/media/thumbnails/card_cover/{body['name']}",
                "width": 300,
                "height": 160,
            },
        },
        "name": body["name"],
        "original_name": "Red Dot.PNG",
    }
    assert body["uploaded_at"].endswith("Z")
    served = api.client.get(media_path(body["url"]))
    assert served.status_code == 200 and served.content == content
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "content-disposition" not in served.headers  # a passive type is shown inline
    tiny = api.client.get(media_path(body["thumbnails"]["tiny"]["url"]))
    assert Image.open(io.BytesIO(tiny.content)).size == (42, 21)  # the aspect ratio kept
    small = api.client.get(media_path(body["thumbnails"]["small"]["url"]))
    assert Image.open(io.BytesIO(small.content)).size == (48, 48)


def test_same_name_and_content_answers_the_earlier_upload(api: Api, client: TestClient) -> None:
    content = png_bytes()
    first = api.ok(upload(api, "a.png", content))
    other_user = Api(client, "grace@example.com")
    assert api.ok(upload(other_user, "a.png", content)) == first  # whoever uploaded it
    renamed = api.ok(upload(api, "b.png", content))
    assert renamed["name"] != first["name"] and renamed["original_name"] == "b.png"


def test_text_file_and_unknown_type(api: Api) -> None:
    text = api.ok(upload(api, "notes.txt", b"hello", "text/plain"))
    assert (text["mime_type"], text["is_image"], text["thumbnails"]) == ("text/plain", False, None)
    assert (text["image_width"], text["image_height"], text["size"]) == (None, None, 5)
    plain = api.ok(upload(api, "README", b"read me", "application/x-foo"))
    assert plain["mime_type"] == "application/x-foo" and plain["name"].endswith(".")
    served = api.client.get(media_path(text["url"]))
    assert served.content == b"hello" and served.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("name", "content"),
    [("page.html", b"<script>alert(1)</script>"), ("image.svg", b"<svg onload='x()'/>"),
     ("app.js", b"alert(1)")],
)  # fmt: skip
def test_active_content_is_served_as_an_attachment(api: Api, name: str, content: bytes) -> None:
    body = api.ok(upload(api, name, content))
    served = api.client.get(media_path(body["url"]))
    assert served.status_code == 200 and served.content == content
    assert served.headers["content-disposition"] == f"attachment; filename*=UTF-8''{name}"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]


def test_unknown_and_hostile_media_paths_are_404(api: Api) -> None:
    body = api.ok(upload(api, "notes.txt", b"hello"))
    for path in (
        "/media/user_files/" + "a" * 32 + "_" + "0" * 64 + ".txt",
        "/media/user_files/..%2F..%2Fsecret.key",
        "/media/thumbnails/huge/" + body["name"],
        "/media/thumbnails/tiny/" + body["name"],  # a text file has no thumbnails
    ):
        r = api.client.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"] == "URL_NOT_FOUND"


def test_upload_errors(api: Api, client: TestClient) -> None:
    r = api.client.post(UPLOAD, files={"other": ("a.txt", b"x")}, headers=api.headers)
    assert (r.status_code, r.json()["error"]) == (400, "ERROR_INVALID_FILE")
    r = api.post(UPLOAD, {"file": "x"})
    assert (r.status_code, r.json()) == (
        415,
        {"detail": 'Unsupported media type "application/json" in request.'},
    )
    r = client.post(UPLOAD, files={"file": ("a.txt", b"x")})
    assert r.status_code == 401


def test_database_tokens_may_upload(api: Api) -> None:
    ws = api.workspace()
    key = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": ws}))["key"]
    r = api.client.post(
        UPLOAD, files={"file": ("t.txt", b"by token")}, headers={"Authorization": f"Token {key}"}
    )
    assert api.ok(r)["original_name"] == "t.txt"


@pytest.fixture
def small_limit(ctx: Ctx, settings: Settings) -> Iterator[Api]:
    limited = settings.model_copy(update={"file_upload_size_limit_mb": 1})
    app = create_app(limited, dataclasses.replace(ctx, settings=limited))
    with TestClient(app, base_url="http://testserver") as client:
        yield Api(client)


def test_size_limit(small_limit: Api) -> None:
    api = small_limit
    assert api.ok(upload(api, "fits.bin", b"x" * (1024 * 1024)))["size"] == 1024 * 1024
    r = upload(api, "big.bin", b"x" * (1024 * 1024 + 1))
    assert (r.status_code, r.json()) == (
        413,
        {"error": "ERROR_FILE_SIZE_TOO_LARGE", "detail": "The provided file is too large. "
         "Max 1MB is allowed."},
    )  # fmt: skip
    r = upload(api, "huge.bin", b"x" * (3 * 1024 * 1024))  # refused by the body limit
    assert (r.status_code, r.json()["error"]) == (413, "ERROR_FILE_SIZE_TOO_LARGE")


class Files(BaseHTTPRequestHandler):
    # what the fixture serves, set per test: (status, Content-Type or Location, body) by path
    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        status, ctype, body = self.routes.get(path, (404, "text/plain", b"missing"))
        self.send_response(status)
        if status in (301, 302):
            self.send_header("Location", ctype)
        else:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def file_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Files.routes = {
        "/pics/dot.png": (200, "image/png", png_bytes((20, 10))),
        "/doc": (200, "text/plain; charset=utf-8", b"plain words"),
        "/": (200, "application/x-nothing-known", b"?"),
        "/moved": (302, "/doc", b""),
        "/gone": (404, "text/plain", b"no"),
        "/big": (200, "application/octet-stream", b"x" * (1024 * 1024 + 10)),
    }
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def private_ok(ctx: Ctx, settings: Settings) -> Iterator[Api]:
    allowed = settings.model_copy(
        update={"files_allow_private_addresses": True, "file_upload_size_limit_mb": 1}
    )
    app = create_app(allowed, dataclasses.replace(ctx, settings=allowed))
    with TestClient(app, base_url="http://testserver") as client:
        yield Api(client)


def test_upload_via_url(private_ok: Api, file_server: str) -> None:
    api = private_ok
    image = api.ok(api.post(VIA_URL, {"url": f"{file_server}/pics/dot.png?x=1"}))
    assert (image["original_name"], image["is_image"], image["image_width"]) == (
        "dot.png",
        True,
        20,
    )
    doc = api.ok(api.post(VIA_URL, {"url": f"{file_server}/doc"}))
    assert (doc["original_name"], doc["mime_type"], doc["size"]) == ("doc", "text/plain", 11)
    moved = api.ok(api.post(VIA_URL, {"url": f"{file_server}/moved"}))
    assert moved["original_name"] == "moved" and moved["size"] == 11
    # no name in the path: a placeholder of 12 hex digits and the type's extension
    root = api.ok(api.post(VIA_URL, {"url": f"{file_server}/"}))
    assert root["original_name"].endswith(".bin") and len(root["original_name"]) == 16
    assert root["mime_type"] == "application/octet-stream"
    r = api.post(VIA_URL, {"url": f"{file_server}/gone"})
    assert r.json()["error"] == "ERROR_FILE_URL_COULD_NOT_BE_REACHED"
    r = api.post(VIA_URL, {"url": f"{file_server}/big"})
    assert (r.status_code, r.json()["error"]) == (413, "ERROR_FILE_SIZE_TOO_LARGE")


def test_upload_via_url_refuses_private_addresses(api: Api, file_server: str) -> None:
    for url in (f"{file_server}/doc", "http://localhost:9/a", "http://[::1]/a"):
        r = api.post(VIA_URL, {"url": url})
        assert (r.status_code, r.json()) == (
            400,
            {"error": "ERROR_FILE_URL_COULD_NOT_BE_REACHED",
             "detail": "The provided URL could not be reached."},
        ), url  # fmt: skip


def test_upload_via_url_validation(api: Api) -> None:
    r = api.post(VIA_URL, {"url": "ftp://example.com/a.txt"})
    assert r.json() == {
        "error": "ERROR_INVALID_FILE_URL",
        "detail": "The provided URL is not valid.",
    }
    for bad, message in (("not a url", "Enter a valid URL."), (None, "This field may not be null."),
                         ("", "This field may not be blank.")):  # fmt: skip
        r = api.post(VIA_URL, {"url": bad})
        assert r.json()["detail"]["url"][0]["error"] == message
