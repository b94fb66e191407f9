"""Barcode readers: real photos, several codes in one image, hostile uploads, a missing libzbar."""

from __future__ import annotations

import io
import logging
import random
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from booklib.adapters.barcode import CascadeReader, PyzbarReader, ZxingCppReader, make_barcode_reader
from booklib.adapters.barcode.image import (
    DEFAULT_MAX_DECODED_BYTES,
    Detection,
    ImageReader,
    decoding_bytes,
    load_grayscale,
    resolve_conflicts,
)
from booklib.domain.errors import ImageTooLargeError, InvalidImageError, NoIsbnFoundError
from booklib.domain.ports import BarcodeReader
from booklib.domain.services import ScanService
from tests.support.barcodes import barcode_image, blank_1bit_png, blank_rle8_bmp, declaring_size, png

FIXTURES = Path(__file__).parent.parent / "fixtures" / "barcodes"
PHOTOS = sorted(FIXTURES.glob("*.png"))
MAX_PIXELS = 40_000_000
# These two photos expect the Japanese price code, but the book's ISBN is in the picture too.
ALSO_IN_PHOTO = {"ean13-2_23": "9784872348880", "ean13-2_28": "9784872348880"}


def expected(photo: Path) -> str:
    return photo.with_suffix(".txt").read_text().strip()


def make(reader_class) -> ImageReader:
    """A reader on its own; a test of pyzbar is skipped, saying why, where libzbar0 is missing."""
    reader = reader_class()
    if not reader.available:
        pytest.skip(reader.reason)
    return reader


def is_book(digits: str) -> bool:
    return digits.startswith(("978", "979"))


ISBN = "9784872348880"
PRICE_CODE = "1920081045006"  # Japanese books: a second barcode with the price
GROCERY = "4006381333931"  # an EAN-13 that is not a book


@pytest.fixture(scope="module")
def cascade() -> CascadeReader:
    return make_barcode_reader(("zxingcpp", "pyzbar"), MAX_PIXELS)


# --- real photos -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scanned(cascade) -> dict[str, str | None]:
    """The ISBN ScanService answers for every fixture photo (None when it finds none)."""
    service = ScanService(cascade)
    results = {}
    for photo in PHOTOS:
        try:
            results[photo.stem] = service.scan(photo.read_bytes()).value
        except NoIsbnFoundError:
            results[photo.stem] = None
    return results


def test_fixture_photos_are_all_there():
    assert len(PHOTOS) == 40
    assert sum(is_book(expected(p)) for p in PHOTOS) == 30


def test_no_photo_is_ever_misread(scanned):
    wrong = {
        photo.stem: (scanned[photo.stem], expected(photo))
        for photo in PHOTOS
        if scanned[photo.stem] not in (None, expected(photo), ALSO_IN_PHOTO.get(photo.stem))
    }
    assert not wrong, f"misread (got, expected): {wrong}"


def test_most_book_photos_are_read(scanned):
    books = [p for p in PHOTOS if is_book(expected(p))]
    missed = [p.stem for p in books if scanned[p.stem] != expected(p)]
    assert len(books) - len(missed) >= 26, f"read {len(books) - len(missed)}/{len(books)}; missed {missed}"


@pytest.mark.parametrize("reader_class", [ZxingCppReader, PyzbarReader])
@pytest.mark.parametrize("stem", ["ean13-3_01", "ean13-1_1", "upcean-extension-1_1"])
def test_each_reader_reads_clear_photos(reader_class, stem):
    photo = FIXTURES / f"{stem}.png"
    assert make(reader_class).read(photo.read_bytes()) == [expected(photo)]


def test_cascade_takes_a_second_look_at_twice_the_size():
    photo = FIXTURES / "ean13-1_34.png"  # a small, distant barcode
    reader = make_barcode_reader(("zxingcpp",), MAX_PIXELS)
    assert ZxingCppReader().read(photo.read_bytes()) == []
    assert reader.read(photo.read_bytes()) == [expected(photo)]


def test_a_small_barcode_in_a_big_photo_is_found_at_full_resolution():
    photo = Image.new("L", (4000, 3000), 180)
    photo.paste(barcode_image(ISBN, module=3, height=180), (1700, 1400))
    data = png(photo)
    assert ZxingCppReader().read(data) == []  # photos are first decoded at most 1024 px wide
    assert make_barcode_reader(("zxingcpp",), MAX_PIXELS).read(data) == [ISBN]


# --- several codes, and codes that are no ISBN -------------------------------------------------


@pytest.mark.parametrize("codes", [(PRICE_CODE, ISBN), (ISBN, PRICE_CODE)])
def test_isbn_comes_first_among_several_codes(cascade, codes):
    image = png(barcode_image(*codes))
    found = cascade.read(image)
    assert found[0] == ISBN
    assert set(found) <= {ISBN, PRICE_CODE}
    assert ScanService(cascade).scan(image).value == ISBN


