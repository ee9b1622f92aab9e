"""Test pictures, and the AI bot's image encryption as WeCom documents it, written here independently of the bot.

The scheme (official SDK WecomTeam/aibot-node-sdk, `src/crypto.ts`): AES-256-CBC, key = base64 decoding of the key
text (an EncodingAESKey, or an image's `aeskey`), IV = the key's first 16 bytes, PKCS#7 padding to a multiple of
32 bytes.
"""

from __future__ import annotations

import base64
import struct
import zlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def png(shade: int = 0, size: int = 4) -> bytes:
    """A real PNG: `size`×`size` grey pixels of one shade (different shades, different files)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([shade % 256]) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def encrypt_for_aibot(data: bytes, key_text: str) -> bytes:
    """What the AI bot's image link serves for these bytes."""
    key = base64.b64decode(key_text + "=" * (-len(key_text) % 4))
    assert len(key) == 32
    pad = 32 - len(data) % 32
    padded = data + bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def aeskey(seed: int) -> str:
    """A per-image key as the long connection gives it (base64 of 32 bytes)."""
    return base64.b64encode(bytes((seed + i) % 256 for i in range(32))).decode("ascii")
