"""Services built straight from their ports: the memory repositories, the inline queue (or one that
holds jobs until the test runs them), and the real metadata providers against the local stub."""

from types import SimpleNamespace

import pytest

from booklib.adapters.memory import make_repositories
from booklib.adapters.metadata import ChainProvider, GoogleBooksProvider, OpenLibraryProvider, make_session
from booklib.adapters.tasks.inline import InlineTaskQueue
from booklib.domain.errors import ConflictError, MetadataUnavailableError, NotFoundError, TaskQueueError, ValidationError
from booklib.domain.model import ListQuery, SyncStatus
from booklib.adapters.covers.pillow import PillowCoverImaging
from booklib.adapters.memory.covers import InMemoryCoverStore
from booklib.adapters.metadata.covers import HttpCoverSource
from booklib.domain.services import CoverService, LibraryService, MetadataSyncService
from tests.conftest import JAPANESE_ISBN, KNOWN_ISBN, OPEN_LIBRARY_ISBN, UNKNOWN_ISBN
from tests.contract.builders import a_user
from tests.support.tasks import DeferredTaskQueue


def build(stub, queue_class=InlineTaskQueue) -> SimpleNamespace:
    repositories = make_repositories()
    session = make_session(retries=3, backoff=0.01)
    provider = ChainProvider(
        [
            GoogleBooksProvider(stub.google_url, session, timeout=5.0),
            OpenLibraryProvider(stub.open_library_url, session, timeout=5.0),
        ]
    )
    covers = CoverService(InMemoryCoverStore(), HttpCoverSource(session, stub.open_library_url, timeout=5.0),
                          PillowCoverImaging())
    sync = MetadataSyncService(repositories.books, repositories.user_books, provider, covers=covers)
    queue = queue_class(sync.handle_message)
    ann, bob = a_user("ann"), a_user("bob")
    repositories.users.add(ann)
    repositories.users.add(bob)
    return SimpleNamespace(
        library=LibraryService(repositories.books, repositories.user_books, queue),
        sync=sync,
        queue=queue,
        user_books=repositories.user_books,
        books=repositories.books,
        covers=covers,
        ann=ann.id,
        bob=bob.id,
    )


@pytest.fixture
def services(stub):
    """Jobs run inline, as soon as they are queued."""
    return build(stub)


@pytest.fixture
def deferred(stub):
    """Jobs wait in services.queue until services.queue.run_pending()."""
    return build(stub, DeferredTaskQueue)


def test_adding_by_isbn_saves_pending_then_the_job_fills_it_in(services):
    entry = services.library.add_by_isbn(services.ann, "978-1-76118-676-9")
    assert entry.user_book.sync_status is SyncStatus.PENDING  # what the caller is answered
    stored = services.library.get_entry(services.ann, entry.id).to_dict()
    assert stored["sync_status"] == "SYNCED"
    assert stored["title"] == "Everything is Beautiful and Everything Hurts"
    assert stored["author"] == "Josie Shapiro"
    assert stored["cover_image_url"].startswith(f"/covers/{entry.book.id}/page.jpg?v=")  # kept at home


def test_open_library_answers_when_google_knows_nothing(services):
    entry = services.library.add_by_isbn(services.ann, OPEN_LIBRARY_ISBN)
    stored = services.library.get_entry(services.ann, entry.id).to_dict()
    assert stored["sync_status"] == "SYNCED"
    assert stored["title"]


def test_an_unknown_isbn_fails_with_a_readable_reason(services):
    entry = services.library.add_by_isbn(services.ann, UNKNOWN_ISBN)
    stored = services.library.get_entry(services.ann, entry.id).to_dict()
    assert stored["sync_status"] == "FAILED"
    assert UNKNOWN_ISBN in stored["sync_error"] and "Open Library" in stored["sync_error"]


def test_the_same_isbn_twice_is_a_conflict_and_changes_nothing(services):
    services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    with pytest.raises(ConflictError, match="already in your library"):
        services.library.add_by_isbn(services.ann, "1761186760")  # the same book as ISBN-10
    assert len(services.library.list_entries(services.ann, ListQuery()).items) == 1


