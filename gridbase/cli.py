"""Command line: `gridbase serve | migrate | createuser`. Thin: build Settings, call core."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from gridbase import logs
from gridbase.config import Settings


def _settings(data_dir: str | None) -> Settings:
    settings = Settings()
    if data_dir:
        settings.data_dir = Path(data_dir)
    return settings


@click.group()
def main() -> None:
    """gridbase: a self-hosted database server with Baserow's REST API."""


@main.command()
@click.option(
    "--host", default=None, help="Interface to listen on (default 127.0.0.1, GRIDBASE_HOST)."
)
@click.option("--port", default=None, type=int, help="Port (default 8000, GRIDBASE_PORT).")
@click.option(
    "--data-dir", default=None, help="Data directory (default ./gridbase-data, GRIDBASE_DATA_DIR)."
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="Worker processes sharing the port (default 1, GRIDBASE_WORKERS); SQLite and PostgreSQL.",
)
@click.option("--ssl-certfile", default=None, help="Serve HTTPS with this certificate file.")
@click.option("--ssl-keyfile", default=None, help="Private key for --ssl-certfile.")
def serve(
    host: str | None,
    port: int | None,
    data_dir: str | None,
    workers: int | None,
    ssl_certfile: str | None,
    ssl_keyfile: str | None,
) -> None:
    """Apply migrations and serve the API."""
    import uvicorn

    from gridbase.app import build_context, create_app

    settings = _settings(data_dir)
    logs.to_stderr(settings.log_level)
    workers = workers or settings.workers
    url = f"http{'s' if ssl_certfile else ''}://{host or settings.host}:{port or settings.port}/"
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": settings.log_level,
        "ssl_certfile": ssl_certfile,
        "ssl_keyfile": ssl_keyfile,
        "access_log": False,
        # uvloop and httptools when installed (the defaults otherwise);
        # no access log line per request.
        "loop": "uvloop" if _installed("uvloop") else "asyncio",
        "http": _http_protocol(settings),
    }
    if workers == 1:
        app = create_app(settings)
        click.echo(
            f"gridbase serving on {url} (data: {settings.resolved_database_url().split('@')[-1]})"
        )
        uvicorn.run(app, **options)
        return
    # Migrate and create the secret once, here; each worker process then builds its own app
    # from the same settings (passed on through the environment) and shares the database.
    build_context(settings).db.dispose()
    os.environ["GRIDBASE_DATA_DIR"] = str(settings.data_dir.resolve())
    # Each worker ends when this process is gone (gridbase.workers), so none outlives a kill.
    os.environ["GRIDBASE_SUPERVISOR_PID"] = str(os.getpid())
    click.echo(
        f"gridbase serving on {url} with {workers} workers "
        f"(data: {settings.resolved_database_url().split('@')[-1]})"
    )
    uvicorn.run("gridbase.workers:create_worker_app", factory=True, workers=workers, **options)


def _http_protocol(settings: Settings) -> Any:
    if not _installed("httptools"):
        return "h11"
    import functools

    from gridbase.api.http_protocol import OneWriteHttpTools

    # a partial of a module-level class: worker processes receive it pickled
    return functools.partial(
        OneWriteHttpTools,
        head_limit=settings.max_request_head_bytes,
        head_timeout=settings.request_head_timeout_seconds,
    )


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


@main.command()
@click.option(
    "--data-dir", default=None, help="Data directory (default ./gridbase-data, GRIDBASE_DATA_DIR)."
)
def worker(data_dir: str | None) -> None:
    """Deliver webhooks from the outbox (for GRIDBASE_WEBHOOKS_DISPATCHER=false servers,
    or more of them)."""
    from gridbase.app import build_context
    from gridbase.webhooks.dispatcher import run_worker

    ctx = build_context(_settings(data_dir))
    click.echo("gridbase webhook worker running")
    run_worker(ctx)


@main.command()
@click.option("--data-dir", default=None, help="Data directory (default ./gridbase-data).")
def migrate(data_dir: str | None) -> None:
    """Apply the metadata schema migrations and exit."""
    from gridbase.storage import migrate as migrations
    from gridbase.storage.engine import Database

    settings = _settings(data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(Database(settings.resolved_database_url()))
    click.echo("migrations applied")


@main.command()
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--staff/--no-staff", default=False, help="Make the user a staff (instance admin) user."
)
@click.option("--data-dir", default=None, help="Data directory (default ./gridbase-data).")
def createuser(email: str, name: str, password: str, staff: bool, data_dir: str | None) -> None:
    """Create a user account."""
    from gridbase.app import build_context
    from gridbase.core import users

    ctx = build_context(_settings(data_dir))
    user = users.register(ctx, name, email, password, is_staff=staff)
    click.echo(f"created user {user.id} <{user.email}>")
