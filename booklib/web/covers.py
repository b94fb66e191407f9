"""Cover images, served by the app from its cover store: /covers/<book_id>/<size>.jpg.

Public by book id, without a login: a cover is the publisher's artwork of a book, shared by every
reader who has it (one book per ISBN); its id is a random UUID that says nothing about whose library
holds it, and only pages that already list the book name it. Asking for a session would cost a
session read per image and stop browsers and proxies from caching. URLs carry ?v=<version> of the
image, so a versioned answer is kept for a year.

`cover_url(book, size)` is the template helper: the URL of a stored cover, or None (pages then draw
the placeholder: the `cover` macro of books/_entry.html)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from booklib.domain.covers import COVER_SIZES, PAGE, THUMBNAIL, cover_size_url

from . import current

bp = Blueprint("covers", __name__, url_prefix="/covers")

YEAR = 365 * 24 * 3600
DAY = 24 * 3600


@bp.get("/<book_id>/<size>.jpg")
def image(book_id: str, size: str):
    if size not in COVER_SIZES:
        abort(404)
    data = current.cover_images().image(book_id, size)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.add_etag()
    versioned = bool(request.args.get("v"))
    response.cache_control.public = True
    response.cache_control.max_age = YEAR if versioned else DAY
    if versioned:
        response.cache_control.immutable = True
    return response.make_conditional(request)


def cover_url(book: dict, size: str = THUMBNAIL) -> str | None:
    """A book's (an entry's to_dict()) cover URL in this size, under the app's script root."""
    url = cover_size_url(book.get("cover_image_url"), size if size in COVER_SIZES else PAGE)
    return request.script_root + url if url else None


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(cover_url, "cover_url")
