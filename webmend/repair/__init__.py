"""Repair steps: one module per damage family, each returning Changes that the
Document records as Edits (see docs/repair.md)."""
from __future__ import annotations

from typing import Any, Callable

from webmend.document import Change, Document

Finder = Callable[[str], "tuple[list[Change], dict[str, Any] | None]"]


def apply_page_rule(find: Finder) -> Callable[[Document, Any], None]:
    """A step's run function from a finder that reads the page's text alone
    and returns its changes and the rule that explains them: the changes are
    applied (recorded as Edits) and the rule goes to `doc.rules`."""

    def run(doc: Document, res: Any) -> None:
        changes, rule = find(doc.text)
        if changes:
            doc.replace(changes)
            if rule:
                doc.rules.append(rule)

    run.__name__ = run.__qualname__ = f"apply_{find.__name__}"
    run.__doc__ = f"Apply {find.__name__} to the page and record its rule."
    return run
