"""GET /api/v1/export.csv and /api/v1/export.json over both backends, and the CSV read back by the importer."""

from __future__ import annotations

import csv
import io
import re

from booklib.domain.exporting import CSV_COLUMNS, FORMULA_STARTS
from booklib.domain.imports import read_import
from tests.conftest import KNOWN_ISBN, UNKNOWN_ISBN

READS = [{"started_on": "2019-02-01", "finished_on": "2019-03-01"}, {"started_on": None, "finished_on": "2023-07-14"}]


def every_kind_of_entry(user) -> list[dict]:
    """A library with an entry of every kind: by ISBN (synced, failed), by hand, each status, half stars, reads
    open and closed, tags, reviews and notes with commas, quotes, line breaks and non-Latin text."""
    bodies = [
        dict(
            isbn=KNOWN_ISBN,
            status="read",
            rating=4.5,
            reads=READS,
            tags=["favourites", "literary fiction"],
            review='Sad, "beautiful".\nWould read again.',
            notes="Signed copy; shelf 3",
            page_count=300,
        ),
        dict(isbn=UNKNOWN_ISBN, status="to-read"),  # the metadata job fails: an ISBN and no title
        dict(
            title="Kindred",
            author="Octavia E. Butler",
            status="reading",
            tags=["sci-fi"],
            page_count=264,
            reads=[{"started_on": "2024-05-01", "finished_on": None}],
        ),
        dict(
            title="Ulysses",
            author="James Joyce",
            status="did-not-finish",
            rating=0.5,
            tags=["dnf-pile", "to-read"],
            reads=[{"started_on": "2020-01-01", "finished_on": None}],
            review="Gave up at page 40.",
        ),
        dict(
            title="吾輩は猫である",
            author="夏目漱石",
            status="read",
            rating=5,
            reads=[{"started_on": None, "finished_on": None}],
        ),
        dict(title="The Hobbit, or There and Back Again", status="to-read"),
    ]
    added = []
    for body in bodies:
        response = user.add(**body)
        assert response.status_code == 201, response.get_json()
        added.append(response.get_json())
    return added


def exported_json(user) -> dict:
    response = user.client.get("/api/v1/export.json")
    assert response.status_code == 200
    return response.get_json()


