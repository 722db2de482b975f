"""The article reader's markup: article text cut into segments, each knowing which findings cover it.

Findings overlap (an entity inside a quote, an event whose evidence spans a speaker), so the text is
cut at every span boundary and each piece carries the ids and kinds of all the findings that cover
it; the template renders one ``<span>`` per piece and the page's script shows the findings on hover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Kinds of marks, in the order their classes are listed (the CSS gives each its own look).
MARK_KINDS = ("quote", "speaker", "cue", "event", "actor", "entity")


@dataclass(frozen=True)
class Mark:
    """One span of one finding: ``kind`` says how the reader shows it."""

    start: int
    end: int
    kind: str
    finding: str


@dataclass
class Segment:
    """A run of text covered by the same set of marks."""

    start: int
    end: int
    text: str
    marks: list[Mark] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # findings whose first span starts here

    @property
    def kinds(self) -> list[str]:
        present = {m.kind for m in self.marks}
        return [k for k in MARK_KINDS if k in present]

    @property
    def findings(self) -> list[str]:
        return sorted({m.finding for m in self.marks})


def segments(text: str, marks: list[Mark]) -> list[Segment]:
    """Cut ``text`` at every mark boundary; spans outside the text are clipped, empty ones dropped."""
    n = len(text)
    usable = []
    for m in marks:
        start, end = max(0, min(m.start, n)), max(0, min(m.end, n))
        if end > start:
            usable.append(Mark(start, end, m.kind, m.finding))
    cuts = sorted({0, n, *(m.start for m in usable), *(m.end for m in usable)})
    first_start: dict[str, int] = {}
    for m in usable:
        if m.finding not in first_start or m.start < first_start[m.finding]:
            first_start[m.finding] = m.start
    anchors_at: dict[int, list[str]] = {}
    for finding, start in first_start.items():
        anchors_at.setdefault(start, []).append(finding)
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    for i, m in enumerate(usable):
        starting.setdefault(m.start, []).append(i)
        ending.setdefault(m.end, []).append(i)
    # One sweep over the cut points, keeping the marks open at each: linear in text and marks, so
    # long articles with thousands of entities render quickly.
    active: dict[int, Mark] = {}
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        for i in ending.get(a, ()):
            active.pop(i, None)
        for i in starting.get(a, ()):
            active[i] = usable[i]
        seg = Segment(a, b, text[a:b], [active[i] for i in sorted(active)])
        seg.anchors = sorted(anchors_at.get(a, ()))
        out.append(seg)
    return out


def spans_of(value: Any) -> list[tuple[int, int]]:
    """Decoded spans as (start, end) pairs; anything malformed is skipped, never an error."""
    if not isinstance(value, list):
        return []
    out = []
    for p in value:
        if isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(x, int) for x in p):
            out.append((p[0], p[1]))
    return out


def marks_for(findings: dict[str, list[dict[str, Any]]]) -> list[Mark]:
    """The marks of an article's findings (as the API returns them): quote content, speaker and
    cue; event evidence; actor mentions; named entities."""
    marks: list[Mark] = []
    for q in findings.get("quotes", []):
        content = spans_of(q.get("content_spans")) or spans_of(q.get("spans"))
        marks += [Mark(a, b, "quote", q["id"]) for a, b in content]
        marks += [Mark(a, b, "speaker", q["id"]) for a, b in spans_of(q.get("speaker_spans"))]
        marks += [Mark(a, b, "cue", q["id"]) for a, b in spans_of(q.get("cue_spans"))]
    for e in findings.get("events", []):
        marks += [Mark(a, b, "event", e["id"]) for a, b in spans_of(e.get("spans"))]
    for m in findings.get("actor_mentions", []):
        marks += [Mark(a, b, "actor", m["id"]) for a, b in spans_of(m.get("spans"))]
    for ent in findings.get("entities", []):
        marks += [Mark(a, b, "entity", ent["id"]) for a, b in spans_of(ent.get("spans"))]
    return marks


# Longest context shown around a finding in the tables; longer sentences are cut around the evidence.
CONTEXT_CHARS = 320
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+|\n\s*\n")


def sentence_around(text: str, spans: Any) -> str:
    """The sentence (by punctuation) holding the evidence spans, cut to CONTEXT_CHARS around them.
    An approximation of the parser's sentence for display only; offsets stay the truth."""
    usable = [(a, b) for a, b in spans_of(spans) if 0 <= a < b <= len(text)]
    if not usable:
        return ""
    first, last = min(a for a, _ in usable), max(b for _, b in usable)
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, first):
        start = m.end()
    m = _SENTENCE_END.search(text, last)
    end = m.start() + 1 if m else len(text)
    if end - start > CONTEXT_CHARS:
        room = max(0, (CONTEXT_CHARS - (last - first)) // 2)
        start, end = max(start, first - room), min(end, last + room)
    return text[start:end].strip()
