"""Image files kept by their content: `<media_dir>/<first two hex digits>/<sha256>.<ext>`.

Only JPEG, PNG, GIF and WebP are kept, recognised by their first bytes (never by a name or a header someone sent),
and only up to the size limit; anything else is refused with the reason. The same picture sent twice is the same
name, so it is written once.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


class ImageRefused(ValueError):
    """Bytes that are not kept: empty, too large, or not an image type we accept."""


@dataclass(frozen=True, slots=True)
class StoredImage:
    sha256: str
    size: int
    content_type: str
    path: str  # relative to the media directory, with "/" separators


def image_type(data: bytes) -> str | None:
    """The image type the first bytes announce (JPEG, PNG, GIF, WebP), None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def keep_image(media_dir: Path, data: bytes, max_bytes: int) -> StoredImage:
    """Check the bytes and keep them under their sha256 (once); raises ImageRefused with the reason."""
    if not data:
        raise ImageRefused("empty file")
    if len(data) > max_bytes:
        raise ImageRefused(f"{len(data)} bytes, more than the limit of {max_bytes}")
    content_type = image_type(data)
    if content_type is None:
        raise ImageRefused(f"not a JPEG, PNG, GIF or WebP image (first bytes {data[:8].hex()})")
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}.{EXTENSIONS[content_type]}"
    target = media_dir / relative
    if not (target.is_file() and target.stat().st_size == len(data)):
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{digest}.{uuid.uuid4().hex}.part")
        partial.write_bytes(data)
        os.replace(partial, target)  # atomic: a reader sees the whole file or none
    return StoredImage(sha256=digest, size=len(data), content_type=content_type, path=relative)