def test_both_exports_need_a_login(client):
    for path in ("/api/v1/export.csv", "/api/v1/export.json"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.get_json() == {"error": {"code": "unauthorized", "message": "Log in first."}}


def test_the_csv_download(user):
    every_kind_of_entry(user)
    response = user.client.get("/api/v1/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="booklib-export-\d{4}-\d{2}-\d{2}\.csv"', response.headers["Content-Disposition"]
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert not response.data.startswith(b"\xef\xbb\xbf")  # no BOM, as Goodreads writes it
    records = list(csv.reader(io.StringIO(response.data.decode("utf-8"), newline="")))
    assert tuple(records[0]) == CSV_COLUMNS
    assert len(records) == 1 + 6


def test_the_json_download_holds_every_field_of_every_entry(user):
    every_kind_of_entry(user)
    response = user.client.get("/api/v1/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].endswith('.json"')
    document = response.get_json()
    assert set(document) == {"exported_at", "user", "entries"}
    assert document["user"] == {"username": user.username, "email": user.email}
    assert document["exported_at"].endswith("+00:00")
    listed = user.client.get("/api/v1/books?limit=100").get_json()["items"]
    assert document["entries"] == listed  # the API's entries, every field, newest first


def test_the_round_trip_through_the_importer_keeps_the_library(user):
    every_kind_of_entry(user)
    library = exported_json(user)["entries"]
    source, rows = read_import(user.client.get("/api/v1/export.csv").data)
    assert source == "booklib"
    assert len(rows) == len(library)
    for row, entry in zip(rows, library):
        assert row.skip_reason is None and row.warnings == (), (row, entry)
        assert row.isbn == entry["isbn"]
        assert row.title == entry["title"] and row.author == entry["author"]
        assert row.status.value == entry["status"]
        assert row.rating == entry["rating"]
        assert [read.to_dict() for read in row.reads] == entry["reads"]
        assert list(row.tags) == entry["tags"]
        assert row.review == entry["review"] and row.notes == entry["notes"]
        assert row.page_count == entry["page_count"]
        assert row.date_added.isoformat() == entry["date_added"][:10]
    assert {row.isbn for row in rows if row.isbn} == {KNOWN_ISBN, UNKNOWN_ISBN}


def test_a_goodreads_importer_sees_goodreads_cells(user):
    every_kind_of_entry(user)
    text = user.client.get("/api/v1/export.csv").data.decode("utf-8")
    rows = {row["Title"] or row["ISBN13"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    ulysses = rows["Ulysses"]
    assert ulysses["Exclusive Shelf"] == "did-not-finish" and ulysses["My Rating"] == "1"
    assert ulysses["Bookshelves"] == "did-not-finish, dnf-pile"  # a tag named "to-read" would confuse Goodreads
    assert ulysses["booklib Tags"] == "dnf-pile, to-read"
    kindred = rows["Kindred"]
    assert kindred["Exclusive Shelf"] == "currently-reading" and kindred["Date Read"] == ""
    synced = rows[next(title for title in rows if rows[title]["ISBN13"] == KNOWN_ISBN)]
    assert synced["ISBN"] == "1761186760" and synced["My Rating"] == "4" and synced["booklib Rating"] == "4.5"
    assert synced["Date Read"] == "2023/07/14" and synced["Read Count"] == "2"
    assert synced["My Review"] == 'Sad, "beautiful".<br/>Would read again.'


def test_formulas_are_neutralised_in_the_download(user):
    for title in ('=HYPERLINK("http://evil.example")', "+1 to this", "-ism", "@mention"):
        assert user.add(title=title, review="=1+1", notes="@note", tags=["-x"]).status_code == 201
    data = user.client.get("/api/v1/export.csv").data.decode("utf-8")
    cells = [cell for record in csv.reader(io.StringIO(data, newline="")) for cell in record]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert "'-ism" in cells and "'=1+1" in cells and "'@note" in cells and "'-x" in cells


def test_only_the_readers_own_library_is_exported(make_user):
    ann, bob = make_user(), make_user()
    assert ann.add(title="Ann's book").status_code == 201
    assert bob.add(title="Bob's book").status_code == 201
    titles = [entry["title"] for entry in exported_json(ann)["entries"]]
    assert titles == ["Ann's book"]
    assert "Bob's book" not in ann.client.get("/api/v1/export.csv").data.decode("utf-8")


def test_an_empty_library_exports_the_header_alone(user):
    assert exported_json(user)["entries"] == []
    records = list(csv.reader(io.StringIO(user.client.get("/api/v1/export.csv").data.decode("utf-8"), newline="")))
    assert records == [list(CSV_COLUMNS)]


def test_a_library_of_more_than_one_page_is_exported_whole(app, user):
    me = user.client.get("/api/v1/auth/me").get_json()["user"]
    library = app.extensions["booklib.container"].library()
    for n in range(205):
        library.add_manual(me["id"], f"Book {n:03}")
    titles = [entry["title"] for entry in exported_json(user)["entries"]]
    assert sorted(titles) == [f"Book {n:03}" for n in range(205)]
    _, rows = read_import(user.client.get("/api/v1/export.csv").data)
    assert sorted(row.title for row in rows) == sorted(titles)


def test_the_account_page_offers_both_exports(user):
    page = user.client.get("/account").data.decode("utf-8")
    assert "Your data" in page
    assert 'href="/api/v1/export.csv"' in page and "Export CSV (Goodreads layout)" in page
    assert 'href="/api/v1/export.json"' in page and "Export JSON" in page
