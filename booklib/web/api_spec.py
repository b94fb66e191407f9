"""The OpenAPI 3.1 document of /api/v1, written by hand and served at /api/v1/openapi.json.

Written rather than generated so the routes stay plain Flask views; it cannot drift unnoticed:
tests/web/test_openapi.py fails when a route is missing here, and every API answer the test suite gets
is validated against it (openapi-core), as is every answer to the fuzzer (tests/fuzz, schemathesis).

To describe a new operation: add it to PATHS below (`op(...)` with its responses), and any new
schema to SCHEMAS. Enumerations and limits come from the domain, so they cannot disagree with it."""

from __future__ import annotations

from booklib import __version__
from booklib.domain.imports.jobs import OUTCOMES, ImportStatus
from booklib.domain.model import (
    DEFAULT_PAGE_SIZE,
    FIELD_LIMITS,
    MAX_PAGE_COUNT,
    MAX_PAGE_SIZE,
    MAX_READS,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MIN_PASSWORD_LENGTH,
    PERSONAL_LIMITS,
    ReadingStatus,
    Sort,
    SyncStatus,
)
from booklib.domain.stats import MAX_GOAL, MAX_YEAR, MIN_YEAR, TOP
from booklib.domain.tokens import NAME_MAX

JSON = "application/json"
STATUSES = [s.value for s in ReadingStatus]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    kind = schema.get("type")
    if kind is None:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [kind, "null"]}


def obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties),
            "additionalProperties": False, **extra}


TIME = {"type": "string", "format": "date-time"}
DAY = nullable({"type": "string", "format": "date"})
UUID = {"type": "string", "format": "uuid"}
RATING = {"type": ["number", "null"], "minimum": 0.5, "maximum": 5, "multipleOf": 0.5}
TEXTS = {name: nullable({"type": "string", "maxLength": limit}) for name, limit in {**FIELD_LIMITS, **PERSONAL_LIMITS}.items()}
READ = obj({"started_on": DAY, "finished_on": DAY})
ENTRY_INPUT = {
    **TEXTS,
    "page_count": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_PAGE_COUNT},
    "status": {"type": "string", "enum": STATUSES},
    "rating": RATING,
    "reads": {"type": "array", "items": READ, "maxItems": MAX_READS},
    "tags": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": MAX_TAG_LENGTH, "pattern": "^[^,]*\\S[^,]*$"},
             "maxItems": MAX_TAGS},
}

EXAMPLE_ENTRY = {
    "id": "0b7d6c1e-4a51-4f57-9a3e-2f6f2a0c9d11",
    "book_id": "5f0c2f4e-8d2b-4a7e-b1f5-3c2d9e8a7b60",
    "isbn": "9781761186769",
    "title": "Everything is Beautiful and Everything Hurts",
    "author": "Josie Shapiro",
    "genre": "Fiction",
    "cover_image_url": "/covers/5f0c2f4e-8d2b-4a7e-b1f5-3c2d9e8a7b60/page.jpg?v=3f9a2c41d07be815",
    "description": "The stunning debut novel by the winner of the Allen & Unwin Commercial Fiction Prize.",
    "page_count": 292,
    "status": "read",
    "rating": 4.5,
    "reads": [{"started_on": "2024-03-02", "finished_on": "2024-03-19"}],
    "tags": ["running", "book club"],
    "review": None,
    "notes": None,
    "sync_status": "SYNCED",
    "sync_error": None,
    "date_added": "2024-03-01T18:04:11.532000+00:00",
    "updated_at": "2024-03-19T21:40:02.118000+00:00",
}

