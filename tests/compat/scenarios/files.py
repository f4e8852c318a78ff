"""User files and the file field: uploads (multipart and via URL, their errors), the file
field's values as written and read, every file filter with several values, search, order_by,
and conversions to and from other types.

Each uploaded file ends, past what a transcript shows of a request body, with bytes made from
the run's tag: Baserow answers an earlier upload of the same name and content (from any run)
with that upload, whose time would not be this run's.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from tests.compat.scenarios.build import NAMES
from tests.compat.session import Session

BOUNDARY = "gridbaseCompatBoundary7MA4YWxkTrZu0gW"
UPLOAD = "/api/user-files/upload-file/"
VIA_URL = "/api/user-files/upload-via-url/"
PAD = b"." * 400  # keeps the run-specific tail out of the recorded 300 characters


def _tail(s: Session, label: str) -> bytes:
    return hashlib.sha256(f"{s.tag}/{label}".encode()).hexdigest()[:16].encode()


def png(s: Session, label: str, size: tuple[int, int] = (100, 50)) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size)
    image.putdata([((x * 7) % 256, (y * 13) % 256, (x * y) % 256) for y in range(size[1])
                   for x in range(size[0])])  # fmt: skip
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue() + PAD + _tail(s, label)  # readers stop at the PNG's end


def jpeg(s: Session, label: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 80), (10, 120, 200)).save(out, "JPEG", quality=90)
    return out.getvalue() + PAD + _tail(s, label)


def text(s: Session, label: str, words: str) -> bytes:
    return words.encode() + PAD + _tail(s, label)


def multipart(filename: str, content: bytes, content_type: str | None = None,
              part: str = "file") -> bytes:  # fmt: skip
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{part}"; filename="{filename}"\r\n'
    )
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    return head.encode() + b"\r\n" + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def upload(s: Session, step: str, filename: str, content: bytes, content_type: str | None = None,
           auth: str = "jwt", part: str = "file") -> Any:  # fmt: skip
    return s.post(step, UPLOAD, raw=multipart(filename, content, content_type, part),
                  content_type=f"multipart/form-data; boundary={BOUNDARY}", auth=auth)  # fmt: skip


def uploads(s: Session) -> dict[str, Any]:
    """Every kind of upload the field steps use, and the upload endpoints' errors."""
    photo = png(s, "photo")
    files = {
        "photo": upload(s, "upload_png", "photo.png", photo, "image/png"),
        "again": upload(s, "upload_same_again", "photo.png", photo, "image/png"),
        "copy": upload(s, "upload_same_other_name", "Copy Of Photo.PNG", photo),
        "jpeg": upload(s, "upload_jpeg", "pic.jpg", jpeg(s, "pic")),
        "notes": upload(
            s, "upload_text", "notes.txt", text(s, "notes", "Meeting notes"), "text/plain"
        ),
        "html": upload(s, "upload_html", "page.html", text(s, "page", "<h1>Hi</h1>"), "text/html"),
        "readme": upload(
            s, "upload_no_extension", "README", text(s, "readme", "read me"), "application/x-foo"
        ),
        "csv": upload(s, "upload_upper_extension", "DATA.CSV", text(s, "csv", "a,b\n1,2")),
        "long": upload(
            s,
            "upload_long_name",
            "a-very-long-file-name-" + "x" * 60 + ".txt",
            text(s, "long", "long"),
        ),
        "fake_png": upload(s, "upload_not_really_png", "broken.png", text(s, "fake", "no png")),
        "empty": upload(s, "upload_empty_file", "empty.txt", b""),
        "unicode": upload(s, "upload_unicode_name", "résumé final.pdf", text(s, "cv", "%PDF")),
        "token": upload(s, "upload_with_token", "by-token.txt", text(s, "tok", "t"), auth="token"),
    }
    upload(s, "upload_wrong_part", "x.txt", text(s, "x", "x"), part="attachment")
    upload(s, "upload_no_auth", "x.txt", text(s, "x", "x"), auth="none")
    s.post("upload_json_body", UPLOAD, {"file": "x"})
    s.post(
        "upload_form_body", UPLOAD, raw=b"file=x", content_type="application/x-www-form-urlencoded"
    )
    s.post("upload_no_body", UPLOAD)
    for url in ("ftp://example.com/file.txt", "not a url", "", None, 12, "http://127.0.0.1:9/a.png",
                "http://localhost:9/a.png", "http://[::1]:9/", "http://nonexistent.invalid/a.png",
                "https://localhost/", "file:///etc/passwd", "javascript:alert(1)"):  # fmt: skip
        s.post("via_url", VIA_URL, {"url": url})
    s.post("via_url_missing", VIA_URL, {})
    s.post("via_url_list", VIA_URL, [])
    s.post("via_url_token", VIA_URL, {"url": "ftp://example.com/a"}, auth="token")
    s.post("via_url_no_auth", VIA_URL, {"url": "ftp://example.com/a"}, auth="none")
    return files


