"""CoverImaging with Pillow: a cover made into the sizes pages show, as JPEGs."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from booklib.domain.covers import COVER_SIZES
from booklib.domain.errors import ImageTooLargeError, InvalidImageError

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # what the book services send
# Covers are a megapixel or two; this keeps a decoded one well inside the worker's 256 MB.
DEFAULT_MAX_PIXELS = 16_000_000
# Narrower than this is a placeholder (Open Library's 1x1 without default=false), not a cover.
MIN_SIDE = 16
QUALITY = 82


class PillowCoverImaging:
    def __init__(self, max_pixels: int = DEFAULT_MAX_PIXELS):
        self.max_pixels = max_pixels

    def renditions(self, image: bytes) -> dict[str, bytes] | None:
        with self._open(image) as img:
            if min(img.size) < MIN_SIDE:
                return None
            img.draft("RGB", max(COVER_SIZES.values()))  # a big JPEG decodes straight at about the largest size
            try:
                picture = _on_white(ImageOps.exif_transpose(img))
            except (OSError, ValueError, SyntaxError) as exc:
                raise InvalidImageError(f"The cover image could not be read ({type(exc).__name__}).") from None
        out = {}
        # Largest first, each smaller size made from the one before (less to resample).
        for name, box in sorted(COVER_SIZES.items(), key=lambda item: -item[1][0] * item[1][1]):
            picture = _fitted(picture, box)
            out[name] = _jpeg(picture)
        return out

    def _open(self, data: bytes) -> Image.Image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img = Image.open(io.BytesIO(data), formats=FORMATS)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidImageError("The cover is not an image we can read.") from None
        if img.width * img.height > self.max_pixels:
            img.close()
            raise ImageTooLargeError(f"The cover has {img.width}x{img.height} pixels, more than we read.")
        return img


def _on_white(img: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (a JPEG has none)."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        page = Image.new("RGB", rgba.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
        return page
    return img.convert("RGB")


def _fitted(picture: Image.Image, box: tuple[int, int]) -> Image.Image:
    if picture.width <= box[0] and picture.height <= box[1]:
        return picture  # a small cover is never enlarged
    sized = picture.copy()
    sized.thumbnail(box, Image.Resampling.BICUBIC, reducing_gap=3.0)
    return sized


def _jpeg(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()
