"""Barcode images made in the tests: EAN-13s drawn from the GS1 tables, and decompression bombs."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

_L = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"]
_PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]


def _flip(bits: str) -> str:
    return bits.translate(str.maketrans("01", "10"))


def ean13_modules(code: str) -> str:
    """The 95 bars and spaces of an EAN-13 (1 = bar), from the GS1 encoding tables."""
    digits = [int(c) for c in code]
    left = "".join(
        _L[d] if parity == "L" else _flip(_L[d])[::-1] for d, parity in zip(digits[1:7], _PARITY[digits[0]])
    )
    right = "".join(_flip(_L[d]) for d in digits[7:])
    return "101" + left + "01010" + right + "101"


def barcode_image(*codes: str, module: int = 3, height: int = 150) -> Image.Image:
    """The codes side by side, printed black on white with quiet zones."""
    quiet = 12 * module
    width = quiet + len(codes) * (95 * module + quiet)
    img = Image.new("L", (width, height + 2 * quiet), 255)
    x = quiet
    for code in codes:
        for i, bit in enumerate(ean13_modules(code)):
            if bit == "1":
                img.paste(0, (x + i * module, quiet, x + (i + 1) * module, quiet + height))
        x += 95 * module + quiet
    return img


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def blank_1bit_png(width: int, height: int) -> bytes:
    """A valid white 1-bit PNG written by hand: huge on screen, a few KB on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" + b"\xff" * ((width + 7) // 8)  # filter byte, then the pixels
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def declaring_size(data: bytes, width: int, height: int) -> bytes:
    """A small PNG or baseline/progressive JPEG whose header claims another size: cheap to make,
    and enough for code that must refuse it before decoding."""
    if data.startswith(b"\x89PNG"):
        chunk = b"IHDR" + struct.pack(">II", width, height) + data[24:29]  # depth, colour type, ...
        return data[:12] + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]
    at = min(i for i in (data.find(b"\xff\xc0"), data.find(b"\xff\xc2")) if i >= 0)  # frame header
    return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]


def blank_rle8_bmp(width: int, height: int) -> bytes:
    """A valid white 8-bit RLE-compressed BMP written by hand: each row a few runs of 255 pixels."""
    runs = [(255, 255)] * (width // 255) + ([(width % 255, 255)] if width % 255 else [])
    row = b"".join(bytes(run) for run in runs) + b"\0\0"  # (count, palette index) pairs, end of line
    data = row * height + b"\0\1"  # end of bitmap
    palette = b"".join(bytes([i, i, i, 0]) for i in range(256))
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 1, len(data), 2835, 2835, 256, 0)
    offset = 14 + len(info) + len(palette)
    return b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + palette + data
