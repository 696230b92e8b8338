"""Where a snapshot is read from: a local directory, or a URL on shared storage.

`pscan scan s3://bucket/snaps/2026-12-06` reads the snapshot where it is: the manifest
in the process that scans, and each partition in the process that evaluates it (a
worker of `--workers`, or a Dask worker of `--executor`), so no partition passes through
the client. Any filesystem fsspec knows serves a URL (`gs://` with gcsfs installed,
`abfs://` with adlfs, ...). `s3://` works without s3fs: pscan reads S3 through boto3
(`scanner.s3files`), with boto3's usual credentials and settings (`AWS_PROFILE`,
`AWS_ENDPOINT_URL_S3`, ...); s3fs, when installed, is used instead.

Snapshots are written only to local directories: `collect` writes atomically by renaming
a temporary directory, which object stores cannot do; copy a finished snapshot up
(`aws s3 sync`, `gcloud storage rsync`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import IO, Any

from scanner.errors import SnapshotError

__all__ = ["RemotePath", "SnapshotPath", "file_names", "is_url", "open_read", "snapshot_path"]


def is_url(value: str | Path) -> bool:
    """Whether `value` names a location by URL (`scheme://...`) rather than a local path."""
    return isinstance(value, str) and "://" in value and not value.startswith("file://")


class RemotePath:
    """A file or directory named by URL, with the few `Path` operations snapshots use."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.protocol = self.url.split("://", 1)[0]

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"RemotePath({self.url!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RemotePath) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    def __truediv__(self, name: str) -> RemotePath:
        return RemotePath(f"{self.url}/{name}")

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[-1]

    def absolute(self) -> RemotePath:
        return self

    def _fs(self) -> tuple[Any, str]:
        import fsspec

        _register_s3()
        try:
            fs, path = fsspec.core.url_to_fs(self.url)
        except (ImportError, ValueError) as exc:
            msg = f"{self.url}: cannot read {self.protocol}:// URLs ({exc})"
            raise SnapshotError(msg) from None
        return fs, path

    def file_names(self) -> set[str]:
        """The names of the files directly under this directory, in one listing.

        Raises:
            FileNotFoundError: nothing is stored under it.
        """
        fs, path = self._fs()
        entries = _storage_call(self, fs.ls, path, True)
        if not entries:
            raise FileNotFoundError(self.url)
        return {
            str(entry["name"]).rstrip("/").rsplit("/", 1)[-1]
            for entry in entries
            if entry["type"] == "file"
        }

    def is_file(self) -> bool:
        fs, path = self._fs()
        return bool(_storage_call(self, fs.isfile, path))

    def read_bytes(self) -> bytes:
        fs, path = self._fs()
        return bytes(_storage_call(self, fs.cat_file, path))

    def open_read(self) -> IO[bytes]:
        fs, path = self._fs()
        handle: IO[bytes] = _storage_call(self, fs.open, path, "rb")
        return handle


SnapshotPath = Path | RemotePath


def snapshot_path(value: str | Path | RemotePath) -> SnapshotPath:
    """A URL as a `RemotePath`, anything else as a local `Path`."""
    if isinstance(value, RemotePath):
        return value
    if isinstance(value, str) and value.startswith("file://"):
        return Path(value.removeprefix("file://"))
    return RemotePath(str(value)) if is_url(value) else Path(value)


def file_names(directory: SnapshotPath) -> set[str]:
    """The names of the files directly in a snapshot directory (one listing on remote
    storage, instead of a request per file).

    Raises:
        FileNotFoundError: there is no such directory.
    """
    if isinstance(directory, RemotePath):
        return directory.file_names()
    if not directory.is_dir():
        raise FileNotFoundError(str(directory))
    return {entry.name for entry in directory.iterdir() if entry.is_file()}


def open_read(path: SnapshotPath) -> IO[bytes]:
    """Open a file of a snapshot for reading, wherever it is."""
    if isinstance(path, RemotePath):
        return path.open_read()
    return open(path, "rb")


def _storage_call(where: RemotePath, call: Any, *args: Any) -> Any:
    """`call(*args)`, a storage error becoming an OSError that names the URL (readers
    turn OSError into their own one-line SnapshotError)."""
    try:
        return call(*args)
    except FileNotFoundError:
        raise
    except OSError as exc:
        msg = f"{where}: {exc}"
        raise OSError(msg) from None
    except Exception as exc:  # botocore, google-auth and the like raise their own types
        msg = f"{where}: {type(exc).__name__}: {exc}"
        raise OSError(msg) from None


def _register_s3() -> None:
    """Read `s3://` through boto3 unless s3fs is installed."""
    import fsspec

    if "s3" not in fsspec.registry and importlib.util.find_spec("s3fs") is None:
        from scanner.s3files import S3Files

        fsspec.register_implementation("s3", S3Files, clobber=True)
