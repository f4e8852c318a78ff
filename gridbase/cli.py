"""Command line: `gridbase serve | worker | mcp | migrate | createuser | backup | restore`. Thin:
build Settings, call core (or storage.backup)."""

from __future__ import annotations

import os
from collections.abc import Callable
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
    """Deliver webhooks from the outbox, run background jobs (exports, imports) and the
    clean-ups (row history and trash past retention, due account deletions): for servers run with
    GRIDBASE_WEBHOOKS_DISPATCHER=false / GRIDBASE_JOBS_RUNNER=false, or more of them."""
    import asyncio
    import threading

    from gridbase.app import build_context, build_runner
    from gridbase.core import cleanup
    from gridbase.webhooks.dispatcher import run_worker

    ctx = build_context(_settings(data_dir))
    runner = build_runner(ctx)
    runner.start()
    click.echo("gridbase worker running (webhooks, jobs, clean-ups)")
    # a daemon thread: it ends with the process once the dispatcher has stopped
    never = asyncio.Event()
    threading.Thread(
        target=lambda: asyncio.run(cleanup.run(ctx, never)), name="gridbase-cleanup", daemon=True
    ).start()
    try:
        run_worker(ctx)
    finally:
        runner.stop()


@main.command()
@click.option(
    "--token",
    "key",
    required=True,
    envvar="GRIDBASE_MCP_TOKEN",
    help="The database token whose grants the tools follow (or GRIDBASE_MCP_TOKEN).",
)
@click.option(
    "--data-dir", default=None, help="Data directory (default ./gridbase-data, GRIDBASE_DATA_DIR)."
)
def mcp(key: str, data_dir: str | None) -> None:
    """Serve the MCP tools of one database token over stdin/stdout (for desktop AI assistants
    that start their MCP servers as processes)."""
    import anyio

    from gridbase.app import build_context
    from gridbase.errors import GridbaseError
    from gridbase.mcp import stdio

    settings = _settings(data_dir)
    logs.to_stderr(settings.log_level)  # stdout carries the protocol only
    ctx = build_context(settings)
    try:
        stdio.check(ctx, key)
    except GridbaseError as exc:
        raise click.ClickException(f"{exc.code}: {exc.detail}") from None
    anyio.run(stdio.serve, ctx, key)


