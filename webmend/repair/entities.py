"""HTML entities left in text: escaped once too often (`&amp;`, `&quot;`,
`&#8217;`, `&rsquo;`) or twice (`&amp;quot;`, `&amp;amp;`).

The page tells how deep the escaping went: each entity is found with its run of
`amp;` prefixes, and the page's depth is the least nesting seen (text escaped
twice has no entity at depth 1). Every entity is then unescaped that many times,
so an author's own `&amp;` in a once-escaped page (seen as `&amp;amp;`) comes
back as `&amp;`. A page is unescaped only when entities clearly outnumber bare
ampersands (an escaper leaves none), so a page that merely mentions `&copy;`
among many plain `&` stays as it is.
"""
from __future__ import annotations

import html
import re
from html.entities import html5

from webmend.document import Change
from webmend.pipeline import Step
from webmend.repair import apply_page_rule

# An entity with its `amp;` nesting: &amp;amp;quot; -> prefix 'amp;amp;', core 'quot;'.
_ENTITY = re.compile(r"&(?P<amps>(?:amp;)*)(?P<core>#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_BARE_AMP = re.compile(r"&(?![A-Za-z0-9#]{1,33};)")


def _valid_core(core: str) -> bool:
    if core.startswith("#"):
        try:
            cp = int(core[2:-1], 16) if core[1] in "xX" else int(core[1:-1])
        except ValueError:
            return False
        return 9 <= cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF and cp not in (11, 12) and not 14 <= cp < 32
    return core in html5


def unescape_times(entity: str, times: int) -> str:
    """Unescape an entity string `times` times.

    >>> unescape_times("&amp;quot;", 2), unescape_times("&amp;quot;", 1), unescape_times("&#8217;", 1)
    ('"', '&quot;', '’')
    """
    for _ in range(times):
        entity = html.unescape(entity)
    return entity


def find_entities(text: str) -> tuple[list[Change], dict | None]:
    """Changes unescaping the page's entities, and the rule (with evidence) used.

    >>> ch, rule = find_entities("Tom &amp;amp; Jerry &amp;quot;live&amp;quot; &amp;#39;94")
    >>> [c.after for c in ch], rule["depth"]
    (['&', '"', '"', "'"], 2)
    >>> find_entities("R&D and AT&T & more &copy; here")[0]
    []
    """
    if "&" not in text:
        return [], None
    found = [m for m in _ENTITY.finditer(text) if _valid_core(m.group("core"))]
    if not found:
        return [], None
    bare = len(_BARE_AMP.findall(text))
    if bare and len(found) < 3 * bare:
        return [], None
    depths = [m.group("amps").count("amp;") + 1 for m in found]
    depth = min(depths)
    changes = []
    for m, d in zip(found, depths):
        after = unescape_times(m.group(), min(d, depth))
        changes.append(Change(m.start(), m.end(), after, kind="entity",
                              evidence=f"HTML escaped {depth}x on this page ({len(found)} entities, {bare} bare '&')"))
    rule = {"family": "entities", "rule": f"HTML entities escaped {depth} time(s)", "hits": len(found),
            "counterexamples": bare, "depth": depth}
    return changes, rule


repair_entities = apply_page_rule(find_entities)


def unescaped(text: str) -> str:
    """The text as this step will leave it (for a first pass that counts what
    later steps see: a filter's symbol written as an entity, '&#92;and', is
    a backslash by the time the escaping step reads it).

    >>> unescaped("workers&#92;and peasants&#92;or")
    'workers\\\\and peasants\\\\or'
    """
    changes = find_entities(text)[0] if "&" in text else []
    if not changes:
        return text
    parts, at = [], 0
    for c in changes:
        parts += [text[at:c.start], c.after]
        at = c.end
    return "".join(parts) + text[at:]


STEP = Step("entities", repair_entities, "HTML entities escaped once or twice too often (&amp;quot; &#8217; ...)",
            family="repair")
