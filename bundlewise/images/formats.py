"""The allow-list of image formats: names, extensions and content sniffing."""

from __future__ import annotations

from bundlewise.file_kinds import content_type

# Extension → format. Only these are ever decoded (never EPS, which would run Ghostscript).
EXTENSIONS = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".jfif": "jpeg",
    ".png": "png",
    ".gif": "gif",
    ".webp": "webp",
    ".avif": "avif",
    ".svg": "svg",
}
FILE_EXT = {
    "jpeg": ".jpg",
    "png": ".png",
    "gif": ".gif",
    "webp": ".webp",
    "avif": ".avif",
    "svg": ".svg",
}
LABELS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WebP", "avif": "AVIF", "svg": "SVG"}
PIL_NAMES = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "avif": "AVIF"}
MIME_TYPES = {fmt: content_type(f"image{ext}") for fmt, ext in FILE_EXT.items()}  # `file_kinds`


def sniff(data: bytes) -> str | None:
    """The allow-listed format `data` starts like, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "avif"
    if _looks_like_svg(data):
        return "svg"
    return None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (
        head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in data.lower()
    )


def is_lossless_webp(data: bytes) -> bool:
    """A WebP holding a lossless (VP8L) bitstream; re-encoding it lossy would change pixels."""
    return data[12:16] == b"VP8L" or (data[12:16] == b"VP8X" and b"VP8L" in data[30:4096])
