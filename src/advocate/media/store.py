"""A case's photo in the workspace: `photos/<digest>.jpg` beside the database.

The stored copy is already stripped of metadata and at most 4,096 px, so
the original (with its GPS position, maybe) never enters the workspace.
Files are named by their digest: replacing a photo never overwrites one a
queued post may still point to, and the same photo twice is stored once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import PhotoError
from .image import encode_within
from .limits import STORED, limits_for

FOLDER = "photos"
MAX_SOURCE_BYTES = 50_000_000


@dataclass(frozen=True)
class StoredPhoto:
    path: str       # relative to the workspace folder
    digest: str     # sha256 of the stored file
    width: int
    height: int


def store_photo(workspace: Path, source: Path) -> StoredPhoto:
    """Copy `source` into the workspace, re-encoded without metadata."""
    data = read_source(source)
    encoded = encode_within(data, STORED, where=str(source))
    return store_bytes(workspace, encoded.data, encoded.width, encoded.height, encoded.digest)


def store_bytes(workspace: Path, data: bytes, width: int, height: int, digest: str) -> StoredPhoto:
    relative = f"{FOLDER}/{digest}.jpg"
    target = Path(workspace) / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # never a half-written photo under its final name
    return StoredPhoto(relative, digest, width, height)


def read_source(source: Path) -> bytes:
    source = Path(source)
    try:
        size = source.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise PhotoError(f"{source} is {size:,} bytes; use a photo under {MAX_SOURCE_BYTES:,} bytes")
        return source.read_bytes()
    except FileNotFoundError:
        raise PhotoError(f"{source}: no such file; give the path of a JPEG, PNG or WebP photo") from None
    except IsADirectoryError:
        raise PhotoError(f"{source} is a folder; give the path of a photo file") from None
    except OSError as exc:
        raise PhotoError(f"{source}: cannot read it ({exc.strerror or exc})") from None


def photo_bytes(workspace: Path, relative: str) -> bytes:
    """The stored photo of a case; PhotoError when it has gone."""
    path = Path(workspace) / relative
    try:
        return path.read_bytes()
    except OSError:
        raise PhotoError(f"the case photo {path} is missing; set it again with 'advocate case photo'") from None


def prepare(data: bytes, network: str):
    """The stored photo re-encoded within `network`'s limits (an `Encoded`)."""
    return encode_within(data, limits_for(network), where=f"the photo for {network}")
