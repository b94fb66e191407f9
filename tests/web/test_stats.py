"""The stats page and GET /api/v1/stats, PUT /api/v1/stats/goal: figures follow every write."""

import re
from datetime import date

import pytest

THIS_YEAR = date.today().year


def test_an_empty_library_has_figures_of_zero(user):
    body = user.client.get("/api/v1/stats").get_json()
    assert body["year"] == THIS_YEAR and body["books_finished"] == 0 and body["goal"] is None
    assert len(body["months"]) == 12 and body["months"][0] == {"month": f"{THIS_YEAR}-01", "books": 0, "pages": 0}
    assert [r["rating"] for r in body["ratings"]] == [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]
    assert body["average_days_to_finish"] == {"year": None, "overall": None}


def test_figures_follow_adds_edits_and_deletes(user):
    reads = [{"started_on": "2024-01-01", "finished_on": "2024-01-11"}, {"started_on": None, "finished_on": "2024-06-30"}]
    first = user.add(title="Dune", status="read", reads=reads, page_count=600, rating=4.5, tags=["Sci-Fi", "classics"],
                     genre="Science fiction").get_json()
    user.add(title="Ulysses", status="did-not-finish", rating=1, tags=["sci-fi"])
    body = user.client.get("/api/v1/stats?year=2024").get_json()
    assert body["books_finished"] == 2 and body["pages_finished"] == 1200  # the re-read counts
    assert body["months"][0]["books"] == 1 and body["months"][5]["pages"] == 600
    assert body["top_tags"] == [{"tag": "sci-fi", "count": 2}, {"tag": "classics", "count": 1}]
    assert body["top_genres"] == [{"genre": "Science fiction", "count": 1}]
    assert body["did_not_finish"] == 1 and body["average_rating"] == 2.75
    assert body["average_days_to_finish"] == {"year": 10.0, "overall": 10.0}

    user.client.patch(f"/api/v1/books/{first['id']}", json={"reads": reads[:1], "page_count": 500, "rating": 5})
    body = user.client.get("/api/v1/stats?year=2024").get_json()
    assert (body["books_finished"], body["pages_finished"]) == (1, 500)
    assert {"rating": 5, "count": 1} in body["ratings"] and {"rating": 4.5, "count": 0} in body["ratings"]

    user.client.delete(f"/api/v1/books/{first['id']}")
    body = user.client.get("/api/v1/stats?year=2024").get_json()
    assert body["books_finished"] == 0 and body["entries"] == 1 and body["years"] == []


def test_marking_a_book_read_counts_it_this_year(user):
    entry = user.add(title="Emma", page_count=300).get_json()
    user.client.patch(f"/api/v1/books/{entry['id']}", json={"status": "read"})
    body = user.client.get("/api/v1/stats").get_json()
    assert body["books_finished"] == 1 and body["pages_finished"] == 300


@pytest.mark.parametrize("year", ["20x4", "1200", "-1", "99999"])
def test_a_bad_year_is_400(user, year):
    response = user.client.get(f"/api/v1/stats?year={year}")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "year" and response.get_json()["error"]["code"] == "validation_error"


def test_a_goal_is_set_shown_and_removed(user):
    response = user.client.put("/api/v1/stats/goal", json={"year": THIS_YEAR, "books": 24})
    assert response.status_code == 200
    goal = response.get_json()["goal"]
    assert goal["books"] == 24 and goal["finished"] == 0 and goal["pace"] in ("ahead", "behind")
    assert user.client.get("/api/v1/stats").get_json()["goal"]["books"] == 24
    assert user.client.put("/api/v1/stats/goal", json={"books": None}).get_json() == {"goal": None}
    assert user.client.get("/api/v1/stats").get_json()["goal"] is None


@pytest.mark.parametrize("body, field", [({"books": -3}, "books"), ({"books": "many"}, "books"), ({"books": 2.5}, "books"),
                                         ({"books": 3, "year": "next"}, "year"), ({"books": 3, "when": 1}, None)])
def test_a_bad_goal_is_400_and_changes_nothing(user, body, field):
    response = user.client.put("/api/v1/stats/goal", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"].get("field") == field
    assert user.client.get("/api/v1/stats").get_json()["goal"] is None


def test_stats_need_a_login(client):
    assert client.get("/api/v1/stats").status_code == 401
    assert client.put("/api/v1/stats/goal", json={"books": 3}).status_code == 401
    assert client.get("/stats").status_code in (302, 401)


def test_the_page_draws_accessible_charts_without_script(user):
    user.add(title="Dune", status="read", reads=[{"started_on": None, "finished_on": f"{THIS_YEAR}-01-05"}], rating=4)
    page = user.client.get("/stats")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/stats"' in html  # the nav link
    charts = re.findall(r"<svg[^>]*>", html)
    assert len(charts) >= 3 and all('role="img"' in svg and "aria-labelledby" in svg for svg in charts)
    assert "<title id=" in html and "Jan: 1 books" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html  # nothing inline
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_goal_form_sets_the_goal(user):
    response = user.client.post("/stats/goal", data={"year": str(THIS_YEAR), "books": "12"})
    assert response.status_code == 302
    html = user.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 of 12 books" in html
    refused = user.client.post("/stats/goal", data={"year": str(THIS_YEAR), "books": "-1"})
    assert refused.status_code == 400
    assert user.client.get("/api/v1/stats").get_json()["goal"]["books"] == 12


def test_deleting_the_account_deletes_its_stats_and_goals(app, user):
    user_id = user.client.get("/api/v1/auth/me").get_json()["user"]["id"]
    user.add(title="Dune", status="read", tags=["x"])
    user.client.put("/api/v1/stats/goal", json={"books": 5})
    assert user.client.get("/api/v1/stats").get_json()["entries"] == 1
    assert user.client.delete("/api/v1/account", json={"password": user.password}).status_code == 204
    stored = app.extensions["booklib.container"].storage().stats.load(user_id)
    assert stored.goals == {} and not stored.counters
