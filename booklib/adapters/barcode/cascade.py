"""Several readers behind one BarcodeReader port: the image is loaded once, then looked at in
ever dearer ways, each by the readers in order, until an ISBN turns up."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from PIL import Image, ImageFilter

from .image import (
    DEFAULT_MAX_DECODED_BYTES,
    DEFAULT_MAX_PIXELS,
    WORK_SIDE,
    Detection,
    ImageReader,
    is_isbn,
    load_grayscale,
    ordered_texts,
    resolve_conflicts,
)

log = logging.getLogger(__name__)


def looks(big: Image.Image) -> Iterator[Image.Image]:
    """The photo as the readers should try it, cheapest first. `big` is at most 2 * WORK_SIDE."""
    first = big.copy()
    first.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BILINEAR)
    yield first
    # Slight blur runs thin bars and spaces together; an unsharp mask parts them again.
    yield first.filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=0))
    # Bars only 1-2 px wide, or a small barcode in a big photo, often read with twice the pixels:
    # taken from the photo where it has them, upscaled where it has not.
    size = (2 * first.width, 2 * first.height)
    yield big if big.size == size else big.resize(size, Image.Resampling.BICUBIC)


class CascadeReader:
    def __init__(
        self,
        readers: Sequence[ImageReader],
        max_pixels: int = DEFAULT_MAX_PIXELS,
        max_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    ):
        self.readers = list(readers)
        self.max_pixels = max_pixels
        self.max_bytes = max_bytes
        self.name = "+".join(r.name for r in self.readers)
        for reader in self.readers:
            if not reader.available:
                log.warning("barcode reader %s is unavailable: %s", reader.name, reader.reason)
        self.available = any(r.available for r in self.readers)
        self.reason = "; ".join(r.reason for r in self.readers if not r.available)

    def read(self, image: bytes) -> list[str]:
        big = load_grayscale(image, self.max_pixels, 2 * WORK_SIDE, self.max_bytes)
        readers = [r for r in self.readers if r.available]
        if not readers:
            raise RuntimeError(f"No barcode reader is available: {self.reason}")
        found: list[Detection] = []
        codes: list[str] = []
        first_side = None
        for img in looks(big):
            first_side = first_side or max(img.size)
            scale = first_side / max(img.size)  # detections are kept in the first look's pixels
            for reader in readers:
                found += [d.scaled(scale) for d in reader.detect(img)]
                codes = ordered_texts(resolve_conflicts(found))
                if codes and is_isbn(codes[0]):
                    return codes
        return codes
