"""JSON API: the library of one user, entries' shape, pagination, edits, and other users' entries."""

import pytest

from tests.conftest import KNOWN_ISBN, OPEN_LIBRARY_ISBN, UNKNOWN_ISBN

ENTRY_FIELDS = {
    "id", "book_id", "isbn", "title", "author", "genre", "cover_image_url", "description",
    "status", "rating", "sync_status", "sync_error", "date_added", "updated_at",
    "page_count", "reads", "tags", "review", "notes",  # the entry shape of DESIGN.md
}


def test_adding_by_isbn_answers_201_pending_and_the_job_fills_it_in(user):
    response = user.add(isbn="978-1-76118-676-9")
    assert response.status_code == 201
    entry = response.get_json()
    assert set(entry) == ENTRY_FIELDS
    assert entry["sync_status"] == "PENDING" and entry["isbn"] == KNOWN_ISBN and entry["status"] == "to-read"

    synced = user.client.get(f"/api/v1/books/{entry['id']}").get_json()
    assert synced["sync_status"] == "SYNCED"
    assert synced["title"] == "Everything is Beautiful and Everything Hurts"
    assert synced["author"] == "Josie Shapiro"
    assert synced["cover_image_url"].startswith(f"/covers/{synced['book_id']}/page.jpg?v=")  # the app's own URL
    assert synced["date_added"].endswith("+00:00")


def test_adding_the_same_isbn_again_is_409(user):
    assert user.add(isbn=KNOWN_ISBN).status_code == 201
    response = user.add(isbn="978 1761 186769")
    assert response.status_code == 409
    assert "already in your library" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "body, says",
    [
        ({"isbn": "9781761186768"}, "check digit"),
        ({"isbn": "4901234567894"}, "not an ISBN"),
        ({"isbn": "abc"}, "not an ISBN"),
        ({}, "title"),
        ({"title": "  "}, "title"),
        ({"isbn": KNOWN_ISBN, "rating": 7}, "Rating"),
        ({"isbn": KNOWN_ISBN, "status": "done"}, "Status"),
        ({"isbn": KNOWN_ISBN, "price": 3}, "Unknown fields"),
    ],
)
def test_bad_books_are_400_and_nothing_is_added(user, body, says):
    response = user.add(**body)
    assert response.status_code == 400
    assert says in response.get_json()["error"]["message"]
    assert user.client.get("/api/v1/books").get_json()["items"] == []


def test_adding_by_hand_needs_no_isbn_and_is_not_pending(user):
    response = user.add(title="Family recipes", author="Grandma", genre="Cooking", status="reading", rating=5)
    assert response.status_code == 201
    entry = response.get_json()
    assert entry["isbn"] is None and entry["sync_status"] == "SYNCED"
    assert (entry["title"], entry["author"], entry["genre"], entry["status"], entry["rating"]) == (
        "Family recipes", "Grandma", "Cooking", "reading", 5,
    )


def test_failed_metadata_says_why_and_refresh_is_202(user):
    entry = user.add(isbn=UNKNOWN_ISBN).get_json()
    failed = user.client.get(f"/api/v1/books/{entry['id']}").get_json()
    assert failed["sync_status"] == "FAILED" and UNKNOWN_ISBN in failed["sync_error"]
    response = user.client.post(f"/api/v1/books/{entry['id']}/refresh")
    assert response.status_code == 202
    assert response.get_json()["sync_status"] == "PENDING"


def test_open_library_is_the_fallback(user):
    entry = user.add(isbn=OPEN_LIBRARY_ISBN).get_json()
    synced = user.client.get(f"/api/v1/books/{entry['id']}").get_json()
    assert synced["sync_status"] == "SYNCED" and synced["title"]


def test_patch_changes_status_rating_and_fields(user):
    entry = user.add(isbn=KNOWN_ISBN).get_json()
    response = user.client.patch(
        f"/api/v1/books/{entry['id']}", json={"status": "read", "rating": 4, "genre": "Running", "description": "Mine"}
    )
    assert response.status_code == 200
    changed = response.get_json()
    assert (changed["status"], changed["rating"], changed["genre"], changed["description"]) == ("read", 4, "Running", "Mine")
    assert changed["updated_at"] > entry["updated_at"]
    cleared = user.client.patch(f"/api/v1/books/{entry['id']}", json={"rating": None}).get_json()
    assert cleared["rating"] is None


@pytest.mark.parametrize("body", [{"rating": 0}, {"rating": "five"}, {"status": "lost"}, {"isbn": "123"}, {"sync_status": "SYNCED"}])
def test_bad_patch_is_400_and_changes_nothing(user, body):
    entry = user.add(title="Kept").get_json()
    response = user.client.patch(f"/api/v1/books/{entry['id']}", json=body)
    assert response.status_code == 400
    assert user.client.get(f"/api/v1/books/{entry['id']}").get_json() == entry


