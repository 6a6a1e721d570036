"""Lossless metadata removal for PNG, GIF and WebP: the source's own bytes minus what is private.

When re-encoding does not make a file smaller but the source carries metadata that must not ship
(text chunks, comments, EXIF, XMP), the source with those blocks cut out is the smallest clean
file: the image data is copied byte for byte, so the pixels, frames and timing are the source's.
Each function returns None when the file does not parse as expected; the caller then keeps the
re-encode.
"""

from __future__ import annotations

import struct
import zlib

# PNG ancillary chunks that change how the image looks or moves; every other one is dropped
# (tEXt, zTXt, iTXt, tIME, eXIf and any private chunk). pHYs only states a pixel density.
_PNG_KEEP = frozenset(
    [b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs", b"acTL", b"fcTL", b"fdAT"]
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# GIF application extensions that only say how often to loop, and the colour profile one.
_GIF_KEEP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")
# WebP chunks holding metadata, and the VP8X flag bits that announce them.
_WEBP_DROP = {b"EXIF": 0x08, b"XMP ": 0x04}


def strip_metadata(fmt: str, data: bytes) -> bytes | None:
    """`data` without its metadata blocks, or None when `fmt` has no stripper or `data` is odd."""
    try:
        if fmt == "png":
            return _strip_png(data)
        if fmt == "gif":
            return _strip_gif(data)
        if fmt == "webp":
            return _strip_webp(data)
    except (IndexError, struct.error):
        return None
    return None


def _strip_png(data: bytes) -> bytes | None:
    if not data.startswith(_PNG_SIGNATURE):
        return None
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data) or len(kind) != 4:
            return None
        chunk = data[pos:end]
        if zlib.crc32(chunk[4:-4]) != struct.unpack(">I", chunk[-4:])[0]:
            return None
        critical = kind[0:1].isupper()
        if critical or kind in _PNG_KEEP:
            out.append(chunk)
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    return None  # no IEND: truncated


def _strip_gif(data: bytes) -> bytes | None:
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        return None
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    out = [data[:pos]]
    while True:
        block = data[pos]
        if block == 0x3B:  # trailer; anything after it is not part of the image
            out.append(b";")
            return b"".join(out)
        if block == 0x2C:  # image descriptor, local colour table, LZW code size, data
            local = data[pos + 9]
            start = pos
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1
            pos = _skip_sub_blocks(data, pos)
            out.append(data[start:pos])
        elif block == 0x21:
            label, start = data[pos + 1], pos
            pos = _skip_sub_blocks(data, pos + 2)
            app_id = data[start + 3 : start + 14] if label == 0xFF else b""
            if label in (0xF9, 0x01) or app_id in _GIF_KEEP_APPS:  # frame control, plain text
                out.append(data[start:pos])
        else:
            return None


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    """The position after the sub-blocks starting at `pos` (each a length byte, then data)."""
    while (size := data[pos]) != 0:
        pos += 1 + size
    return pos + 1


def _strip_webp(data: bytes) -> bytes | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunks = []
    pos = 12
    cleared = 0
    while pos < len(data):
        kind = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + size + (size & 1)
        if end > len(data):
            return None
        if kind in _WEBP_DROP:
            cleared |= _WEBP_DROP[kind]
        else:
            chunks.append(bytearray(data[pos:end]))
        pos = end
    if chunks and chunks[0][:4] == b"VP8X":
        chunks[0][8] &= ~cleared & 0xFF
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
