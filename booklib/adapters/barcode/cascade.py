"""Several readers behind one BarcodeReader port: the image is loaded once, then looked at in
ever dearer ways, each by the readers in order, until an ISBN turns up."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Iterator, Sequence

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

# An unsharp radius of 2 px suits the blur of close-ups of up to SHARP_SIDE; bigger ones are reduced first.
SHARP_SIDE = 640
SHARPEN = ImageFilter.UnsharpMask(radius=2, percent=150, threshold=0)


def looks(first: Image.Image, load: Callable[[int], Image.Image]) -> Iterator[tuple[Image.Image, bool]]:
    """The photo as the readers should try it, cheapest first, and whether smaller copies of that
    look are worth trying too. `first` is the photo at most WORK_SIDE; `load(side)` decodes it again.

    zxing-cpp already binarises locally, turns the image by 90 degrees and tries it smaller. A
    contrast stretch, its global-histogram binariser and turns of 4-8 degrees read none of the
    fixture photos these looks miss, at any scale from 1/2 to 3, so they are not tried."""
    yield first, True
    # Slight blur runs thin bars and spaces together; sharpening parts them again.
    yield first.reduce(math.ceil(max(first.size) / SHARP_SIDE)).filter(SHARPEN), False
    # Bars only 1-2 px wide, or a small barcode in a big photo, often read with twice the pixels:
    # decoded again where the photo has them, upscaled where it has not.
    big = load(2 * WORK_SIDE) if first.info["source_side"] > max(first.size) else first
    if max(big.size) < 1.5 * max(first.size):
        big = big.resize((2 * first.width, 2 * first.height), Image.Resampling.BICUBIC)
    yield big, False


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
        first = load_grayscale(image, self.max_pixels, WORK_SIDE, self.max_bytes)  # refuses bad uploads first
        readers = [r for r in self.readers if r.available]
        if not readers:
            raise RuntimeError(f"No barcode reader is available: {self.reason}")
        found: list[Detection] = []
        codes: list[str] = []
        load = functools.partial(load_grayscale, image, self.max_pixels, max_bytes=self.max_bytes)
        for img, smaller_too in looks(first, load):
            scale = max(first.size) / max(img.size)  # detections are kept in `first`'s pixels
            for reader in readers:
                found += [d.scaled(scale) for d in reader.detect(img, smaller_too)]
                codes = ordered_texts(resolve_conflicts(found))
                if codes and is_isbn(codes[0]):
                    return codes
        return codes
