"""URL builders compiled on first use build the same URLs as Werkzeug's own rules."""

import pytest
from werkzeug.routing import Map, Rule

from booklib.web import create_app
from booklib.web.routing import LazilyBuiltRule

SAMPLE = {"int": 7, "path": "a/b c", "default": "x y&z"}


def sample_values(rule) -> dict:
    return {name: SAMPLE.get(type(converter).__name__.removesuffix("Converter").lower(), SAMPLE["default"])
            for name, converter in rule._converters.items()}


@pytest.fixture(scope="module")
def url_map(tmp_path_factory):
    from booklib.config import Settings

    instance = tmp_path_factory.mktemp("routing")
    app = create_app(Settings.from_env({"BOOKLIB_INSTANCE_PATH": str(instance), "SECRET_KEY": "k" * 40}))
    return app.url_map


def test_every_rule_of_the_app_is_lazily_built(url_map):
    rules = list(url_map.iter_rules())
    assert len(rules) > 40 and all(isinstance(rule, LazilyBuiltRule) for rule in rules)


@pytest.mark.parametrize("append_unknown", [False, True])
def test_every_rule_builds_what_werkzeug_builds(url_map, append_unknown):
    plain = Map([Rule(rule.rule, **rule.get_empty_kwargs()) for rule in url_map.iter_rules()])
    ours, theirs = url_map.bind("localhost"), plain.bind("localhost")
    for rule in url_map.iter_rules():
        values = {**sample_values(rule), "next": "/books?page=2", "q": "ü ö"}
        for method in sorted(rule.methods or {"GET"}):
            built = ours.build(rule.endpoint, values, method=method, append_unknown=append_unknown)
            assert built == theirs.build(rule.endpoint, values, method=method, append_unknown=append_unknown), rule
            assert built == ours.build(rule.endpoint, values, method=method, append_unknown=append_unknown)  # compiled now


def test_a_rule_with_defaults_builds_like_werkzeug():
    spec = dict(endpoint="page", defaults={"page": 1})
    ours = Map([LazilyBuiltRule("/books/", **spec), LazilyBuiltRule("/books/page/<int:page>", endpoint="page")]).bind("h")
    theirs = Map([Rule("/books/", **spec), Rule("/books/page/<int:page>", endpoint="page")]).bind("h")
    for values in ({}, {"page": 1}, {"page": 3}, {"page": 3, "sort": "title"}):
        assert ours.build("page", values) == theirs.build("page", values)
    assert ours.match("/books/page/3") == theirs.match("/books/page/3") == ("page", {"page": 3})