def _bar(label: str) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    # on stderr: an export may be written to stdout
    return Progress(
        f"[bold]{label}",
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--database", "database_id", type=int, help="Create a new table in this database.")
@click.option("--table", "table_id", type=int, help="Add the rows to this existing table.")
@click.option("--name", default=None, help="The new table's name (default: the file's name).")
@click.option(
    "--header/--no-header", default=True, help="The first row names the fields (default: yes)."
)
@click.option("--delimiter", default=",", help="Column separator (default ',').")
@click.option(
    "--user", "email", default=None, help="Act as this user (default: a workspace admin)."
)
@click.option("--data-dir", default=None, help="Data directory (default ./gridbase-data).")
def import_(
    file: str,
    database_id: int | None,
    table_id: int | None,
    name: str | None,
    header: bool,
    delimiter: str,
    email: str | None,
    data_dir: str | None,
) -> None:
    """Import a CSV file (UTF-8) into a new table (--database) or an existing one (--table),
    as one transaction: all of it or, after a failure, nothing."""
    from gridbase.app import build_context, build_runner
    from gridbase.core import file_import, jobs, operator

    if (database_id is None) == (table_id is None):
        raise click.UsageError("give --database (a new table) or --table (an existing one)")
    ctx = build_context(_settings(data_dir))
    user = operator.acting_user(ctx, email=email, database_id=database_id, table_id=table_id)
    path = str(Path(file).resolve())
    runner = build_runner(ctx)
    runner.name = runner.liveness.hold()  # a crash of this process fails the job visibly
    try:
        job = file_import.start_file(
            ctx, user, path, database_id=database_id, table_id=table_id,
            name=name or Path(file).stem[:255], first_row_header=header, delimiter=delimiter,
            runner=runner.name,
        )  # fmt: skip
        with _bar(f"importing {Path(file).name}") as bar:
            task = bar.add_task("import", total=100)
            runner.run(job, on_progress=lambda pct: bar.update(task, completed=pct))
    finally:
        runner.liveness.release()
    with ctx.db.read() as conn:
        done = jobs.load(conn, job.id)
    if done.state != jobs.FINISHED:
        raise click.ClickException(f"import {done.state}: {done.human_readable_error}")
    failing = done.result.get("report", {}).get("failing_rows", {})
    click.echo(f"imported into table {done.result.get('table_id')} ({len(failing)} rows failed)")


@main.command("export")
@click.argument("table_id", type=int)
@click.option("--format", "exporter_type", type=click.Choice(["csv", "json", "xml"]), default="csv")
@click.option("--view", "view_id", type=int, default=None, help="Export this grid view's rows.")
@click.option("-o", "--output", default=None, help="Write here (default: standard output).")
@click.option(
    "--user", "email", default=None, help="Act as this user (default: a workspace admin)."
)
@click.option("--data-dir", default=None, help="Data directory (default ./gridbase-data).")
def export_(
    table_id: int,
    exporter_type: str,
    view_id: int | None,
    output: str | None,
    email: str | None,
    data_dir: str | None,
) -> None:
    """Export a table (or one of its grid views) as the API's exporters write it, streamed a
    page at a time."""
    import sys

    from gridbase.app import build_context
    from gridbase.core import export, operator
    from gridbase.core.exporters import default_exporters

    ctx = build_context(_settings(data_dir))
    user = operator.acting_user(ctx, email=email, table_id=table_id)
    params = {"table_id": table_id, "view_id": view_id, "exporter_type": exporter_type}
    out: Any = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
    try:
        with _bar(f"exporting table {table_id}") as bar:
            task = bar.add_task("export", total=100)
            export.write_export(ctx, user, params, default_exporters(), out,
                                lambda pct: bar.update(task, completed=pct))  # fmt: skip
    finally:
        if output:
            out.close()


def _progress_run(label: str, run: Callable[[Any, Any], None]) -> None:
    """Run `run(on_pages, on_bytes)` under two rich progress bars: database pages, files."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn

    with Progress(
        "[progress.description]{task.description}", BarColumn(), TaskProgressColumn()
    ) as bars:
        pages = bars.add_task(f"{label} database (pages)", total=None)
        files = bars.add_task(f"{label} files", total=None)

        def on_pages(done: int, total: int) -> None:
            bars.update(pages, completed=done, total=total)

        def on_bytes(done: int, total: int) -> None:
            bars.update(files, completed=done, total=total)

        run(on_pages, on_bytes)
        for task in (pages, files):  # nothing to copy still shows as done
            total = bars.tasks[task].total or 1
            bars.update(task, total=total, completed=total)


@main.command()
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--data-dir", default=None, help="Data directory (default ./gridbase-data).")
@click.option("--force", is_flag=True, help="Overwrite a DEST that is not empty.")
def backup(dest: Path, data_dir: str | None, force: bool) -> None:
    """Copy the data directory (SQLite database, secret key, uploaded files) to DEST while
    the server runs: a consistent snapshot, taken with SQLite's online backup API."""
    from gridbase.storage import backup as copies

    settings = _settings(data_dir)
    if settings.database_url:
        raise click.ClickException(
            "gridbase backup copies an SQLite data directory; on PostgreSQL use pg_dump "
            "(see the README) and copy the media directory and the secret key yourself"
        )
    try:
        _progress_run(
            "backing up",
            lambda pages, files: copies.backup(
                settings.data_dir, dest, force=force, on_pages=pages, on_bytes=files
            ),
        )
    except copies.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written to {dest}")


@main.command()
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--data-dir", default=None, help="Data directory (default ./gridbase-data).")
@click.option("--force", is_flag=True, help="Replace the contents of a data directory in use.")
def restore(src: Path, data_dir: str | None, force: bool) -> None:
    """Restore a `gridbase backup` copy into the data directory (stop the server first)."""
    from gridbase.storage import backup as copies

    settings = _settings(data_dir)
    if settings.database_url:
        raise click.ClickException("gridbase restore restores SQLite; on PostgreSQL use pg_restore")
    try:
        _progress_run(
            "restoring",
            lambda pages, files: copies.restore(
                src, settings.data_dir, force=force, on_pages=pages, on_bytes=files
            ),
        )
    except copies.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {src} into {settings.data_dir}")


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
