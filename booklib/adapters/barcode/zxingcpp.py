"""Barcode reader on zxing-cpp (pip wheel, no system library needed)."""

from __future__ import annotations

from PIL import Image

from .image import DEFAULT_MAX_DECODED_BYTES, DEFAULT_MAX_PIXELS, Detection, ImageReader, ean13_text


class ZxingCppReader(ImageReader):
    name = "zxingcpp"

    def __init__(self, max_pixels: int = DEFAULT_MAX_PIXELS, max_bytes: int = DEFAULT_MAX_DECODED_BYTES):
        super().__init__(max_pixels, max_bytes)
        try:
            import zxingcpp
        except ImportError as exc:
            self.available = False
            self.reason = f"zxing-cpp is not installed (pip install zxing-cpp): {exc}"
            return
        self._zxing = zxingcpp
        fmt = zxingcpp.BarcodeFormat
        # Add-ons (EAN-2/5 price codes) are left alone: they only carry a price, and asking
        # for them makes zxing-cpp glue their digits onto the main code's text.
        self._options = dict(
            formats=[fmt.EAN13, fmt.UPCA, fmt.EAN8],
            try_rotate=True,
            try_invert=False,  # book barcodes are printed dark on light
            ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Ignore,
        )

    def detect(self, img: Image.Image, smaller_too: bool = True) -> list[Detection]:
        found = []
        for barcode in self._zxing.read_barcodes(img, try_downscale=smaller_too, **self._options):
            p = barcode.position
            xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
            ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
            box = (min(xs), min(ys), max(xs), max(ys))
            # zxing-cpp spans the rows on which the code decoded: their count is the evidence.
            found.append(Detection(ean13_text(barcode.text), box, box[3] - box[1] + 1))
        return found
