"""Moved: esbuild's service protocol lives in `bundlewise.esbuild.protocol`."""

from bundlewise.esbuild.protocol import Packet, decode_packet, encode_packet

__all__ = ["Packet", "decode_packet", "encode_packet"]
