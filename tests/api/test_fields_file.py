"""The file field: values written by upload name, read as Baserow's file objects, filtered,
searched, refused in order_by, and emptied by a change of type."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.conftest import Api

UPLOAD = "/api/user-files/upload-file/"


def upload(api: Api, name: str, content: bytes) -> dict[str, Any]:
    r = api.client.post(UPLOAD, files={"file": (name, content)}, headers=api.headers)
    return dict(api.ok(r))


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def setup(api: Api) -> tuple[int, int, dict[str, dict[str, Any]]]:
    tid = api.table(data=[["Name"], ["blank"]])
    fid = api.field(tid, "Docs", "file")["id"]
    files = {"photo": upload(api, "photo.png", png()), "notes": upload(api, "notes.txt", b"n")}
    return tid, fid, files


def create(api: Api, tid: int, name: str, docs: Any) -> Any:
    return api.post(
        f"/api/database/rows/table/{tid}/",
        {"Name": name, "Docs": docs},
        params={"user_field_names": "true"},
    )


def names(api: Api, tid: int, **params: Any) -> list[str]:
    return [r["Name"] for r in api.rows(tid, **params)]


def test_values_are_written_by_name_and_read_as_file_objects(api: Api) -> None:
    tid, _fid, files = setup(api)
    photo, notes = files["photo"], files["notes"]
    row = api.ok(create(api, tid, "a", [{"name": photo["name"], "visible_name": "Pic"},
                                        {"name": notes["name"]}]))  # fmt: skip
    first, second = row["Docs"]
    assert first == {
        "url": photo["url"],
        "thumbnails": photo["thumbnails"],
        "visible_name": "Pic",
        "name": photo["name"],
        "size": photo["size"],
        "mime_type": "image/png",
        "is_image": True,
        "image_width": 30,
        "image_height": 20,
        "uploaded_at": photo["uploaded_at"].replace("Z", "+00:00"),
    }
    assert (second["visible_name"], second["thumbnails"]) == ("notes.txt", None)
    as_text = api.ok(create(api, tid, "b", f"{notes['name']},{photo['name']}"))["Docs"]
    assert [f["visible_name"] for f in as_text] == ["notes.txt", "photo.png"]
    # the stored value reads back the same, and a blank row holds no files
    assert [r["Docs"] for r in api.rows(tid)] == [[], [first, second], as_text]


def test_bad_values_are_refused_and_change_nothing(api: Api) -> None:
    tid, _fid, files = setup(api)
    cases = [
        (5, {"Docs": [{"error": "This value must be a list or a string.", "code": "not_a_list"}]}),
        (["nodot"], {"Docs": [{"error": "The user file name is invalid.", "code": "invalid"}]}),
        ([{"visible_name": "x"}], {"Docs": [
            {"error": "A name property is required for all values of the list.", "code": "required"}
        ]}),
        ([files["photo"]["name"], {"name": files["photo"]["name"]}],
         {"Docs": [{"error": "All list values must be same type.", "code": "not_same_type"}]}),
        ([{"name": 5}], {"Docs": [{"error": "The user file name is invalid.", "code": "invalid"}]}),
        (["abc_def.png", "zz_yy.png"], "The user files ['abc_def.png'] do not exist."),
    ]  # fmt: skip
    for value, detail in cases:
        r = create(api, tid, "bad", value)
        assert (r.status_code, r.json()) == (
            400,
            {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": detail},
        ), value
    assert names(api, tid) == ["blank"]


def test_file_filters(api: Api) -> None:
    tid, fid, files = setup(api)
    photo, notes = files["photo"]["name"], files["notes"]["name"]
    create(api, tid, "photo", [{"name": photo, "visible_name": "Holiday 100%"}])
    create(api, tid, "notes", [notes])
    create(api, tid, "both", [photo, notes, notes])

    def where(type_: str, value: str) -> list[str]:
        return names(api, tid, **{f"filter__field_{fid}__{type_}": value})

    assert where("filename_contains", "HOLIDAY") == ["photo"]
    assert where("filename_contains", ".txt") == ["notes", "both"]
    assert where("filename_contains", "") == ["blank", "photo", "notes", "both"]
    assert where("filename_contains", "y_1") == ["photo"]  # "_" is a wildcard, as in Baserow
    assert where("has_file_type", "image") == ["photo", "both"]
    assert where("has_file_type", "document") == ["notes", "both"]
    assert where("has_file_type", "video") == ["blank", "photo", "notes", "both"]
    assert where("files_lower_than", "2") == ["blank", "photo", "notes"]
    assert where("files_lower_than", "1") == ["blank"]
    assert where("files_lower_than", "x") == ["blank", "photo", "notes", "both"]
    assert where("empty", "") == ["blank"]
    assert where("not_empty", "") == ["photo", "notes", "both"]
    r = api.get(f"/api/database/rows/table/{tid}/", params={f"filter__field_{fid}__contains": "a"})
    assert r.json()["error"] == "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD"
    assert names(api, tid, search="holiday") == ["photo"]
    r = api.get(f"/api/database/rows/table/{tid}/", params={"order_by": f"field_{fid}"})
    assert r.json()["error"] == "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE"


def test_no_value_survives_a_type_change(api: Api) -> None:
    tid, fid, files = setup(api)
    create(api, tid, "photo", [files["photo"]["name"]])
    api.ok(api.patch(f"/api/database/fields/{fid}/", {"type": "text"}))
    assert [r["Docs"] for r in api.rows(tid)] == [None, None]
    api.ok(api.patch(f"/api/database/fields/{fid}/", {"type": "boolean"}))
    assert [r["Docs"] for r in api.rows(tid)] == [False, False]
    api.ok(api.patch(f"/api/database/fields/{fid}/", {"type": "text"}))
    api.ok(api.post(f"/api/database/rows/table/{tid}/batch/",
                    {"items": [{"Docs": files["notes"]["name"]}]},
                    params={"user_field_names": "true"}))  # fmt: skip
    api.ok(api.patch(f"/api/database/fields/{fid}/", {"type": "file"}))
    assert [r["Docs"] for r in api.rows(tid)] == [[], [], []]


def test_a_table_with_a_file_field_reads_in_every_way(api: Api) -> None:
    tid, fid, files = setup(api)
    row = api.ok(create(api, tid, "photo", [files["photo"]["name"]]))
    got = api.ok(api.get(f"/api/database/rows/table/{tid}/{row['id']}/"))
    assert got[f"field_{fid}"] == row["Docs"]
    spec = api.ok(api.get(f"/api/database/{api.fields(tid)[0]['database_id']}/openapi.json"))
    assert "file" in str(spec)
