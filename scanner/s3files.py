"""A read-only fsspec filesystem for `s3://` over boto3 (used when s3fs is not installed).

s3fs needs aiobotocore, which pins botocore to a narrower range than the boto3 the AWS
collector uses, so pscan reads snapshots on S3 with boto3 itself: `HeadObject` and
`ListObjectsV2` for what exists, `GetObject` with a byte range for each block read.
The client takes boto3's usual credentials and settings (`AWS_PROFILE`, `AWS_REGION`,
`AWS_ENDPOINT_URL_S3`); it is made in the process that reads, so each worker has its own.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from fsspec.spec import AbstractBufferedFile, AbstractFileSystem

__all__ = ["S3Files"]

_MISSING = ("404", "NoSuchKey", "NotFound")


class S3Object(AbstractBufferedFile):  # type: ignore[misc]  # fsspec has no type hints
    """One object, read a block at a time (`GetObject` with `Range`)."""

    def _fetch_range(self, start: int, end: int) -> bytes:
        if start >= end:
            return b""
        bucket, key = S3Files.split(self.path)
        try:
            response = self.fs.client.get_object(
                Bucket=bucket, Key=key, Range=f"bytes={start}-{end - 1}"
            )
            body: bytes = response["Body"].read()
        except (BotoCoreError, ClientError) as exc:  # read errors reach readers as OSError
            msg = f"s3://{self.path}: {exc}"
            raise OSError(msg) from None
        return body


class S3Files(AbstractFileSystem):  # type: ignore[misc]
    """`s3://bucket/key`: objects are files, key prefixes ending in `/` are directories."""

    protocol = ("s3", "s3a")
    root_marker = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("s3")
        return self._client

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        for prefix in ("s3://", "s3a://"):
            path = path.removeprefix(prefix)
        return path.rstrip("/")

    @staticmethod
    def split(path: str) -> tuple[str, str]:
        """`bucket/key` as (bucket, key)."""
        bucket, _, key = path.partition("/")
        return bucket, key

    def info(self, path: str, **_kwargs: Any) -> dict[str, Any]:
        path = self._strip_protocol(path)
        bucket, key = self.split(path)
        if key:
            try:
                head = self.client.head_object(Bucket=bucket, Key=key)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in _MISSING:
                    raise
            else:
                return {"name": path, "size": head["ContentLength"], "type": "file"}
        prefix = f"{key}/" if key else ""
        listed = self.client.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
        if listed.get("KeyCount", 0):
            return {"name": path, "size": 0, "type": "directory"}
        raise FileNotFoundError(path)

    def ls(self, path: str, detail: bool = True, **_kwargs: Any) -> list[Any]:
        path = self._strip_protocol(path)
        bucket, key = self.split(path)
        out: list[dict[str, Any]] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=f"{key}/" if key else "", Delimiter="/"
        )
        for page in pages:
            for common in page.get("CommonPrefixes", ()):
                name = f"{bucket}/{common['Prefix'].rstrip('/')}"
                out.append({"name": name, "size": 0, "type": "directory"})
            for item in page.get("Contents", ()):
                out.append(
                    {"name": f"{bucket}/{item['Key']}", "size": item["Size"], "type": "file"}
                )
        if not out:
            raise FileNotFoundError(path)
        return out if detail else [entry["name"] for entry in out]

    def _open(self, path: str, mode: str = "rb", **kwargs: Any) -> S3Object:
        if mode != "rb":
            msg = f"s3://{self._strip_protocol(path)}: pscan only reads from S3"
            raise PermissionError(msg)
        return S3Object(self, self._strip_protocol(path), mode, **kwargs)
