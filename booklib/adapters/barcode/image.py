"""What the barcode readers share: safe image loading, detections, and conflict resolution."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from booklib.domain.errors import ImageTooLargeError, InvalidImageError
from booklib.domain.isbn import is_valid_ean13

# Formats phones and browsers send; other Pillow plugins are never tried on uploads.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")  # JPEG includes MPO (multi-picture JPEGs)
Image.init()  # registers the WEBP plugin, which Image.open(formats=...) does not load
DEFAULT_MAX_PIXELS = 50_000_000
# Photos are decoded at most this size: a phone's 12 MP shot still holds a barcode of
# hundreds of pixels at 1600 px, and decoding gets several times faster.
MAX_SIDE = 1600


def load_grayscale(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS, max_side: int = MAX_SIDE) -> Image.Image:
    """Bytes of an upload -> upright grayscale image, no side over max_side.

    The pixel count is checked from the header, before anything is decoded."""
    if not data:
        raise InvalidImageError("The uploaded file is empty.", field="image")
    try:
        img = Image.open(io.BytesIO(data), formats=FORMATS)  # lazy: reads the header only
    except Image.DecompressionBombError:
        raise ImageTooLargeError("The image has too many pixels.", field="image") from None
    except Exception:
        raise InvalidImageError("The file is not an image (JPEG, PNG, WebP, GIF or BMP).", field="image") from None
    width, height = img.size
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"The image is {width}x{height} pixels; at most {max_pixels:,} pixels are accepted.", field="image"
        )
    try:
        scale = max_side / max(width, height)
        if scale < 1:  # JPEG only: decode straight to grayscale at 1/2, 1/4 or 1/8 size
            img.draft("L", (max(1, int(width * scale)), max(1, int(height * scale))))
        img = ImageOps.exif_transpose(img)  # phones store portrait shots sideways plus an EXIF tag
        if img.mode in ("P", "PA", "LA", "RGBA") or "transparency" in img.info:
            img = Image.alpha_composite(Image.new("RGBA", img.size, "white"), img.convert("RGBA"))
        img = img.convert("L")
    except Image.DecompressionBombError:
        raise ImageTooLargeError("The image has too many pixels.", field="image") from None
    except Exception:
        raise InvalidImageError("The image file is damaged or truncated.", field="image") from None
    if max(img.size) > max_side:
        img.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    img.info["source_side"] = max(width, height)
    return img


def enlarged(data: bytes, first: Image.Image, max_pixels: int) -> Image.Image:
    """The image at twice the size of `first`: decoded again from the source where it has those
    pixels (a small barcode in a big photo), upscaled where it has not (bars only 1-2 px wide)."""
    side = 2 * max(first.size)
    img = first
    if first.info["source_side"] > max(first.size):
        img = load_grayscale(data, max_pixels, max_side=side)
    if max(img.size) < side:
        factor = side / max(img.size)
        img = img.resize((round(img.width * factor), round(img.height * factor)), Image.Resampling.BICUBIC)
    return img


def is_isbn(code: str) -> bool:
    return code.startswith(("978", "979")) and is_valid_ean13(code)


@dataclass(frozen=True)
class Detection:
    text: str
    box: tuple[float, float, float, float]  # left, top, right, bottom
    score: float  # how many scan lines agreed on the text

    def scaled(self, factor: float) -> "Detection":
        return Detection(self.text, tuple(v * factor for v in self.box), self.score * factor)

    def overlaps(self, other: "Detection") -> bool:
        """Same barcode: mostly the same columns, and rows that touch or nearly touch."""
        l1, t1, r1, b1 = self.box
        l2, t2, r2, b2 = other.box
        shared = min(r1, r2) - max(l1, l2)
        if shared < 0.5 * min(r1 - l1, r2 - l2):
            return False
        gap = max(t1, t2) - min(b1, b2)
        return gap < 0.1 * max(r1 - l1, r2 - l2)


def resolve_conflicts(found: list[Detection]) -> list[Detection]:
    """Keep a detection only if it beats every different reading of the same barcode 2 to 1.

    A damaged edge of a barcode can decode to other digits, even with a valid check digit
    (pyzbar read 9780204816638 for 9780804816632 on a fixture photo). The true reading is
    seen on many more scan lines; when it is not clearly ahead, both are dropped."""
    return [
        d
        for d in found
        if all(d.score >= 2 * o.score for o in found if o.text != d.text and o.overlaps(d))
    ]


def ordered_texts(found: list[Detection]) -> list[str]:
    """Texts without repeats, ISBNs first."""
    texts = list(dict.fromkeys(d.text for d in found))
    return [t for t in texts if is_isbn(t)] + [t for t in texts if not is_isbn(t)]


def ean13_text(text: str) -> str:
    """UPC-A is EAN-13 with a leading 0; report it the EAN-13 way so readers agree."""
    return "0" + text if len(text) == 12 else text


class ImageReader:
    """Base of the per-library readers: `detect` works on a loaded image, `read` is the port."""

    name = "?"
    available = True
    reason = ""

    def __init__(self, max_pixels: int = DEFAULT_MAX_PIXELS):
        self.max_pixels = max_pixels

    def detect(self, img: Image.Image) -> list[Detection]:
        raise NotImplementedError

    def read(self, image: bytes) -> list[str]:
        if not self.available:
            raise RuntimeError(self.reason)
        return ordered_texts(resolve_conflicts(self.detect(load_grayscale(image, self.max_pixels))))