def rows_path(table: int, row: int | None = None) -> str:
    return f"/api/database/rows/table/{table}/" + (f"{row}/" if row else "")


def files_scenario(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    s.token(ws)
    f = uploads(s)
    table = s.table(db, "Files", [["Name"], ["empty"]])
    docs = s.field(table, "Docs", "file")
    s.get("fields", f"/api/database/fields/table/{table}/")
    rows = rows_path(table)
    name = {k: v["name"] for k, v in f.items()}

    def write(step: str, value: Any, row_name: str) -> Any:
        return s.post(step, rows, {"Name": row_name, "Docs": value}, query=NAMES)

    write("write_objects", [{"name": name["photo"], "visible_name": "Holiday photo"},
                            {"name": name["notes"]}], "photo+notes")  # fmt: skip
    write("write_names", [name["jpeg"], name["html"]], "jpeg+html")
    write("write_csv", f"{name['csv']},{name['readme']}", "csv+readme")
    write("write_one", [{"name": name["copy"], "visible_name": ""}], "copy")
    write("write_visible_number", [{"name": name["long"], "visible_name": 42}], "long")
    write("write_duplicates", [name["notes"], name["notes"], name["unicode"]], "dupes")
    write("write_three_images", [name["photo"], name["copy"], name["jpeg"]], "images")
    write("write_null", None, "null")
    write("write_blank", "", "blank")
    write("write_empty_list", [], "empty list")
    for step, value in (
        ("write_unknown", [{"name": "abc_def.png"}]),
        ("write_unknown_after_known", [name["photo"], "zz_yy.png", "aa_bb.txt"]),
        ("write_bad_name", [{"name": "no-underscore.png"}]),
        ("write_bad_name_text", ["nodot"]),
        ("write_bad_csv", "photo.png, notes.txt"),
        ("write_no_name", [{"visible_name": "x"}]),
        ("write_number", 5),
        ("write_true", True),
        ("write_object", {"name": name["photo"]}),
        ("write_number_list", [5]),
        ("write_mixed", [name["photo"], {"name": name["photo"]}]),
        ("write_nested_list", [[name["photo"]]]),
    ):
        write(step, value, "bad")
    row = write("write_for_update", [name["photo"]], "updated")["id"]
    s.patch("update_files", rows_path(table, row), {"Docs": [
        {"name": name["fake_png"], "visible_name": "Not an image"}, {"name": name["empty"]}]},
        query=NAMES)  # fmt: skip
    s.patch("update_unknown", rows_path(table, row), {"Docs": ["qq_rr.txt"]}, query=NAMES)
    s.get("get_row", rows_path(table, row), query=NAMES)
    s.get("get_row_ids", rows_path(table, row))
    s.post("batch_create", f"{rows}batch/", {"items": [
        {"Name": "batch 1", "Docs": [name["token"]]},
        {"Name": "batch 2", "Docs": [{"name": name["html"], "visible_name": "Web page"}]},
    ]}, query=NAMES)  # fmt: skip
    s.post("batch_unknown", f"{rows}batch/", {"items": [{"Name": "b", "Docs": ["mm_nn.txt"]}]},
           query=NAMES)  # fmt: skip
    s.post("batch_unknown_many", f"{rows}batch/", {"items": [
        {"Name": "b1", "Docs": ["mm_nn.txt", name["photo"], "cc_dd.png"]},
        {"Name": "b2", "Docs": [{"name": "aa_zz.pdf"}, {"name": "mm_nn.txt"}]},
    ]}, query=NAMES)  # fmt: skip
    s.post("unknown_and_bad", rows, {"Name": 5, "Docs": ["ee_ff.txt"], "Name2": 1}, query=NAMES)
    s.post("batch_unknown_and_bad", f"{rows}batch/", {"items": [
        {"Name": "b1", "Docs": ["mm_nn.txt"]}, {"Name": "b2", "Docs": 7},
    ]}, query=NAMES)  # fmt: skip
    s.rows("list", table, user_field_names="true", size=50)
    s.rows("list_token", table, auth="token")
    fid = docs["id"]
    filters = {
        "filename_contains": ["PHOTO", "note", "", "  ", "zzz", ".txt", "%", "o_o", "web page"],
        "has_file_type": ["image", "document", "", "x", " image ", "IMAGE"],
        "files_lower_than": ["0", "1", "2", "3", "-1", "a", "", " 2 ", "1.5"],
        "empty": [""],
        "not_empty": [""],
    }
    for type_, values in filters.items():
        for value in values:
            s.rows(f"filter_{type_}", table, **{f"filter__field_{fid}__{type_}": value},
                   include="Name", user_field_names="true")  # fmt: skip
    tree = {"filter_type": "OR", "filters": [
        {"field": fid, "type": "has_file_type", "value": "document"},
        {"field": fid, "type": "files_lower_than", "value": "1"}]}  # fmt: skip
    s.rows("filter_tree", table, filters=json.dumps(tree), include=f"field_{fid}")
    for unsupported in ("contains", "equal", "link_row_has", "length_is_lower_than"):
        s.rows("filter_unsupported", table, **{f"filter__field_{fid}__{unsupported}": "x"})
    s.rows("order_by", table, order_by=f"field_{fid}")
    s.rows("order_by_desc", table, order_by="-Docs", user_field_names="true")
    for term in ("Holiday", "notes", "page", "resume", "résumé", "photo.png", "42"):
        s.rows("search", table, search=term, include="Name", user_field_names="true")
    conversions(s, db, name)


def conversions(s: Session, db: int, name: dict[str, str]) -> None:
    """Baserow keeps no value across a change to or from file: each target type's empty."""
    targets: list[dict[str, Any]] = [
        {"type": "text"},
        {"type": "long_text"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "url"},
        {"type": "rating"},
        {"type": "date"},
        {"type": "single_select", "select_options": [{"value": "notes.txt", "color": "blue"}]},
        {"type": "multiple_select", "select_options": [{"value": "Holiday photo", "color": "red"}]},
    ]
    fill = {"items": [{"id": 1, "Files": [{"name": name["photo"], "visible_name": "Holiday photo"},
                                          name["notes"]]},
                      {"id": 2, "Files": [name["notes"]]}]}  # fmt: skip
    for target in targets:
        # a fresh table each time: Baserow 1.35.3 fails (500) to turn a field back into a file
        # field after some chains of conversions, which a scenario must not depend on
        table = s.table(db, f"Convert {target['type']}", [["Name"], ["a"], ["b"], ["c"]])
        field = s.field(table, "Files", "file")
        path = f"/api/database/fields/{field['id']}/"
        s.patch("fill", f"/api/database/rows/table/{table}/batch/", fill, query=NAMES)
        s.patch(f"to_{target['type']}", path, target)
        s.rows(f"as_{target['type']}", table, user_field_names="true")
        s.patch("back_to_file", path, {"type": "file"})
        s.rows("back", table, user_field_names="true")
    text = s.field(table, "Text", "text")
    values = [name["photo"], f'[{{"name": "{name["notes"]}"}}]', "hello"]
    items = [{"id": i + 1, "Text": v} for i, v in enumerate(values)]
    s.patch("fill_text", f"/api/database/rows/table/{table}/batch/", {"items": items}, query=NAMES)
    s.patch("text_to_file", f"/api/database/fields/{text['id']}/", {"type": "file"})
    s.rows("text_as_file", table, user_field_names="true")


SCENARIOS = {"files": files_scenario}
