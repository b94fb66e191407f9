"""Several readers behind one BarcodeReader port: the image is loaded once, readers tried in order."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from .image import (
    DEFAULT_MAX_PIXELS,
    Detection,
    ImageReader,
    is_isbn,
    load_grayscale,
    ordered_texts,
    resolve_conflicts,
    enlarged,
)

log = logging.getLogger(__name__)


class CascadeReader:
    def __init__(self, readers: Sequence[ImageReader], max_pixels: int = DEFAULT_MAX_PIXELS):
        self.readers = list(readers)
        self.max_pixels = max_pixels
        self.name = "+".join(r.name for r in self.readers)
        for reader in self.readers:
            if not reader.available:
                log.warning("barcode reader %s is unavailable: %s", reader.name, reader.reason)
        self.available = any(r.available for r in self.readers)
        self.reason = "; ".join(r.reason for r in self.readers if not r.available)

    def read(self, image: bytes) -> list[str]:
        first = load_grayscale(image, self.max_pixels)
        readers = [r for r in self.readers if r.available]
        if not readers:
            raise RuntimeError(f"No barcode reader is available: {self.reason}")
        found: list[Detection] = []
        # When no ISBN turns up, a second look at twice the size: bars only 1-2 px wide, or a
        # small barcode in a big photo, often read once they have more pixels.
        for attempt in (1, 2):
            img = first if attempt == 1 else enlarged(image, first, self.max_pixels)
            scale = max(first.size) / max(img.size)  # detections are kept in `first`'s pixels
            for reader in readers:
                found += [d.scaled(scale) for d in reader.detect(img)]
                codes = ordered_texts(resolve_conflicts(found))
                if codes and is_isbn(codes[0]):
                    return codes
        return codes