SCHEMAS = {
    "Error": obj({"error": obj(
        {"code": {"type": "string", "examples": ["validation_error"]},
         "message": {"type": "string", "examples": ["Rating must be from 0.5 to 5 in half steps (4 or 4.5), or empty."]},
         "field": {"type": "string", "examples": ["rating"]}},
        required=["code", "message"])}),
    "User": obj({"id": UUID, "username": {"type": "string"}, "email": {"type": "string", "format": "email"},
                 "created_at": TIME}),
    "UserAnswer": obj({"user": ref("User")}),
    "Read": READ,
    "Entry": obj({
        "id": UUID, "book_id": UUID, "isbn": nullable({"type": "string", "pattern": "^97[89][0-9]{10}$"}),
        **{name: nullable({"type": "string"}) for name in ("title", "author", "genre", "cover_image_url",
                                                           "description", "review", "notes", "sync_error")},
        # cover_image_url is this app's own path (/covers/<book_id>/page.jpg?v=...; thumb.jpg for the
        # thumbnail), never a third party's: null until the cover has been fetched and kept.
        "page_count": ENTRY_INPUT["page_count"], "status": ENTRY_INPUT["status"], "rating": RATING,
        "reads": {"type": "array", "items": ref("Read")}, "tags": {"type": "array", "items": {"type": "string"}},
        "sync_status": {"type": "string", "enum": [s.value for s in SyncStatus]},
        "date_added": TIME, "updated_at": TIME,
    }, examples=[EXAMPLE_ENTRY]),
    "EntryPage": obj({"items": {"type": "array", "items": ref("Entry")}, "next_cursor": nullable({"type": "string"})},
                     examples=[{"items": [EXAMPLE_ENTRY], "next_cursor": None}]),
    "NewEntry": {
        "type": "object", "additionalProperties": False,
        "properties": {"isbn": nullable({"type": "string", "maxLength": 40, "examples": ["9781761186769", "0-306-40615-2"]}),
                       **ENTRY_INPUT},
        "description": "An ISBN (its details are fetched in the background: sync_status PENDING), or at least a "
                       "title for a book typed in by hand.",
        "examples": [{"isbn": "9781761186769"}, {"title": "A book of one's own", "author": "Someone", "status": "reading"}],
    },
    "EntryChanges": {"type": "object", "additionalProperties": False, "properties": ENTRY_INPUT,
                     "examples": [{"status": "read", "rating": 4.5}]},
    "ImportCounts": obj({name: {"type": "integer", "minimum": 0} for name in OUTCOMES}),
    "Import": obj({
        "id": UUID, "status": {"type": "string", "enum": [s.value for s in ImportStatus]},
        "source": {"type": "string", "examples": ["goodreads", "storygraph", "csv"]},
        "total": {"type": "integer", "minimum": 0}, "processed": {"type": "integer", "minimum": 0},
        "counts": ref("ImportCounts"), "error": nullable({"type": "string"}), "created_at": TIME, "updated_at": TIME,
    }),
    "ImportRow": obj({"row": {"type": "integer", "minimum": 1}, "outcome": {"type": "string", "enum": list(OUTCOMES)},
                      "reason": nullable({"type": "string"}), "entry_id": nullable(UUID), "title": nullable({"type": "string"})}),
    "Token": obj({"id": UUID, "name": {"type": "string", "examples": ["phone shortcut"]},
                  "prefix": {"type": "string", "examples": ["blt_Xq3v"],
                             "description": "The token's first characters, to tell tokens apart."},
                  "created_at": TIME, "last_used_at": nullable(TIME)}),
}
COUNT = {"type": "integer", "minimum": 0}
DAYS = nullable({"type": "number", "minimum": 0})
SCHEMAS["Goal"] = obj({
    "year": {"type": "integer"}, "books": {"type": "integer", "minimum": 1, "maximum": MAX_GOAL},
    "finished": COUNT, "progress": {"type": "number", "minimum": 0, "maximum": 1},
    "expected_by_today": {"type": "number", "minimum": 0}, "pace": {"type": "string", "enum": ["ahead", "behind", "done"]},
    "difference": {"type": "number"}})
