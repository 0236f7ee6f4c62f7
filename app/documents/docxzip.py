"""A minimal zip writer for .docx output that reuses parts compressed once.

A rendered document differs from its template only in a few XML parts (the body, headers,
footers). `Member.compress` deflates a part once; `write_zip` lays already-compressed members
out as a zip archive (local headers, data, central directory), so unchanged parts are never
compressed again. Timestamps are fixed, so the same input gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

DEFLATED = 8
_DOS_TIME = 0  # 00:00:00
_DOS_DATE = (2025 - 1980) << 9 | 1 << 5 | 1  # 1 January 2025
_VERSION = 20  # zip 2.0: deflate
_UTF8_NAMES = 0x0800
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_MAX = 0xFFFFFFFF


@dataclass(frozen=True)
class Member:
    """One compressed zip entry: its name, deflated data, CRC-32 and uncompressed size."""

    name: str
    data: bytes
    crc: int
    size: int

    @classmethod
    def compress(cls, name: str, raw: bytes, level: int = 6) -> Member:
        """Return the member for `raw`, deflated at `level` (raw deflate, as zip stores it)."""
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = packer.compress(raw) + packer.flush()
        return cls(name, data, zlib.crc32(raw), len(raw))


def write_zip(members: Iterable[Member]) -> bytes:
    """Return a zip archive holding `members` in order.

    Raises ValueError when the archive would need zip64 (over 4 GiB or 65535 entries).
    """
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for member in members:
        name = member.name.encode("utf-8")
        if max(len(member.data), member.size, offset) >= _MAX:
            raise ValueError("document te groot voor een zip zonder zip64")
        header = _LOCAL.pack(0x04034B50, _VERSION, _UTF8_NAMES, DEFLATED, _DOS_TIME, _DOS_DATE,
                             member.crc, len(member.data), member.size, len(name), 0)
        central.append(_CENTRAL.pack(0x02014B50, _VERSION, _VERSION, _UTF8_NAMES, DEFLATED,
                                     _DOS_TIME, _DOS_DATE, member.crc, len(member.data),
                                     member.size, len(name), 0, 0, 0, 0, 0, offset) + name)
        chunks += (header, name, member.data)
        offset += len(header) + len(name) + len(member.data)
        count += 1
    if count >= 0xFFFF:
        raise ValueError("te veel onderdelen voor een zip zonder zip64")
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, count, count, len(directory), offset, 0)
    return b"".join(chunks) + directory + end
