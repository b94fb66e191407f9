"""Barcode reader on pyzbar, a wrapper of the system library libzbar (apt install libzbar0)."""

from __future__ import annotations

from PIL import Image

from .image import DEFAULT_MAX_DECODED_BYTES, DEFAULT_MAX_PIXELS, Detection, ImageReader, ean13_text


class PyzbarReader(ImageReader):
    name = "pyzbar"

    def __init__(self, max_pixels: int = DEFAULT_MAX_PIXELS, max_bytes: int = DEFAULT_MAX_DECODED_BYTES):
        super().__init__(max_pixels, max_bytes)
        try:  # imported here: pyzbar loads libzbar on import and fails without it
            from pyzbar import pyzbar
        except (ImportError, OSError) as exc:
            self.available = False
            self.reason = f"pyzbar cannot be used: the zbar library is missing (apt-get install libzbar0): {exc}"
            return
        self._pyzbar = pyzbar
        symbol = pyzbar.ZBarSymbol
        self._symbols = [symbol.EAN13, symbol.UPCA, symbol.EAN8]

    def detect(self, img: Image.Image, smaller_too: bool = True) -> list[Detection]:
        return [
            Detection(
                ean13_text(s.data.decode("ascii", "replace")),
                (s.rect.left, s.rect.top, s.rect.left + s.rect.width, s.rect.top + s.rect.height),
                s.quality,  # number of scan lines that read this text
            )
            for s in self._pyzbar.decode(img, symbols=self._symbols)
        ]