SCHEMAS["Stats"] = obj({
    "year": {"type": "integer"}, "books_finished": COUNT, "pages_finished": COUNT,
    "months": {"type": "array", "minItems": 12, "maxItems": 12, "items": obj(
        {"month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}, "books": COUNT, "pages": COUNT})},
    "years": {"type": "array", "items": obj({"year": {"type": "integer"}, "books": COUNT, "pages": COUNT})},
    "goal": nullable(ref("Goal")),
    "ratings": {"type": "array", "items": obj({"rating": RATING, "count": COUNT})},
    "average_rating": nullable({"type": "number", "minimum": 0.5, "maximum": 5}),
    "top_tags": {"type": "array", "maxItems": TOP, "items": obj({"tag": {"type": "string"}, "count": COUNT})},
    "top_genres": {"type": "array", "maxItems": TOP, "items": obj({"genre": {"type": "string"}, "count": COUNT})},
    "average_days_to_finish": obj({"year": DAYS, "overall": DAYS}),
    "did_not_finish": COUNT, "statuses": obj({status: COUNT for status in STATUSES}),
    "entries": COUNT, "total_books_finished": COUNT, "total_pages_finished": COUNT,
}, description="Re-reads count: each read-through with a finish date is a book finished.")
SCHEMAS["NewToken"] = {**SCHEMAS["Token"], "properties": {**SCHEMAS["Token"]["properties"], "token": {
    "type": "string", "pattern": "^blt_", "description": "The token itself: shown in this answer only, never again."}},
    "required": [*SCHEMAS["Token"]["required"], "token"]}
SCHEMAS["ImportReport"] = {**SCHEMAS["Import"], "properties": {**SCHEMAS["Import"]["properties"],
                                                               "rows": {"type": "array", "items": ref("ImportRow")}},
                           "required": [*SCHEMAS["Import"]["required"], "rows"]}

REQUEST_ID = {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}}
ERRORS = {
    400: "The request is invalid (the message says why; `field` names the culprit).",
    401: "Not logged in (no session, no token), or a wrong or revoked token.",
    403: "A cross-site request from a browser, refused (scripts send no Origin header).",
    404: "No such thing in your library (another reader's answers the same).",
    409: "Already there.",
    413: "The upload is over 10 MB.",
    422: "The file or photo could not be used.",
    429: "Too many failed attempts: wait Retry-After seconds.",
}


def error(status: int) -> dict:
    response = {"description": ERRORS[status], "headers": dict(REQUEST_ID),
                "content": {JSON: {"schema": ref("Error")}}}
    if status == 429:
        response["headers"]["Retry-After"] = {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}
    return response


def ok(status: int, description: str, schema: dict | None = None, media: str = JSON, headers: dict | None = None,
       links: dict | None = None) -> dict:
    """A success answer; `links` name the operations (by operationId) its ids lead to."""
    response = {"description": description, "headers": {**REQUEST_ID, **(headers or {})}}
    if schema is not None:
        response["content"] = {media: {"schema": schema}}
    if links:
        response["links"] = {name: {"operationId": target, "parameters": parameters}
                             for name, (target, parameters) in links.items()}
    return {status: response}


def operation_id(method: str, path: str) -> str:
    """get /books/{entry_id} -> get_books_entry_id"""
    words = "".join(c if c.isalnum() else " " for c in path).split()
    return "_".join([method, *words])


def with_operation_ids(paths: dict) -> dict:
    return {path: {method: ({**operation, "operationId": operation_id(method, path)} if method != "parameters" else operation)
                   for method, operation in item.items()} for path, item in paths.items()}


def op(summary: str, tag: str, responses: dict, *, errors=(), public: bool = False, body: dict | None = None,
       media: str = JSON, params: list | None = None, description: str | None = None, listing: bool = False) -> dict:
    """One operation. Protected ones answer 401 too; ones with a body 400 and 413."""
    all_errors = set(errors) | {401}
    if body is not None:
        all_errors |= {400, 413}
    operation = {"summary": summary, "tags": [tag], "responses": {}}
    if description:
        operation["description"] = description
    if public:
        operation["security"] = [{}, {"bearer": []}, {"session": []}]
    parameters = list(params or [])
    if listing:
        parameters.append({"$ref": "#/components/parameters/If-None-Match"})
        etag = {"ETag": {"$ref": "#/components/headers/ETag"}}
        status, response = next(iter(responses.items()))
        response["headers"].update(etag)
        responses = {**responses, 304: {"description": "Not modified since the ETag you sent.",
                                        "headers": {**REQUEST_ID, **etag}}}
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {media: {"schema": body}}}
    operation["responses"] = {str(status): response for status, response in
                              sorted({**responses, **{s: error(s) for s in all_errors}}.items())}
    return operation


def path_id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def credentials(*names: str, minimum: dict | None = None) -> dict:
    minimum = minimum or {}
    return obj({name: {"type": "string", **({"minLength": minimum[name]} if name in minimum else {})} for name in names})


ENTRY_ID = path_id("entry_id", "The entry's id (from the list, or the answer that added it).")
NO_CONTENT = ok(204, "Done.")
ENTRY = ref("Entry")

PATHS = {
    "/auth/register": {"post": op(
        "Register", "account", ok(201, "Registered (not logged in: log in next, or make a token).", ref("UserAnswer")),
        public=True, errors=[403, 409], body={**obj({
            "username": {"type": "string", "pattern": "^[A-Za-z0-9_.\\-]{3,30}$", "examples": ["ada"]},
            "email": {"type": "string", "format": "email", "maxLength": 254, "examples": ["ada@example.org"]},
            "password": {"type": "string", "minLength": MIN_PASSWORD_LENGTH, "examples": ["correct horse"]}})})},
    "/auth/login": {"post": op(
        "Log in: a session cookie", "account", ok(200, "Logged in; the answer sets the session cookie.", ref("UserAnswer")),
        public=True, errors=[403, 429], body=credentials("email", "password"))},
    "/auth/logout": {"post": op("Log out (this session)", "account", NO_CONTENT, public=True, errors=[403])},
    "/auth/logout-everywhere": {"post": op("End every session of yours (tokens stay)", "account", NO_CONTENT, errors=[403])},
    "/auth/me": {"get": op("Who is logged in", "account", ok(200, "You.", ref("UserAnswer")))},
    "/account/password": {"post": op(
        "Change your password (ends your other sessions)", "account", NO_CONTENT, errors=[403, 429],
        body=credentials("current_password", "new_password", minimum={"new_password": MIN_PASSWORD_LENGTH}))},
    "/account": {"delete": op(
        "Delete your account and your library", "account", NO_CONTENT, errors=[403, 429], body=credentials("password"))},
    "/books": {
        "get": op("Your library, a page at a time", "books", ok(200, "A page of entries.", ref("EntryPage")), errors=[400],
                  listing=True, params=[
                      query("status", {"type": "string", "enum": STATUSES}, "Only entries with this status."),
                      query("q", {"type": "string"}, "Search titles, authors and ISBNs."),
                      query("sort", {"type": "string", "enum": [s.value for s in Sort], "default": "date_added"},
                            "date_added (newest first), title, author, rating (highest first)."),
                      query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
                            "Entries per page."),
                      query("cursor", {"type": "string"}, "next_cursor of the previous page, with the same query."),
                      query("tag", {"type": "string"}, "Only entries with this tag (case-insensitive)."),
                  ]),
        "post": op("Add a book", "books", ok(201, "Added.", ENTRY, links={
            name: (operation_id, {"entry_id": "$response.body#/id"}) for name, operation_id in (
                ("get", "get_books_entry_id"), ("change", "patch_books_entry_id"),
                ("refresh", "post_books_entry_id_refresh"), ("remove", "delete_books_entry_id"))}),
            errors=[403, 409], body=ref("NewEntry")),
    },
    "/books/{entry_id}": {
        "parameters": [ENTRY_ID],
        "get": op("One entry", "books", ok(200, "The entry.", ENTRY), errors=[404]),
        "patch": op("Change an entry", "books", ok(200, "The entry as it is now.", ENTRY), errors=[403, 404],
                    body=ref("EntryChanges")),
        "delete": op("Remove an entry", "books", NO_CONTENT, errors=[403, 404]),
    },
    "/books/{entry_id}/refresh": {
        "parameters": [ENTRY_ID],
        "post": op("Fetch the book's details again", "books", ok(202, "Queued; the entry is PENDING meanwhile.", ENTRY),
                   errors=[400, 403, 404], description="400 for a book typed in by hand: it has no ISBN to look up."),
    },
    "/scan": {"post": op(
        "Read the ISBN from a photo of a barcode", "books",
        ok(200, "The ISBN found.", obj({"isbn": {"type": "string", "examples": ["9780306406157"]}})),
        errors=[403, 422], media="multipart/form-data",
        body=obj({"image": {"type": "string", "contentMediaType": "application/octet-stream"}}))},
    "/imports": {
        "get": op("Your imports, newest first", "imports",
                  ok(200, "The imports.", obj({"imports": {"type": "array", "items": ref("Import")}})), listing=True),
        "post": op("Import a Goodreads or StoryGraph export, or a simple CSV", "imports",
                   ok(202, "Started; poll the import for progress.", obj({"import": ref("Import")}),
                      links={"report": ("get_imports_import_id", {"import_id": "$response.body#/import/id"})}),
                   errors=[403, 422], media="multipart/form-data",
                   body=obj({"file": {"type": "string", "contentMediaType": "application/octet-stream"}})),
    },
    "/imports/{import_id}": {"get": op(
        "One import, with what became of every row", "imports", ok(200, "The import.", obj({"import": ref("ImportReport")})),
        errors=[400, 404], params=[path_id("import_id", "The import's id."),
                                   query("outcome", {"type": "string", "enum": list(OUTCOMES)}, "Only rows with this outcome.")])},
    "/export.csv": {"get": op(
        "Your whole library in Goodreads' CSV layout", "export",
        ok(200, "The file (an attachment).", {"contentMediaType": "text/csv"}, media="text/csv"))},
    "/export.json": {"get": op(
        "Your whole library, every field", "export", ok(200, "The file (an attachment).", {"type": "object"}))},
    "/stats": {"get": op(
        "Your reading in numbers: a year's books and pages by month, every year, ratings, tags, genres, the goal",
        "stats", ok(200, "The numbers.", ref("Stats")), errors=[400],
        params=[query("year", {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
                      "The year (default: the current one).")])},
    "/stats/goal": {"put": op(
        "Set (or, with books null, remove) a year's goal in books", "stats",
        ok(200, "The goal and the progress towards it.", obj({"goal": nullable(ref("Goal"))})), errors=[403],
        body={**obj({"year": {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
                     "books": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_GOAL}}, required=["books"]),
              "examples": [{"books": 24}, {"year": 2025, "books": None}]})},
    "/tokens": {
        "get": op("Your personal access tokens", "tokens",
                  ok(200, "The tokens, newest first (never the secrets).", obj({"tokens": {"type": "array", "items": ref("Token")}})),
                  listing=True),
        "post": op("Make a personal access token", "tokens", ok(201, "The token: copy it now, it is not shown again.",
                                                                 ref("NewToken"), links={"revoke": (
                                                                     "delete_tokens_token_id", {"token_id": "$response.body#/id"})}),
                   errors=[403], body=obj({"name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX,
                                                    "examples": ["phone shortcut"]}})),
    },
    "/tokens/{token_id}": {"delete": op(
        "Revoke a token (it stops working at once)", "tokens", NO_CONTENT, errors=[403, 404],
        params=[path_id("token_id", "The token's id.")])},
    "/openapi.json": {"get": op("This document", "meta", ok(200, "The OpenAPI document.", {"type": "object"}), public=True)},
}

