"""Contract of the CoverStore port, run against every adapter: the filesystem (locally), S3 (on moto,
in-process) and the in-memory store. Covers are JPEG bytes by book id and size; keys that are not
covers never reach storage; a write replaces whole images; delete forgets every size."""

from __future__ import annotations

import contextlib
import uuid

import pytest

from booklib.domain.covers import COVER_SIZES, PAGE, THUMBNAIL

BUCKET = "booklib-covers-contract"


@contextlib.contextmanager
def _filesystem(tmp_path, request):
    from booklib.adapters.covers.filesystem import FilesystemCoverStore

    yield FilesystemCoverStore(tmp_path / "covers")


@contextlib.contextmanager
def _memory(tmp_path, request):
    from booklib.adapters.memory.covers import InMemoryCoverStore

    yield InMemoryCoverStore()


@pytest.fixture(scope="module")
def moto_bucket():
    """One in-process moto and bucket for the module (starting moto costs about a second)."""
    import boto3
    from moto import mock_aws

    from booklib.adapters.covers.s3 import S3BucketProvisioner
    from tests.support.dynamodb import DUMMY_CREDENTIALS, REGION

    with mock_aws():
        client = boto3.session.Session(region_name=REGION, **DUMMY_CREDENTIALS).client("s3")
        assert S3BucketProvisioner(client, BUCKET).ensure() == [f"S3 bucket {BUCKET}: created (covers)"]
        assert S3BucketProvisioner(client, BUCKET).ensure() == [f"S3 bucket {BUCKET}: exists (covers)"]
        yield client


@contextlib.contextmanager
def _s3_moto(tmp_path, request):
    from booklib.adapters.covers.s3 import S3CoverStore

    yield S3CoverStore(request.getfixturevalue("moto_bucket"), BUCKET)


COVER_STORES = {"filesystem": _filesystem, "memory": _memory, "s3-moto": _s3_moto}


@pytest.fixture(params=sorted(COVER_STORES))
def store(request, tmp_path):
    with COVER_STORES[request.param](tmp_path, request) as store:
        yield store


def book_id() -> str:
    return str(uuid.uuid4())


def test_a_stored_cover_comes_back_in_each_size(store):
    book = book_id()
    store.put(book, {THUMBNAIL: b"small jpeg", PAGE: b"page jpeg"})
    assert store.get(book, THUMBNAIL) == b"small jpeg"
    assert store.get(book, PAGE) == b"page jpeg"


def test_a_missing_cover_is_none(store):
    assert store.get(book_id(), PAGE) is None
    book = book_id()
    store.put(book, {THUMBNAIL: b"only the thumbnail"})
    assert store.get(book, PAGE) is None


def test_a_new_cover_replaces_the_old_and_books_are_apart(store):
    first, second = book_id(), book_id()
    store.put(first, {size: b"old" for size in COVER_SIZES})
    store.put(second, {size: b"other" for size in COVER_SIZES})
    store.put(first, {size: b"new" * 1000 for size in COVER_SIZES})
    assert all(store.get(first, size) == b"new" * 1000 for size in COVER_SIZES)
    assert all(store.get(second, size) == b"other" for size in COVER_SIZES)


def test_delete_forgets_every_size_and_a_missing_one_is_no_error(store):
    book, kept = book_id(), book_id()
    store.put(book, {size: b"x" for size in COVER_SIZES})
    store.put(kept, {size: b"y" for size in COVER_SIZES})
    store.delete(book)
    store.delete(book)
    store.delete(book_id())
    assert all(store.get(book, size) is None for size in COVER_SIZES)
    assert store.get(kept, PAGE) == b"y"


@pytest.mark.parametrize("bad_id, size", [("../../etc/passwd", PAGE), ("a/b", PAGE), ("", PAGE), (".", PAGE),
                                          ("x" * 65, PAGE), (str(uuid.uuid4()), "original"), (str(uuid.uuid4()), "../page")])
def test_keys_that_are_not_covers_are_refused_and_change_nothing(store, bad_id, size):
    with pytest.raises(ValueError):
        store.get(bad_id, size)
    with pytest.raises(ValueError):
        store.put(bad_id, {size: b"x"})
    if size in COVER_SIZES:
        with pytest.raises(ValueError):
            store.delete(bad_id)


def test_a_put_with_a_bad_size_stores_nothing(store):
    book = book_id()
    with pytest.raises(ValueError):
        store.put(book, {PAGE: b"x", "huge": b"y"})
    assert store.get(book, PAGE) is None
