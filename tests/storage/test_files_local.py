"""LocalStorage: moving a finished file in is a rename (no copy), deleting is idempotent, and
no path leaves the media directory."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gridbase.storage.files import LocalStorage


def test_move_in_renames_the_file_and_delete_removes_it(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")
    source = tmp_path / "tmp" / "export.part"
    source.parent.mkdir()
    source.write_bytes(b"id,Name\n1,a\n")
    inode = source.stat().st_ino
    storage.move_in("export_files/x.csv", source)
    stored = storage.open("export_files/x.csv")
    assert stored is not None and stored.local_path is not None
    assert (stored.size, stored.local_path.read_bytes()) == (12, b"id,Name\n1,a\n")
    assert stored.local_path.stat().st_ino == inode  # the same file: not copied
    assert not source.exists()
    storage.delete("export_files/x.csv")
    storage.delete("export_files/x.csv")  # already gone: nothing happens
    assert storage.open("export_files/x.csv") is None


def test_paths_outside_the_media_directory_are_refused(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")
    storage.save("user_files/a.txt", io.BytesIO(b"a"))
    (tmp_path / "secret.key").write_text("s")
    with pytest.raises(ValueError):
        storage.delete("../secret.key")
    source = tmp_path / "part"
    source.write_bytes(b"x")
    with pytest.raises(ValueError):
        storage.move_in("../outside", source)
    assert (tmp_path / "secret.key").exists() and not (tmp_path / "outside").exists()
    assert not source.exists()  # consumed either way