DESCRIPTION = """A personal book library. Every answer is JSON (except the CSV export); errors are always
`{"error": {"code", "message", "field"?}}`; every answer carries `X-Request-ID` (quote it when reporting a problem).

**Authentication**: a personal access token (make one on the account page, or `POST /tokens`) sent as
`Authorization: Bearer blt_…`; or the session cookie of `POST /auth/login`. With a token there is no CSRF or
Origin check.

**Caching**: the lists (`/books`, `/imports`, `/tokens`) send an `ETag`; send it back in `If-None-Match` to get
304 when nothing changed.

**Limits**: failed logins (and failed password confirmations) are throttled per account and per address: 429 with
`Retry-After`. On AWS, API Gateway limits the request rate per stage and answers 429 over it."""


def openapi_document(server_url: str = "/api/v1") -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "booklib API", "version": __version__, "description": DESCRIPTION},
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}, {"session": []}],
        "tags": [{"name": name} for name in ("books", "imports", "export", "stats", "tokens", "account", "meta")],
        "paths": with_operation_ids(PATHS),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A personal access token (blt_…)."},
                "session": {"type": "apiKey", "in": "cookie", "name": "session", "description": "POST /auth/login."},
            },
            "headers": {
                "X-Request-ID": {"description": "This request's id, also in the server's logs.", "schema": {"type": "string"}},
                "ETag": {"description": "The answer's version; send it back in If-None-Match.", "schema": {"type": "string"}},
            },
            "parameters": {
                "If-None-Match": {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                                  "description": "The ETag of the copy you have: 304 when it is still current."},
            },
        },
    }
