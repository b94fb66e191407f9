"""Imports over the API and the pages, on both backends, with the real exports in tests/fixtures/imports."""

import csv
import io
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
FILES = {"goodreads_library_export.csv": "goodreads", "goodreads_export_23_columns.csv": "goodreads",
         "storygraph_export.csv": "storygraph"}


def upload(client, data: bytes, name="export.csv"):
    return client.post("/api/v1/imports", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def data_rows(data: bytes) -> int:
    return sum(1 for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) if any(cell.strip() for cell in row)) - 1


@pytest.mark.slow
@pytest.mark.timeout(900)  # 867 rows on in-process moto, whose transactions copy the table each time
@pytest.mark.parametrize("name", sorted(FILES))
def test_every_fixture_imports_with_every_row_accounted_for_and_again_adds_nothing(user, name):
    data = (FIXTURES / name).read_bytes()
    started = upload(user.client, data)
    assert started.status_code == 202, started.get_json()
    job = started.get_json()["import"]
    assert job["source"] == FILES[name] and job["total"] == data_rows(data)
    report = user.client.get(f"/api/v1/imports/{job['id']}").get_json()["import"]
    assert report["status"] == "done" and report["processed"] == report["total"]
    assert sum(report["counts"].values()) == report["total"] == len(report["rows"])
    assert [r["row"] for r in report["rows"]] == list(range(1, report["total"] + 1))
    assert all(r["reason"] for r in report["rows"] if r["outcome"] == "skipped")
    library = []
    cursor = None
    while True:
        page = user.client.get("/api/v1/books?limit=100" + (f"&cursor={cursor}" if cursor else "")).get_json()
        library += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(library) == report["counts"]["added"]
    again = upload(user.client, data).get_json()["import"]
    second = user.client.get(f"/api/v1/imports/{again['id']}").get_json()["import"]
    assert second["counts"]["added"] == 0 and second["counts"]["unchanged"] + second["counts"]["skipped"] == second["total"]
    assert user.client.get("/api/v1/imports").get_json()["imports"][0]["id"] == again["id"]  # newest first


def test_a_goodreads_file_becomes_the_library_it_describes(user):
    data = (
        "Book Id,Title,Author,ISBN,ISBN13,My Rating,Number of Pages,Date Read,Date Added,Bookshelves,Exclusive Shelf,My Review,Private Notes\n"
        '1,Dune,Frank Herbert,"=""0441013597""","=""9780441013593""",5,412,2021/03/04,2020/01/02,"sci-fi, classics",read,Spice!,lent\n'
        '2,Left Behind,Someone,"=""""","=""""",0,,,2020/01/03,"dnf",dnf,,\n'
        '3,,,"=""""","=""""",0,,,2020/01/04,,to-read,,\n'
    ).encode()
    job = upload(user.client, data).get_json()["import"]
    rows = user.client.get(f"/api/v1/imports/{job['id']}").get_json()["import"]["rows"]
    assert [r["outcome"] for r in rows] == ["added", "added", "skipped"]
    dune = user.client.get(f"/api/v1/books/{rows[0]['entry_id']}").get_json()
    assert (dune["isbn"], dune["status"], dune["rating"], dune["page_count"]) == ("9780441013593", "read", 5, 412)
    assert dune["reads"] == [{"started_on": None, "finished_on": "2021-03-04"}] and dune["tags"] == ["sci-fi", "classics"]
    assert (dune["review"], dune["notes"], dune["date_added"][:10]) == ("Spice!", "lent", "2020-01-02")
    assert dune["title"] == "Dune"  # the file's title at once, before any metadata arrives
    left = user.client.get(f"/api/v1/books/{rows[1]['entry_id']}").get_json()
    assert (left["status"], left["rating"], left["isbn"]) == ("did-not-finish", None, None)
    only_skipped = user.client.get(f"/api/v1/imports/{job['id']}?outcome=skipped").get_json()["import"]["rows"]
    assert [r["row"] for r in only_skipped] == [3]
    assert user.client.get(f"/api/v1/imports/{job['id']}?outcome=maybe").status_code == 400