def test_two_users_share_one_book(services):
    first = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    second = services.library.add_by_isbn(services.bob, KNOWN_ISBN)
    assert first.book.id == second.book.id


@pytest.mark.parametrize("bad", [dict(isbn="9781761186768"), dict(isbn=KNOWN_ISBN, status="lost"), dict(isbn=KNOWN_ISBN, rating=9)])
def test_bad_input_changes_nothing(services, bad):
    with pytest.raises(ValidationError):
        services.library.add_by_isbn(services.ann, **bad)
    assert services.library.list_entries(services.ann, ListQuery()).items == []
    assert services.books.get_by_isbn(KNOWN_ISBN) is None


def test_providers_down_leave_the_entry_waiting_for_a_retry_with_words(services, stub):
    stub.fail_next("/books/v1", [503] * 8)
    stub.fail_next("/api/books", [503] * 8)
    entry = services.library.add_by_isbn(services.ann, JAPANESE_ISBN)
    stored = services.library.get_entry(services.ann, entry.id).to_dict()
    # Still to be fetched (the sweeper queues it again), and the reader is told why, in words.
    assert stored["sync_status"] == "PENDING"
    assert stored["sync_error"] == "We couldn't reach the book services — we'll try again later."

    stub.reset()  # the providers are back: "try again" now succeeds
    services.library.refresh(services.ann, entry.id)
    assert services.user_books.get(entry.id).sync_status is SyncStatus.SYNCED


def test_a_job_that_is_not_final_leaves_the_entry_pending_for_a_retry(services, stub):
    entry = services.library.add_by_isbn(services.ann, JAPANESE_ISBN)
    services.library.refresh(services.ann, entry.id)  # inline: synced again already

    services.user_books.update(entry.id, services.user_books.get(entry.id).version, {"sync_status": SyncStatus.PENDING})
    stub.fail_next("/books/v1", [503] * 8)
    stub.fail_next("/api/books", [503] * 8)
    with pytest.raises(MetadataUnavailableError):
        services.sync.sync(entry.id, final_attempt=False)
    assert services.user_books.get(entry.id).sync_status is SyncStatus.PENDING


def test_jobs_are_idempotent(services, stub):
    entry = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    before = services.library.get_entry(services.ann, entry.id)
    calls = len(stub.requests)
    assert services.sync.handle_message({"user_book_id": entry.id}) is None
    assert len(stub.requests) == calls
    assert services.library.get_entry(services.ann, entry.id) == before


@pytest.mark.parametrize("message", [None, "x", {}, {"user_book_id": 5}])
def test_malformed_messages_are_refused(services, message):
    with pytest.raises(ValidationError):
        services.sync.handle_message(message)


def test_a_job_for_a_deleted_entry_is_done(services):
    assert services.sync.handle_message({"user_book_id": "gone"}) is None


class RefusingQueue:
    def __init__(self, handler):
        self.refused = []

    def enqueue_metadata_job(self, user_book_id: str, bulk: bool = False) -> None:
        self.refused.append(user_book_id)
        raise TaskQueueError("The job queue could not be reached (EndpointConnectionError).")


def test_a_job_the_queue_refused_leaves_the_entry_failed_with_try_again(stub):
    services = build(stub, RefusingQueue)
    entry = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    assert services.queue.refused == [entry.id]
    stored = services.user_books.get(entry.id)
    assert stored.sync_status is SyncStatus.FAILED and "Try again" in stored.sync_error
    assert entry.user_book.sync_status is SyncStatus.FAILED  # what the caller is answered


def test_a_failure_that_is_not_the_providers_ends_the_job_on_the_final_attempt(services, monkeypatch):
    entry = services.library.add_manual(services.ann, "x")  # a stored entry to hang a job on
    pending = services.user_books.update(entry.id, entry.user_book.version, {"sync_status": SyncStatus.PENDING})
    monkeypatch.setattr(services.sync, "_look_up", lambda user_book, deadline: {}["boom"])
    with pytest.raises(KeyError):
        services.sync.sync(entry.id, final_attempt=False)
    assert services.user_books.get(entry.id).sync_status is SyncStatus.PENDING
    assert services.sync.sync(entry.id, final_attempt=True) is SyncStatus.FAILED
    stored = services.user_books.get(entry.id)
    assert stored.version == pending.version + 1 and "couldn't use" in stored.sync_error