@pytest.mark.parametrize("reader_class", [ZxingCppReader, PyzbarReader])
def test_each_reader_finds_both_codes(reader_class):
    assert make(reader_class).read(png(barcode_image(PRICE_CODE, ISBN))) == [ISBN, PRICE_CODE]


@pytest.mark.parametrize("code", [GROCERY, PRICE_CODE])
def test_a_non_book_barcode_is_returned_but_is_no_isbn(cascade, code):
    image = png(barcode_image(code))
    assert cascade.read(image) == [code]
    with pytest.raises(NoIsbnFoundError, match=code):
        ScanService(cascade).scan(image)


def test_a_picture_without_barcode_has_no_codes(cascade):
    image = png(Image.new("L", (320, 240), 200))
    assert cascade.read(image) == []
    with pytest.raises(NoIsbnFoundError, match="No barcode"):
        ScanService(cascade).scan(image)


def test_a_second_reading_of_the_same_barcode_loses_unless_clearly_outvoted():
    # pyzbar on ean13-2_01 at 1.5x: the true code on 221 scan lines, a wrong one on 15 just below.
    true = Detection("9780804816632", (142, 189, 611, 330), 221)
    wrong = Detection("9780204816638", (135, 344, 624, 392), 15)
    other_barcode = Detection(PRICE_CODE, (140, 600, 610, 640), 15)
    assert resolve_conflicts([true, wrong, other_barcode]) == [true, other_barcode]
    close_call = Detection("9780204816638", (135, 344, 624, 392), 200)
    assert resolve_conflicts([true, close_call]) == []


# --- hostile and odd uploads --------------------------------------------------------------------


def _truncated_png() -> bytes:
    data = (FIXTURES / "ean13-3_01.png").read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "data",
    [b"", random.Random(6).randbytes(4096), b"%PDF-1.7\n" + b"0" * 500, _truncated_png()],
    ids=["empty", "random", "pdf", "truncated-png"],
)
@pytest.mark.parametrize("reader_class", [ZxingCppReader, PyzbarReader, None])
def test_not_an_image_is_invalid(data, reader_class, cascade):
    reader = make(reader_class) if reader_class else cascade
    with pytest.raises(InvalidImageError):
        reader.read(data)


@pytest.mark.parametrize("width,height", [pytest.param(30_000, 30_000, marks=pytest.mark.slow), (8_000, 6_000)])
def test_decompression_bomb_is_refused_before_decoding(monkeypatch, cascade, width, height):
    bomb = blank_1bit_png(width, height)
    assert len(bomb) < 200_000

    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(ImageTooLargeError):
        cascade.read(bomb)


def _encoded(img: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


@pytest.mark.parametrize(
    "image, fmt, options",
    [
        (Image.new("RGBA", (8, 8)), "PNG", {}),
        (Image.new("LA", (8, 8)), "PNG", {}),
        (Image.new("RGB", (8, 8)), "JPEG", {"progressive": True, "subsampling": 0}),
    ],
    ids=["rgba-png", "la-png", "progressive-jpeg"],
)
def test_a_7000_px_image_too_costly_to_decode_is_refused_before_decoding(monkeypatch, image, fmt, options):
    data = declaring_size(_encoded(image, fmt, **options), 7000, 7000)  # 49 MP: within the pixel limit
    reader = make_barcode_reader(("zxingcpp",), max_pixels=50_000_000)

    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(ImageTooLargeError, match="MiB"):
        reader.read(data)


@pytest.mark.parametrize("mode", ["P", "1", "L"])
def test_the_issues_7000_px_palette_png_is_within_the_budget(mode):
    data = declaring_size(_encoded(Image.new(mode, (8, 8))), 7000, 7000)
    img = Image.open(io.BytesIO(data))
    assert img.size == (7000, 7000)
    assert decoding_bytes(img, img.size) <= DEFAULT_MAX_DECODED_BYTES


def test_a_7000_px_rle_bmp_is_refused_before_decoding(monkeypatch):
    assert load_grayscale(blank_rle8_bmp(300, 200), MAX_PIXELS).size == (300, 200)  # a valid BMP
    reader = make_barcode_reader(("zxingcpp",), max_pixels=50_000_000)
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("the image was decoded"))
    with pytest.raises(ImageTooLargeError, match="MiB"):
        reader.read(blank_rle8_bmp(7000, 7000))


def test_webp_costs_more_than_its_pixels():
    budget = 16 * 2**20  # a 1000x1000 RGB PNG takes 5 MB; libwebp keeps three more copies
    reader = make_barcode_reader(("zxingcpp",), max_decoded_bytes=budget)
    assert reader.read(_encoded(Image.new("RGB", (1000, 1000), "white"))) == []
    with pytest.raises(ImageTooLargeError, match="MiB"):
        reader.read(_encoded(Image.new("RGB", (1000, 1000), "white"), "WEBP"))


