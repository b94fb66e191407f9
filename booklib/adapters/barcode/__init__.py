"""Image -> barcode texts: zxing-cpp and pyzbar readers, and the cascade the app uses."""

from __future__ import annotations

from .cascade import CascadeReader
from .image import DEFAULT_MAX_DECODED_BYTES, DEFAULT_MAX_PIXELS, ImageReader
from .pyzbar import PyzbarReader
from .zxingcpp import ZxingCppReader

READERS: dict[str, type[ImageReader]] = {"zxingcpp": ZxingCppReader, "pyzbar": PyzbarReader}


def make_barcode_reader(
    names: tuple[str, ...] = ("zxingcpp", "pyzbar"),
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> CascadeReader:
    """The cascade of the named readers, in that order (settings.barcode_readers). A reader whose
    library is missing (pyzbar without libzbar0) is kept but skipped, and said so once in the log."""
    if not names:
        raise ValueError(f"No barcode reader configured: choose from {', '.join(READERS)}.")
    unknown = [n for n in names if n not in READERS]
    if unknown:
        raise ValueError(f"Unknown barcode reader {', '.join(map(repr, unknown))}: choose from {', '.join(READERS)}.")
    readers = [READERS[n](max_pixels, max_decoded_bytes) for n in names]
    return CascadeReader(readers, max_pixels, max_decoded_bytes)


__all__ = ["CascadeReader", "PyzbarReader", "ZxingCppReader", "make_barcode_reader"]
