"""Image -> barcode texts: zxing-cpp and pyzbar readers, and the cascade the app uses."""

from __future__ import annotations

from .cascade import CascadeReader
from .image import DEFAULT_MAX_PIXELS, ImageReader
from .pyzbar import PyzbarReader
from .zxingcpp import ZxingCppReader

READERS: dict[str, type[ImageReader]] = {"zxingcpp": ZxingCppReader, "pyzbar": PyzbarReader}


def make_barcode_reader(
    names: tuple[str, ...] = ("zxingcpp", "pyzbar"), max_pixels: int = DEFAULT_MAX_PIXELS
) -> CascadeReader:
    """The cascade of the named readers, in that order (settings.barcode_readers)."""
    if not names:
        raise ValueError(f"No barcode reader configured: choose from {', '.join(READERS)}.")
    unknown = [n for n in names if n not in READERS]
    if unknown:
        raise ValueError(f"Unknown barcode reader {', '.join(map(repr, unknown))}: choose from {', '.join(READERS)}.")
    return CascadeReader([READERS[n](max_pixels) for n in names], max_pixels)


__all__ = ["CascadeReader", "PyzbarReader", "ZxingCppReader", "make_barcode_reader"]