def test_edits_override_for_this_user_only(services):
    ann = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    bob = services.library.add_by_isbn(services.bob, KNOWN_ISBN)
    services.library.update_entry(services.ann, ann.id, {"title": "Ann's title", "rating": 4, "status": "read"})
    assert services.library.get_entry(services.ann, ann.id).to_dict()["title"] == "Ann's title"
    assert services.library.get_entry(services.bob, bob.id).to_dict()["title"] == "Everything is Beautiful and Everything Hurts"


def test_status_and_rating_can_be_set_on_a_book_whose_metadata_failed(services):
    entry = services.library.add_by_isbn(services.ann, UNKNOWN_ISBN)
    form = {"title": "", "author": "", "genre": "", "description": "", "status": "read", "rating": "4"}
    changed = services.library.update_entry(services.ann, entry.id, form).to_dict()
    assert (changed["status"], changed["rating"], changed["title"]) == ("read", 4, None)


def test_an_edit_back_to_the_shared_value_drops_the_override(services):
    entry = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    shared = services.library.get_entry(services.ann, entry.id).book.title
    services.library.update_entry(services.ann, entry.id, {"title": "Mine"})
    services.library.update_entry(services.ann, entry.id, {"title": shared})
    assert services.user_books.get(entry.id).title is None


def test_update_refuses_unknown_fields_and_bad_values(services):
    entry = services.library.add_manual(services.ann, "Notes", author="Me")
    for changes in [{"isbn": "x"}, {"rating": 0}, {"status": "done"}, {"title": "x" * 501}]:
        with pytest.raises(ValidationError):
            services.library.update_entry(services.ann, entry.id, changes)
    assert services.library.get_entry(services.ann, entry.id).to_dict()["title"] == "Notes"


def test_another_users_entry_is_not_found_for_every_action(services):
    entry = services.library.add_manual(services.ann, "Private")
    for action in (
        lambda: services.library.get_entry(services.bob, entry.id),
        lambda: services.library.update_entry(services.bob, entry.id, {"rating": 1}),
        lambda: services.library.delete_entry(services.bob, entry.id),
        lambda: services.library.refresh(services.bob, entry.id),
    ):
        with pytest.raises(NotFoundError):
            action()
    assert services.library.get_entry(services.ann, entry.id).user_book.rating is None


def test_deleting_a_hand_entered_book_removes_its_book_too(services):
    entry = services.library.add_manual(services.ann, "Only mine")
    services.library.delete_entry(services.ann, entry.id)
    assert services.books.get(entry.book.id) is None


def test_deleting_an_isbn_entry_keeps_the_shared_book(services):
    entry = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    services.library.delete_entry(services.ann, entry.id)
    assert services.books.get(entry.book.id) is not None


def test_manual_entries_need_a_title_and_have_nothing_to_refresh(services):
    with pytest.raises(ValidationError):
        services.library.add_manual(services.ann, "  ")
    entry = services.library.add_manual(services.ann, "Zine")
    assert entry.to_dict()["sync_status"] == "SYNCED"
    with pytest.raises(ValidationError):
        services.library.refresh(services.ann, entry.id)


def test_pending_jobs_are_resumed(services):
    entry = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    services.user_books.update(entry.id, services.user_books.get(entry.id).version, {"sync_status": SyncStatus.PENDING})
    assert services.library.resume_pending_jobs() == 1
    assert services.user_books.get(entry.id).sync_status is SyncStatus.SYNCED


def test_the_entry_stays_pending_until_its_job_runs(deferred):
    entry = deferred.library.add_by_isbn(deferred.ann, KNOWN_ISBN)
    assert deferred.queue.jobs == [entry.id]
    assert deferred.user_books.get(entry.id).sync_status is SyncStatus.PENDING
    assert deferred.queue.run_pending() == 1
    assert deferred.user_books.get(entry.id).sync_status is SyncStatus.SYNCED


def test_a_job_whose_entry_was_deleted_meanwhile_changes_nothing(deferred, stub):
    entry = deferred.library.add_by_isbn(deferred.ann, KNOWN_ISBN)
    deferred.library.delete_entry(deferred.ann, entry.id)
    assert deferred.sync.handle_message({"user_book_id": entry.id}) is None  # done, not an error
    assert stub.requests == []  # nobody was asked about a book no one waits for
    assert deferred.books.get(entry.book.id).title is None