def test_an_updated_file_updates_and_says_what_changed(user):
    first = "title,author,status,rating\nDune,Frank Herbert,reading,\n".encode()
    upload(user.client, first)
    job = upload(user.client, "title,author,status,rating\nDune,Frank Herbert,read,4.5\n".encode()).get_json()["import"]
    [row] = user.client.get(f"/api/v1/imports/{job['id']}").get_json()["import"]["rows"]
    assert row["outcome"] == "updated" and "status" in row["reason"] and "rating" in row["reason"]
    entry = user.client.get(f"/api/v1/books/{row['entry_id']}").get_json()
    assert (entry["status"], entry["rating"]) == ("read", 4.5)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, b'{"books": []}', b"name,price\nx,1\n"])
def test_a_file_of_no_known_layout_is_422_and_stores_nothing(user, data):
    response = upload(user.client, data)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unknown_layout"
    assert "Goodreads" in response.get_json()["error"]["message"]
    assert user.client.get("/api/v1/imports").get_json()["imports"] == []


def test_a_file_over_10_mb_is_413(user):
    assert upload(user.client, b"isbn\n" + b"9780306406157\n" * 800_000).status_code == 413


def test_imports_are_private(user, make_user):
    job = upload(user.client, b"isbn\n9780306406157\n").get_json()["import"]
    other = make_user()
    assert other.client.get(f"/api/v1/imports/{job['id']}").status_code == 404
    assert other.client.get("/api/v1/imports").get_json()["imports"] == []


def test_the_import_page_uploads_and_reports_skipped_rows_first(user, app):
    page = user.client.post("/import", data={"file": (io.BytesIO(b"title,author\nA,B\n,Someone\nC,D\n"), "mine.csv")},
                            content_type="multipart/form-data", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Done: all 3 rows are accounted for." in text
    assert text.index("no ISBN and no title") < text.index(">A<")
    assert 'href="/import"' in user.client.get("/books").get_data(as_text=True)
    refused = user.client.post("/import", data={"file": (io.BytesIO(b"nonsense"), "x.csv")},
                               content_type="multipart/form-data")
    assert refused.status_code == 422 and "Known layouts" in refused.get_data(as_text=True)


def library_of(client) -> dict:
    entries, cursor = [], None
    while True:
        page = client.get("/api/v1/books?limit=100" + (f"&cursor={cursor}" if cursor else "")).get_json()
        entries += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    keep = ("isbn", "status", "rating", "reads", "tags", "review", "notes")
    return {(e["isbn"] or e["title"]): {k: e[k] for k in keep} for e in entries}


def test_export_then_import_into_a_new_account_gives_the_same_library(user, make_user):
    books = [
        dict(isbn="9780306406157", status="read", rating=4.5, tags=["Sci-Fi", "@home"], review="- bullet\nsecond line",
             notes="=SUM(1)", reads=[{"started_on": "2019-03-01", "finished_on": "2019-03-20"},
                                     {"started_on": "2023-01-02", "finished_on": "2023-02-01"}]),
        dict(title="Notebook, with a comma", author="Me", status="did-not-finish", rating=1,
             reads=[{"started_on": "2024-05-01", "finished_on": None}]),
        dict(title="+Plus", author="Someone", status="reading", tags=["a"], reads=[{"started_on": "2024-06-01", "finished_on": None}]),
        dict(title="Untouched", author="Nobody"),
    ]
    for book in books:
        assert user.add(**book).status_code == 201
    before = library_of(user.client)
    exported = user.client.get("/api/v1/export.csv")
    assert exported.status_code == 200
    newcomer = make_user()
    job = upload(newcomer.client, exported.data).get_json()["import"]
    report = newcomer.client.get(f"/api/v1/imports/{job['id']}").get_json()["import"]
    assert report["source"] == "booklib" and report["counts"]["added"] == len(books)
    assert library_of(newcomer.client) == before