def test_the_budget_comes_from_configuration():
    reader = make_barcode_reader(("zxingcpp",), max_pixels=10_000, max_decoded_bytes=10_000)
    with pytest.raises(ImageTooLargeError, match="MiB"):
        reader.read(png(Image.new("RGB", (100, 100))))


@pytest.mark.parametrize("transparency", ["index", "alpha-table"])
def test_a_transparent_palette_png_is_greyed_on_white_without_rgba_copies(monkeypatch, transparency):
    barcode = barcode_image(ISBN).convert("P")  # palette entries 0 (bars) and 255 (paper)
    options = {"transparency": 255} if transparency == "index" else {"transparency": bytes([255] * 255 + [0])}
    data = _encoded(barcode, **options)
    convert = Image.Image.convert
    modes = []

    def spy(self, mode=None, *args, **kwargs):
        modes.append(mode)
        return convert(self, mode, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "convert", spy)
    assert make_barcode_reader(("zxingcpp",), MAX_PIXELS).read(data) == [ISBN]
    assert "RGBA" not in modes and "RGB" not in modes


def test_pixel_limit_comes_from_configuration():
    reader = make_barcode_reader(("zxingcpp",), max_pixels=10_000)
    with pytest.raises(ImageTooLargeError):
        reader.read(png(Image.new("L", (101, 100), 255)))


def test_phone_photo_is_turned_upright_and_made_smaller():
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # EXIF orientation: rotate 90° to view
    Image.new("RGB", (4000, 3000), "white").save(buf, "JPEG", exif=exif)
    img = load_grayscale(buf.getvalue(), MAX_PIXELS)
    assert img.mode == "L"
    assert img.size == (750, 1000)  # decoded at a quarter of the size, which fits 1024 px


def test_transparent_png_is_read_on_white():
    barcode = barcode_image(ISBN).convert("LA")
    barcode.putalpha(barcode.getchannel("L").point(lambda v: 255 - v))  # bars opaque, paper transparent
    assert make_barcode_reader(("zxingcpp",), MAX_PIXELS).read(png(barcode)) == [ISBN]


# --- configuration and a missing libzbar ---------------------------------------------------------


def test_factory_builds_the_port_in_the_configured_order():
    reader = make_barcode_reader(("pyzbar", "zxingcpp"), MAX_PIXELS)
    assert isinstance(reader, BarcodeReader)
    assert [r.name for r in reader.readers] == ["pyzbar", "zxingcpp"]


@pytest.mark.parametrize("names", [("zxingcpp", "zbarcam"), ()])
def test_unknown_or_no_reader_name_is_refused(names):
    with pytest.raises(ValueError, match="choose from zxingcpp, pyzbar"):
        make_barcode_reader(names, MAX_PIXELS)


def test_cascade_stops_at_the_first_isbn():
    class Spy(ZxingCppReader):
        name = "spy"
        calls = 0

        def detect(self, img):
            Spy.calls += 1
            return []

    reader = CascadeReader([ZxingCppReader(), Spy()], MAX_PIXELS)
    assert reader.read(png(barcode_image(ISBN))) == [ISBN]
    assert Spy.calls == 0


def test_without_libzbar_pyzbar_says_so_and_zxingcpp_serves(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyzbar", None)  # import pyzbar now fails, as without libzbar0
    monkeypatch.setitem(sys.modules, "pyzbar.pyzbar", None)
    pyzbar = PyzbarReader()
    assert not pyzbar.available
    assert "libzbar0" in pyzbar.reason
    with pytest.raises(RuntimeError, match="libzbar0"):
        pyzbar.read(png(barcode_image(ISBN)))

    reader = make_barcode_reader(("pyzbar", "zxingcpp"), MAX_PIXELS)
    assert reader.available
    photo = FIXTURES / "ean13-3_10.png"
    assert ScanService(reader).scan(photo.read_bytes()).value == expected(photo)


def test_a_missing_libzbar_is_logged_once(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "pyzbar", None)
    monkeypatch.setitem(sys.modules, "pyzbar.pyzbar", None)
    with caplog.at_level(logging.WARNING, logger="booklib.adapters.barcode"):
        reader = make_barcode_reader(("zxingcpp", "pyzbar"), MAX_PIXELS)
        for _ in range(2):
            assert reader.read(png(barcode_image(ISBN))) == [ISBN]
    warnings = [r.getMessage() for r in caplog.records if "pyzbar" in r.getMessage()]
    assert len(warnings) == 1 and "libzbar0" in warnings[0]


def test_with_no_reader_available_reading_fails_clearly(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyzbar", None)
    reader = make_barcode_reader(("pyzbar",), MAX_PIXELS)
    assert not reader.available
    with pytest.raises(RuntimeError, match="No barcode reader"):
        reader.read(png(barcode_image(ISBN)))