def test_an_edit_made_while_the_job_waits_is_kept(deferred):
    entry = deferred.library.add_by_isbn(deferred.ann, KNOWN_ISBN)
    deferred.library.update_entry(deferred.ann, entry.id, {"title": "My own title", "rating": 5})
    deferred.queue.run_pending()
    stored = deferred.library.get_entry(deferred.ann, entry.id)
    assert stored.to_dict()["title"] == "My own title" and stored.user_book.rating == 5
    assert stored.user_book.sync_status is SyncStatus.SYNCED
    assert stored.book.title == "Everything is Beautiful and Everything Hurts"  # the shared book was filled in


def test_refresh_queues_the_job_again(deferred):
    entry = deferred.library.add_by_isbn(deferred.ann, KNOWN_ISBN)
    deferred.queue.run_pending()
    deferred.library.refresh(deferred.ann, entry.id)
    assert deferred.queue.jobs == [entry.id]
    assert deferred.user_books.get(entry.id).sync_status is SyncStatus.PENDING
    deferred.queue.run_pending()
    assert deferred.user_books.get(entry.id).sync_status is SyncStatus.SYNCED


def test_resume_pending_jobs_queues_every_users_pending_entries_once(deferred):
    first = deferred.library.add_by_isbn(deferred.ann, KNOWN_ISBN)
    second = deferred.library.add_by_isbn(deferred.bob, JAPANESE_ISBN)
    deferred.library.add_manual(deferred.ann, "Zine")  # nothing to fetch: never pending
    assert deferred.queue.run_pending() == 2
    for entry in (first, second):
        deferred.user_books.update(entry.id, deferred.user_books.get(entry.id).version, {"sync_status": SyncStatus.PENDING})
    assert deferred.library.resume_pending_jobs() == 2
    assert sorted(deferred.queue.jobs) == sorted([first.id, second.id])


def test_a_readers_edit_while_the_job_waits_survives_the_job(deferred):
    entry = deferred.library.add_by_isbn(deferred.ann, KNOWN_ISBN)
    deferred.library.update_entry(deferred.ann, entry.id, {"rating": 4, "status": "read"})
    assert deferred.queue.run_pending() == 1
    stored = deferred.library.get_entry(deferred.ann, entry.id).to_dict()
    assert (stored["rating"], stored["status"], stored["sync_status"]) == (4, "read", "SYNCED")
    assert stored["title"] == "Everything is Beautiful and Everything Hurts"


def test_an_edit_landing_between_the_jobs_read_and_write_survives_and_the_job_lands(deferred, monkeypatch):
    entry = deferred.library.add_by_isbn(deferred.ann, KNOWN_ISBN)
    real_update = deferred.user_books.update
    edited = []

    def edit_first_then_write(user_book_id, version, changes):
        if "sync_status" in changes and not edited:  # the job is about to write what it read
            edited.append(deferred.library.update_entry(deferred.ann, entry.id, {"rating": 5, "title": "Mine"}))
        return real_update(user_book_id, version, changes)

    monkeypatch.setattr(deferred.user_books, "update", edit_first_then_write)
    assert deferred.queue.run_pending() == 1
    stored = deferred.library.get_entry(deferred.ann, entry.id).to_dict()
    assert edited and (stored["rating"], stored["title"], stored["sync_status"]) == (5, "Mine", "SYNCED")


def test_a_refresh_during_an_edit_leaves_a_queued_job_not_a_lost_one(deferred):
    entry = deferred.library.add_by_isbn(deferred.ann, KNOWN_ISBN)
    deferred.queue.run_pending()
    deferred.library.refresh(deferred.ann, entry.id)
    deferred.library.update_entry(deferred.ann, entry.id, {"rating": 2})
    stored = deferred.user_books.get(entry.id)
    assert stored.sync_status is SyncStatus.PENDING and stored.rating == 2
    assert deferred.queue.run_pending() == 1
    assert deferred.user_books.get(entry.id).sync_status is SyncStatus.SYNCED
