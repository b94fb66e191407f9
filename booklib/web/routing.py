"""URL rules whose builders are compiled when first used.

Werkzeug compiles two URL-building functions for every rule as it is added (generated with `ast` and
`compile`): about a third of this app's start-up, paid again by every new Lambda container, though
a short-lived container builds URLs for few of its ~50 rules. This rule compiles each on its first
`url_for` instead; matching is unchanged."""

from __future__ import annotations

from werkzeug.routing import Rule


class LazilyBuiltRule(Rule):
    def _compile_builder(self, append_unknown: bool = True):
        compile_now = super()._compile_builder
        compiled = None

        def build(rule, **values):
            nonlocal compiled
            if compiled is None:
                compiled = compile_now(append_unknown)
            return compiled(rule, **values)

        return build
