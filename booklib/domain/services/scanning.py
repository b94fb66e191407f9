"""Reading an ISBN from a photo of a book's barcode."""

from __future__ import annotations

from ..errors import NoIsbnFoundError, ValidationError
from ..isbn import Isbn, is_valid_ean13
from ..ports import BarcodeReader


class ScanService:
    def __init__(self, reader: BarcodeReader):
        self.reader = reader

    def scan(self, image: bytes) -> Isbn:
        if not image:
            raise ValidationError("The uploaded file is empty.", field="image")
        codes = self.reader.read(image)
        for code in codes:
            if is_valid_ean13(code) and code.startswith(("978", "979")):
                return Isbn(code)
        if codes:
            raise NoIsbnFoundError(
                f"Found barcode {', '.join(codes[:3])}, but no ISBN (a book's EAN-13 starts with 978 or 979)."
            )
        raise NoIsbnFoundError("No barcode was found in the image. Try a sharper, closer photo.")
