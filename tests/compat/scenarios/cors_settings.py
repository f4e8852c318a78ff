"""CORS headers on /api/ (preflights included) and the public instance settings."""

from __future__ import annotations

from tests.compat.session import Session

ORIGIN = {"Origin": "https://app.example"}
CORS = (
    "access-control-allow-origin",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-max-age",
    "access-control-allow-credentials",
    "access-control-expose-headers",
    "vary",
)


def cors(s: Session) -> None:
    s.sign_up()
    ws = s.workspace()
    table = s.table(s.database(ws), "T", [["Name"], ["a"]])
    s.token(ws)
    for path in (f"/api/database/rows/table/{table}/", "/api/settings/", "/api/nowhere/"):
        for method in ("PATCH", "GET"):
            preflight = {
                **ORIGIN,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "authorization,content-type",
            }
            s.call("preflight", "OPTIONS", path, auth="none", headers=preflight, keep_headers=CORS)
    rows = f"/api/database/rows/table/{table}/"
    for auth in ("token", "jwt", "none"):
        for path in (rows, f"{rows}1/", f"{rows}99/"):
            s.get("origin", path, auth=auth, headers=ORIGIN, keep_headers=CORS)
    s.post("origin_write", rows, {"Name": "b"}, query={"user_field_names": "true"},
           auth="token", headers=ORIGIN, keep_headers=CORS)  # fmt: skip
    s.get("no_origin", rows, auth="token", keep_headers=CORS)
    s.get("no_origin", "/api/settings/", auth="none", keep_headers=CORS)
    s.get("origin", "/api/nowhere/", auth="none", headers=ORIGIN, keep_headers=CORS)


def settings(s: Session) -> None:
    s.sign_up()
    s.get("settings", "/api/settings/", auth="none")
    s.get("settings_signed_in", "/api/settings/")


SCENARIOS = {"cors": cors, "settings": settings}