def test_delete_is_204_then_404(user):
    entry = user.add(isbn=KNOWN_ISBN).get_json()
    assert user.client.delete(f"/api/v1/books/{entry['id']}").status_code == 204
    assert user.client.get(f"/api/v1/books/{entry['id']}").status_code == 404
    assert user.add(isbn=KNOWN_ISBN).status_code == 201  # can be added again


def test_another_users_entry_is_404_everywhere(make_user):
    ann, bob = make_user(), make_user()
    entry = ann.add(title="Diary").get_json()
    path = f"/api/v1/books/{entry['id']}"
    for response in (
        bob.client.get(path),
        bob.client.patch(path, json={"rating": 1}),
        bob.client.delete(path),
        bob.client.post(path + "/refresh"),
    ):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert ann.client.get(path).get_json() == entry
    assert bob.client.get("/api/v1/books").get_json()["items"] == []


def test_listing_pages_with_next_cursor_until_null(user):
    ids = [user.add(title=f"Book {i:02d}").get_json()["id"] for i in range(7)]
    seen, cursor = [], None
    while True:
        url = "/api/v1/books?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = user.client.get(url).get_json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))


def test_listing_filters_searches_and_sorts(user):
    user.add(title="Dune", author="Frank Herbert", status="read", rating=5)
    user.add(title="Emma", author="Jane Austen", status="reading", rating=3)
    user.add(title="Beloved", author="Toni Morrison", status="read")
    titles = lambda query: [i["title"] for i in user.client.get("/api/v1/books?" + query).get_json()["items"]]
    assert titles("status=read&sort=title") == ["Beloved", "Dune"]
    assert titles("q=AUSTEN") == ["Emma"]
    assert titles("sort=author") == ["Dune", "Emma", "Beloved"]
    assert titles("sort=rating") == ["Dune", "Emma", "Beloved"]


@pytest.mark.parametrize("query", ["limit=0", "limit=500", "limit=x", "sort=price", "status=lost", "cursor=nonsense"])
def test_bad_listing_parameters_are_400(user, query):
    response = user.client.get("/api/v1/books?" + query)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]


def test_unknown_api_routes_answer_json_errors(user):
    response = user.client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    response = user.client.put("/api/v1/books")
    assert response.status_code == 405 and response.get_json()["error"]


def test_the_reading_model_over_the_api(user):
    entry = user.add(title="Dune", author="Frank Herbert", status="reading", tags=["Sci-Fi", " sci-fi ", "Classic"],
                     page_count=412, review="Spice.", notes="Lent to Ann").get_json()
    today = entry["date_added"][:10]
    assert entry["reads"] == [{"started_on": today, "finished_on": None}]  # reading opens a read today
    assert entry["tags"] == ["Sci-Fi", "Classic"] and entry["page_count"] == 412
    path = f"/api/v1/books/{entry['id']}"
    done = user.client.patch(path, json={"status": "read", "rating": 4.5}).get_json()
    assert done["reads"] == [{"started_on": today, "finished_on": today}] and done["rating"] == 4.5
    reads = [{"started_on": "2001-05-01", "finished_on": "2001-06-01"}, {"started_on": "2024-01-01", "finished_on": None}]
    again = user.client.patch(path, json={"reads": list(reversed(reads)), "status": "did-not-finish"}).get_json()
    assert again["reads"] == reads and again["status"] == "did-not-finish"
    assert user.client.patch(path, json={"rating": 5}).get_json()["rating"] == 5  # whole numbers stay integers
    listed = user.client.get("/api/v1/books?tag=classic").get_json()["items"]
    assert [e["id"] for e in listed] == [entry["id"]]
    assert user.client.get("/api/v1/books?tag=fantasy").get_json()["items"] == []


@pytest.mark.parametrize("change", [
    {"rating": 0}, {"rating": 6}, {"rating": 4.3}, {"rating": "x"}, {"rating": True},
    {"reads": [{"started_on": "2024-02-30"}]}, {"reads": [{"started_on": "2024-02-02", "finished_on": "2024-02-01"}]},
    {"reads": "soon"}, {"reads": [{"when": "2024-01-01"}]}, {"tags": ["x" * 51]}, {"tags": [f"t{i}" for i in range(51)]},
    {"tags": "a, b"}, {"page_count": 0}, {"page_count": "many"}, {"status": "abandoned"}, {"review": "x" * 20001},
])
def test_bad_reading_values_are_refused_and_change_nothing(user, change):
    entry = user.add(title="Dune", status="read", rating=4).get_json()
    path = f"/api/v1/books/{entry['id']}"
    response = user.client.patch(path, json=change)
    if change == {"tags": "a, b"}:  # a comma-separated text is accepted, as forms send it
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == "validation_error"
    assert user.client.get(path).get_json() == entry
