"""Image files are kept by their content: checked by their first bytes and size, named by sha256, written once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gridbot.storage.media_store import ImageRefused, image_type, keep_image
from tests.fakes.media import JPEG, PDF, png

GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00" + b"\x00" * 14


@pytest.mark.parametrize(
    ("data", "expected"),
    [(JPEG, "image/jpeg"), (png(1), "image/png"), (GIF, "image/gif"), (WEBP, "image/webp"), (PDF, None)],
)
def test_the_type_is_read_from_the_first_bytes(data: bytes, expected: str | None) -> None:
    assert image_type(data) == expected


def test_a_picture_is_kept_under_its_sha256(tmp_path: Path) -> None:
    picture = png(3)
    stored = keep_image(tmp_path, picture, 1_000_000)

    digest = hashlib.sha256(picture).hexdigest()
    assert (stored.sha256, stored.size, stored.content_type) == (digest, len(picture), "image/png")
    assert stored.path == f"{digest[:2]}/{digest}.png"
    assert (tmp_path / stored.path).read_bytes() == picture
    assert not list(tmp_path.rglob("*.part"))


def test_the_same_picture_twice_is_one_file_written_once(tmp_path: Path) -> None:
    first = keep_image(tmp_path, JPEG, 1_000_000)
    written = (tmp_path / first.path).stat().st_mtime_ns
    second = keep_image(tmp_path, JPEG, 1_000_000)

    assert second == first
    assert (tmp_path / first.path).stat().st_mtime_ns == written
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{first.sha256}.jpg"]
    assert keep_image(tmp_path, png(4), 1_000_000).path != first.path


@pytest.mark.parametrize(
    ("data", "reason"),
    [(PDF, "not a JPEG, PNG, GIF or WebP"), (b"", "empty"), (png(5, size=100), "more than the limit")],
)
def test_anything_else_is_refused_with_the_reason_and_nothing_is_written(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    with pytest.raises(ImageRefused, match=reason):
        keep_image(tmp_path, data, 100)
    assert list(tmp_path.iterdir()) == []
