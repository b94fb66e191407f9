"""A book whose details could not be fetched says why in words, is tried again later by itself (waits
doubling up to a day), and stops complaining once the reader names it themselves."""

from datetime import timedelta

import pytest

from booklib.domain.model import SyncStatus, utcnow
from booklib.domain.services import metadata_sync
from booklib.domain.services.metadata_sync import MAX_RETRY_WAIT, MIN_RETRY_WAIT, UNREACHABLE_MESSAGE, retry_wait
from tests.conftest import JAPANESE_ISBN, UNKNOWN_ISBN
from tests.unit.test_services import build

UNREACHABLE = "We couldn't reach the book services — we'll try again later."


@pytest.fixture
def services(stub):
    return build(stub)


def services_down(stub):
    stub.fail_next("/books/v1", [503] * 40)
    stub.fail_next("/api/books", [503] * 40)


def test_unreachable_services_say_so_in_words_and_keep_the_isbn(services, stub):
    services_down(stub)
    entry = services.library.add_by_isbn(services.ann, JAPANESE_ISBN)
    shown = services.library.get_entry(services.ann, entry.id).to_dict()
    assert (shown["sync_status"], shown["sync_error"]) == ("PENDING", UNREACHABLE)
    assert UNREACHABLE_MESSAGE == UNREACHABLE
    assert shown["isbn"] == JAPANESE_ISBN and shown["title"] is None  # the list shows it by its ISBN
    assert "Error" not in shown["sync_error"] and "503" not in shown["sync_error"]


def test_an_unknown_isbn_says_no_service_knows_it(services):
    entry = services.library.add_by_isbn(services.ann, UNKNOWN_ISBN)
    shown = services.library.get_entry(services.ann, entry.id).to_dict()
    assert shown["sync_status"] == "FAILED"
    assert shown["sync_error"].startswith(f"No book with ISBN {UNKNOWN_ISBN} was found in Google Books or Open Library.")


def test_a_waiting_entry_is_tried_again_only_when_due(services, stub, monkeypatch):
    services_down(stub)
    entry = services.library.add_by_isbn(services.ann, JAPANESE_ISBN)
    stub.reset()  # the services are back
    asked = len(stub.requests)
    # The sweeper queues it again at once (a restart): not due yet, nothing is asked.
    assert services.sync.sync(entry.id) is None
    assert len(stub.requests) == asked
    later = utcnow() + MIN_RETRY_WAIT + timedelta(seconds=1)
    monkeypatch.setattr(metadata_sync, "utcnow", lambda: later)
    assert services.sync.sync(entry.id) is SyncStatus.SYNCED
    shown = services.library.get_entry(services.ann, entry.id).to_dict()
    assert shown["title"] and shown["sync_error"] is None


def test_try_again_runs_at_once_whatever_the_wait(services, stub):
    services_down(stub)
    entry = services.library.add_by_isbn(services.ann, JAPANESE_ISBN)
    stub.reset()
    services.library.refresh(services.ann, entry.id)
    assert services.user_books.get(entry.id).sync_status is SyncStatus.SYNCED


def test_waits_double_up_to_a_day():
    assert retry_wait(timedelta(0)) == MIN_RETRY_WAIT
    assert retry_wait(timedelta(hours=3)) == timedelta(hours=3)
    assert retry_wait(timedelta(days=30)) == MAX_RETRY_WAIT == timedelta(days=1)


@pytest.mark.parametrize("isbn, down", [(UNKNOWN_ISBN, False), (JAPANESE_ISBN, True)])
def test_naming_the_book_stops_the_complaint(services, stub, isbn, down):
    if down:
        services_down(stub)
    entry = services.library.add_by_isbn(services.ann, isbn)
    assert services.user_books.get(entry.id).sync_error
    edited = services.library.update_entry(services.ann, entry.id, {"title": "My own title"})
    shown = edited.to_dict()
    assert (shown["title"], shown["sync_status"], shown["sync_error"]) == ("My own title", "SYNCED", None)
    assert services.library.get_entry(services.ann, entry.id).to_dict() == shown


def test_other_edits_leave_the_complaint(services):
    entry = services.library.add_by_isbn(services.ann, UNKNOWN_ISBN)
    shown = services.library.update_entry(services.ann, entry.id, {"rating": 4}).to_dict()
    assert shown["sync_status"] == "FAILED" and shown["sync_error"]


def test_a_book_named_when_added_does_not_complain_when_nothing_is_found(services):
    entry = services.library.add_by_isbn(services.ann, UNKNOWN_ISBN, title="Grandma's recipes")
    shown = services.library.get_entry(services.ann, entry.id).to_dict()
    assert (shown["title"], shown["sync_status"], shown["sync_error"]) == ("Grandma's recipes", "SYNCED", None)


def test_the_sweeper_brings_a_waiting_entry_back_by_itself(stub, monkeypatch):
    from tests.support.tasks import DeferredTaskQueue

    services = build(stub, DeferredTaskQueue)
    services_down(stub)
    entry = services.library.add_by_isbn(services.ann, JAPANESE_ISBN)
    services.queue.run_pending()
    assert services.user_books.get(entry.id).sync_error == UNREACHABLE
    stub.reset()  # back online

    # What the sweeper does every few minutes: queue again the entries left PENDING for a while.
    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(metadata_sync, "utcnow", lambda: later)
    assert services.library.resume_pending_jobs(stale_after=timedelta(0)) == 1
    services.queue.run_pending()
    shown = services.library.get_entry(services.ann, entry.id).to_dict()
    assert (shown["sync_status"], shown["sync_error"]) == ("SYNCED", None) and shown["title"]
