"""Settings: every knob gridbase has, read from GRIDBASE_* environment variables.

Only `app.create_app` and `cli` construct a Settings; everything else receives it.
Imports: nothing from gridbase.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRIDBASE_", extra="ignore")

    data_dir: Path = Path("gridbase-data")
    database_url: str = ""  # empty: an SQLite file in data_dir
    secret_key: str = ""  # empty: generated on first start, kept in data_dir/secret.key
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1, le=64)  # serve: worker processes sharing the port
    # full: every commit is on disk when acknowledged
    sqlite_synchronous: Literal["full", "normal"] = "full"
    public_url: str = ""  # empty: next/previous links use the request's host

    max_request_bytes: int = 20 * 1024 * 1024
    # a request's line and headers: larger ones get 431, slower ones 408 (gridbase serve)
    max_request_head_bytes: int = Field(default=64 * 1024, ge=1024)
    request_head_timeout_seconds: float = Field(default=30.0, gt=0)
    row_page_size_limit: int = 200
    batch_rows_size_limit: int = 200
    max_field_limit: int = 600
    access_token_lifetime_minutes: int = 10
    refresh_token_lifetime_hours: int = 168
    allow_signup: bool = True
    # false: POST /api/user/send-reset-password-email/ and /reset-password/ are refused
    allow_reset_password: bool = True

    max_concurrent_requests: int = -1
    concurrent_requests_throttle_timeout: int = 30
    redis_url: str = ""
    # failed password checks per client address and minute before 429 (<= 0: no limit)
    login_attempts_per_minute: int = 20
    trust_proxy: bool = False
    require_https: bool = False

    webhooks_allow_private_addresses: bool = False
    webhooks_request_timeout_seconds: float = 5.0
    webhooks_max_retries_per_call: int = 8
    webhook_max_consecutive_failures: int = 8
    webhooks_max_call_log_entries: int = 10
    webhooks_max_per_table: int = 20
    webhooks_call_log_retention_days: int = 14
    webhooks_dispatcher: bool = True  # run the dispatcher inside `gridbase serve`
    # deleted rows stay this long in the trash (Baserow's HOURS_UNTIL_TRASH_PERMANENTLY_DELETED)
    trash_retention_hours: float = Field(default=72, ge=0)
    # Idempotency-Key answers are replayed for this long, then swept by the clean-up
    idempotency_retention_hours: float = Field(default=24, gt=0)
    # a request whose key another request holds waits this long for it, then answers 409
    idempotency_wait_seconds: float = Field(default=10, gt=0)
    # the change stream (GET .../rows/table/<id>/events/): its events are kept this long for
    # resumes; a comment is sent (and the caller's read permission checked) this often
    events_retention_hours: float = Field(default=24, ge=0)
    events_heartbeat_seconds: float = Field(default=15, gt=0)

    # background jobs (exports, imports): run them inside `gridbase serve` (else only
    # `gridbase worker` does)
    jobs_runner: bool = True
    # serve the MCP server for AI agents at /mcp (gridbase.mcp)
    mcp_server: bool = True
    # Baserow's EXPORT_FILE_EXPIRE_MINUTES: an export job and its file are deleted this
    # long after the export started (by the job runner's periodic pass)
    export_file_expire_minutes: int = 60 * 24

    default_search_mode: str = "compat"  # used when a request gives no search_mode

    # user files (uploads, the file field)
    # Baserow's BASEROW_FILE_UPLOAD_SIZE_LIMIT_MB (its default too: 1 TiB, effectively none)
    file_upload_size_limit_mb: float = Field(default=1024 * 1024, gt=0)
    media_url: str = ""  # empty: GRIDBASE_PUBLIC_URL + /media/, else the request's host
    files_storage: Literal["local", "s3"] = "local"  # local: data_dir/media
    # upload-via-url may fetch private/loopback/link-local addresses (refused otherwise)
    files_allow_private_addresses: bool = False
    s3_bucket: str = ""
    s3_endpoint_url: str = ""  # empty: AWS; e.g. http://minio:9000 for other S3 services
    s3_region: str = ""
    s3_access_key_id: str = ""  # empty (with the secret): boto3's own credential chain
    s3_secret_access_key: SecretStr = SecretStr("")
    s3_prefix: str = ""  # keys start with this folder

    # outgoing e-mail (invitations, password resets); no host: messages go to the log
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_use_tls: bool = False  # STARTTLS after connecting
    smtp_use_ssl: bool = False  # TLS from the first byte (port 465)
    from_email: str = "gridbase@localhost"
    # hostnames an invitation's link (its base_url) may point at, comma separated; empty:
    # the host of GRIDBASE_PUBLIC_URL, else the host the request came to
    frontend_hostnames: str = ""

    # row history entries older than this are deleted (0: none are recorded)
    row_history_retention_days: int = Field(default=180, ge=0)
    # an account whose deletion was scheduled (and not cancelled by a log-in) is deleted
    # after this many days
    account_deletion_grace_days: int = Field(default=30, ge=0)
    # how often `gridbase serve` / `gridbase worker` run the clean-ups (history, accounts)
    cleanup_interval_seconds: float = Field(default=300.0, gt=0)

    log_level: str = "info"

    @property
    def file_upload_size_limit_bytes(self) -> int:
        return int(self.file_upload_size_limit_mb * 1024 * 1024)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'gridbase.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The configured secret, or the one kept in the data directory (created once)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key
