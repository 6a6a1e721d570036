"""esbuild's service protocol: the binary packets its JS API exchanges with `esbuild --service`.

A packet is a little-endian uint32 length, then a uint32 `id << 1 | is_response`, then one value:
a tag byte and its payload (0 null, 1 bool, 2 int32, 3 UTF-8 string, 4 bytes, 5 array, 6 object
with string keys). The service's very first packet is its version string, unframed by any id.
This mirrors `lib/shared/stdio_protocol.ts` of the pinned esbuild; `EsbuildService` checks the
version before it sends anything, so a protocol change cannot go unnoticed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")


@dataclass(frozen=True)
class Packet:
    id: int
    is_request: bool
    value: Any


def encode_packet(packet: Packet) -> bytes:
    parts: list[bytes] = [_U32.pack(packet.id << 1 | (not packet.is_request))]
    _encode(packet.value, parts)
    body = b"".join(parts)
    return _U32.pack(len(body)) + body


def _encode(value: Any, out: list[bytes]) -> None:
    if value is None:
        out.append(b"\x00")
    elif isinstance(value, bool):
        out.append(b"\x01\x01" if value else b"\x01\x00")
    elif isinstance(value, int):
        out.append(b"\x02" + _I32.pack(value))
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogateescape")
        out.append(b"\x03" + _U32.pack(len(data)) + data)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        out.append(b"\x04" + _U32.pack(len(value)) + bytes(value))
    elif isinstance(value, (list, tuple)):
        out.append(b"\x05" + _U32.pack(len(value)))
        for item in value:
            _encode(item, out)
    elif isinstance(value, dict):
        out.append(b"\x06" + _U32.pack(len(value)))
        for key, item in value.items():
            data = key.encode()
            out.append(_U32.pack(len(data)) + data)
            _encode(item, out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} for esbuild")


def decode_packet(data: bytes) -> Packet:
    """One packet body (without its length prefix)."""
    reader = _Reader(memoryview(data))
    raw_id = reader.u32()
    value = reader.value()
    if reader.pos != len(data):
        raise ValueError("invalid packet from esbuild: trailing bytes")
    return Packet(raw_id >> 1, not raw_id & 1, value)


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise ValueError("invalid packet from esbuild: truncated")
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def u32(self) -> int:
        value: int = _U32.unpack(self.take(4))[0]
        return value

    def value(self) -> Any:
        tag = self.take(1)[0]
        if tag == 0:
            return None
        if tag == 1:
            return bool(self.take(1)[0])
        if tag == 2:
            return _I32.unpack(self.take(4))[0]
        if tag == 3:
            return str(self.take(self.u32()), "utf-8", "replace")
        if tag == 4:
            return bytes(self.take(self.u32()))
        if tag == 5:
            return [self.value() for _ in range(self.u32())]
        if tag == 6:
            return {str(self.take(self.u32()), "utf-8"): self.value() for _ in range(self.u32())}
        raise ValueError(f"invalid packet from esbuild: tag {tag}")
