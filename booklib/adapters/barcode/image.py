"""What the barcode readers share: image loading on a memory budget, detections, conflict resolution."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageOps

from booklib.domain.errors import ImageTooLargeError, InvalidImageError
from booklib.domain.isbn import is_valid_ean13

# Formats phones and browsers send; other Pillow plugins are never tried on uploads.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")  # JPEG includes MPO (multi-picture JPEGs)
Image.init()  # registers the WEBP plugin, which Image.open(formats=...) does not load
DEFAULT_MAX_PIXELS = 50_000_000
# Pillow's own pixel buffers while an upload is decoded and greyed stay under this, so a scan
# stays well inside a 512 MB Lambda whatever the file: a 6 KB PNG can declare 49 megapixels.
DEFAULT_MAX_DECODED_BYTES = 100 * 2**20
# Barcodes are first looked for at most this size: a phone's 12 MP shot still holds a barcode
# of hundreds of pixels at 1024 px, and decoding is several times faster than at full size.
WORK_SIDE = 1024

# Pillow keeps 8-bit single-band images in one byte a pixel, 16-bit grey in two, the rest in four.
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}
_ALPHA_MODES = ("LA", "PA", "RGBA")


def decoding_bytes(img: Image.Image, source_size: tuple[int, int]) -> int:
    """Bytes held at the peak of decoding `img` (drafted, for JPEGs, from `source_size`) and
    greying it on white paper: Pillow's pixel buffers, and what the format's decoder keeps."""
    per_pixel = _BYTES_PER_PIXEL.get(img.mode, 4) + 1  # the decoded pixels, then their grey copy
    if img.mode in _ALPHA_MODES:
        per_pixel += 1 + 4 * (img.mode == "PA")  # the white page they are laid on; PA goes by LA
    elif "transparency" in img.info and img.mode not in ("P", "L"):
        per_pixel += 4 + 1  # an RGBA copy carrying the transparent colour, and the white page
    if img.format == "WEBP":
        per_pixel += 3 * 4  # libwebp's canvas and previous frame, and the bytes it hands to Pillow
    if img.tile and img.tile[0][0] == "bmp_rle":
        per_pixel += 2  # Pillow's RLE decoder builds the pixels in a bytearray, then copies that
    total = img.width * img.height * per_pixel
    if img.info.get("progressive") and getattr(img, "layer", None):
        # libjpeg holds every DCT coefficient of a progressive JPEG, 2 bytes per sample of each
        # component at full size, whatever size it is drafted to.
        h_max, v_max = max(c[1] for c in img.layer), max(c[2] for c in img.layer)
        samples = sum(h * v for _, h, v, _ in img.layer) / (h_max * v_max)
        total += int(2 * samples * source_size[0] * source_size[1])
    return total


def _palette_on_white(img: Image.Image) -> list[int]:
    """Grey level of each palette entry laid on white, so a P image turns grey by a lookup."""
    rgb = img.getpalette("RGB") or []
    rgb += [0] * (768 - len(rgb))
    alpha = [255] * 256
    transparency = img.info.get("transparency")
    if isinstance(transparency, int):
        alpha[transparency] = 0
    elif isinstance(transparency, bytes):
        alpha[: len(transparency)] = transparency
    return [
        round((r * 299 + g * 587 + b * 114) / 1000 * a / 255 + 255 - a)
        for (r, g, b), a in zip(zip(rgb[0::3], rgb[1::3], rgb[2::3]), alpha)
    ]


def grey_on_white(img: Image.Image) -> Image.Image:
    """8-bit grey, transparent parts as white paper, with no RGBA copy of P, L or LA images."""
    if img.mode == "P":
        return img.point(_palette_on_white(img), "L")
    if img.mode == "L" and isinstance(img.info.get("transparency"), int):
        key = img.info["transparency"]
        return img.point([255 if v == key else v for v in range(256)])
    if "transparency" in img.info and img.mode not in _ALPHA_MODES:
        img = img.convert("RGBA")
    if img.mode in _ALPHA_MODES:
        img = img.convert("LA") if img.mode == "PA" else img
        page = Image.new("L", img.size, 255)
        page.paste(img, mask=img)  # the alpha band is the mask; the pixels are greyed on the way
        page.info = img.info  # keeps the EXIF orientation
        return page
    return img if img.mode == "L" else img.convert("L")


def _open(data: bytes) -> Image.Image:
    if not data:
        raise InvalidImageError("The uploaded file is empty.", field="image")
    try:
        return Image.open(io.BytesIO(data), formats=FORMATS)  # lazy: reads the header only
    except Image.DecompressionBombError:
        raise ImageTooLargeError("The image has too many pixels.", field="image") from None
    except Exception:
        raise InvalidImageError("The file is not an image (JPEG, PNG, WebP, GIF or BMP).", field="image") from None


def load_grayscale(
    data: bytes,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = WORK_SIDE,
    max_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> Image.Image:
    """Bytes of an upload -> upright grayscale image, no side over max_side (a big JPEG comes out
    between half of max_side and max_side, the nearest its DCT scaling can do).

    Pixels and decoding bytes are checked from the header, before anything is decoded."""
    img = _open(data)
    width, height = img.size
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"The image is {width}x{height} pixels; at most {max_pixels:,} pixels are accepted.", field="image"
        )
    scale = max_side / max(width, height)
    if scale < 1:
        # JPEG only: decoded straight to grey at 1/2, 1/4 or 1/8 of the size, the smallest that
        # keeps at least half of max_side, so that it seldom needs resizing after.
        img.draft("L", (math.ceil(width * scale / 2), math.ceil(height * scale / 2)))
    needed = decoding_bytes(img, (width, height))
    if needed > max_bytes:
        raise ImageTooLargeError(
            f"The image is {width}x{height} pixels in mode {img.mode}: decoding it would take "
            f"{needed / 2**20:.0f} MiB, more than the {max_bytes / 2**20:.0f} MiB allowed.",
            field="image",
        )
    try:
        img.load()  # here, so that a truncated file is reported as such
        img = grey_on_white(img)
        if max(img.size) > max_side:
            img.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
        # Phones store portrait shots sideways plus an EXIF tag; turning the small grey copy is cheap.
        ImageOps.exif_transpose(img, in_place=True)
        img.info["source_side"] = max(width, height)
    except Image.DecompressionBombError:
        raise ImageTooLargeError("The image has too many pixels.", field="image") from None
    except Exception:
        raise InvalidImageError("The image file is damaged or truncated.", field="image") from None
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

    def __init__(self, max_pixels: int = DEFAULT_MAX_PIXELS, max_bytes: int = DEFAULT_MAX_DECODED_BYTES):
        self.max_pixels = max_pixels
        self.max_bytes = max_bytes

    def detect(self, img: Image.Image, smaller_too: bool = True) -> list[Detection]:
        """Barcodes in `img`; smaller_too: also look at reduced copies, where the reader can."""
        raise NotImplementedError

    def read(self, image: bytes) -> list[str]:
        if not self.available:
            raise RuntimeError(self.reason)
        img = load_grayscale(image, self.max_pixels, max_bytes=self.max_bytes)
        return ordered_texts(resolve_conflicts(self.detect(img)))
