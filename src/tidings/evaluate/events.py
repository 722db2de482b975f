"""Scoring the event coder: PETRARCH validation records and tidings' own gold sentences.

Owns reading PETRARCH record files (XML-like, not well-formed: read with tolerant regular
expressions, ``<Config>`` lines applying to the records after them), reading tidings gold JSONL
files, and counting (source, target, code) triples: recall = expected triples found / expected,
precision = emitted triples that were expected / emitted, overall and per category.

A record expecting no events (``noevents="True"``, story and sentence discards) adds nothing to
recall and counts every triple coded from it against precision. Records that test PETRARCH's
validation of its CoreNLP input (``error="dateline"``, ``error="bad_input_parse"``) are skipped and
listed: tidings parses the text itself, so those errors cannot arise.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from tidings.errors import TidingsError
from tidings.types import Article, Finding, Findings, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


Triple = tuple[str, str, str]
MISSING = "---"
# Error records that test PETRARCH's checks of its own input tree; tidings never sees that tree.
SKIPPED_ERRORS = frozenset({"dateline", "bad_input_parse"})

_ATTR = re.compile(r'([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ITEM = re.compile(
    r"<Config\b(?P<config>[^>]*)>|<Sentence\b(?P<attrs>[^>]*)>(?P<body>.*?)</Sentence\s*>", re.S
)


@dataclass(frozen=True)
class Record:
    """One PETRARCH validation sentence with its expected codings and the options in force."""

    id: str
    category: str
    date: str | None
    text: str
    expected: tuple[Triple, ...]
    noevents: bool = False
    error: str | None = None
    options: tuple[tuple[str, str], ...] = ()

    def option(self, name: str, default: str | None = None) -> str | None:
        return dict(self.options).get(name, default)


def _attrs(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in _ATTR.finditer(text)
    }


def _iso(date: str | None) -> str | None:
    if not date:
        return None
    digits = re.sub(r"\D", "", date)
    if len(digits) != 8:
        return None
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def _unquote(code: str) -> str:
    return code.strip().strip('"').strip("'").strip()


def read_records(path: str | Path) -> list[Record]:
    """Every ``<Sentence>`` record of a PETRARCH validation file, with the ``<Config>`` options in force."""
    path = Path(path)
    if not path.exists():
        raise TidingsError("E303", path=str(path))
    text = _COMMENT.sub("", path.read_text(encoding="utf-8", errors="replace"))
    options: dict[str, str] = {}
    records: list[Record] = []
    for m in _ITEM.finditer(text):
        if m.group("config") is not None:
            a = _attrs(m.group("config"))
            if "option" in a:
                options[a["option"].lower()] = a.get("value", "")
            continue
        attrs = _attrs(m.group("attrs") or "")
        body = m.group("body") or ""
        if "id" not in attrs:
            continue
        expected: list[Triple] = []
        noevents = False
        error = None
        for coding in re.finditer(r"<EventCoding\b([^>]*)>", body):
            a = _attrs(coding.group(1))
            if a.get("noevents", "").lower() == "true":
                noevents = True
            if a.get("error"):
                error = a["error"].lower()
            if "eventcode" in a:
                expected.append(
                    (
                        _unquote(a.get("sourcecode", MISSING)),
                        _unquote(a.get("targetcode", MISSING)),
                        a["eventcode"].strip(),
                    )
                )
        text_m = re.search(r"<Text>(.*?)</Text>", body, re.S)
        sentence = " ".join(text_m.group(1).split()) if text_m else ""
        sentence = sentence.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        records.append(
            Record(
                id=attrs["id"],
                category=attrs.get("category", "").strip() or "NONE",
                date=_iso(attrs.get("date")),
                text=sentence,
                expected=tuple(expected),
                noevents=noevents,
                error=error,
                options=tuple(sorted(options.items())),
            )
        )
    if not records:
        raise TidingsError("E606", path=str(path))
    return records


# --------------------------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts for one group of records."""

    expected: int = 0
    found: int = 0
    emitted: int = 0
    right: int = 0
    records: int = 0

    def add(self, expected: Sequence[Triple], emitted: Sequence[Triple]) -> tuple[int, int]:
        exp, emi = Counter(expected), Counter(emitted)
        hit = sum((exp & emi).values())
        self.expected += len(expected)
        self.emitted += len(emitted)
        self.found += hit
        self.right += hit
        self.records += 1
        return hit, hit

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.emitted if self.emitted else (1.0 if not self.expected else 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "found": self.found,
            "expected": self.expected,
            "right": self.right,
            "emitted": self.emitted,
            "records": self.records,
        }


@dataclass
class EventScore:
    """The result of an evaluation: overall and per-category tallies, and per-record detail."""

    overall: Tally = field(default_factory=Tally)
    by_category: dict[str, Tally] = field(default_factory=dict)
    details: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self, record_id: str, category: str, expected: Sequence[Triple], emitted: Sequence[Triple]
    ) -> None:
        self.overall.add(expected, emitted)
        self.by_category.setdefault(category, Tally()).add(expected, emitted)
        self.details.append(
            {
                "id": record_id,
                "category": category,
                "expected": [list(t) for t in expected],
                "emitted": [list(t) for t in emitted],
                "ok": Counter(expected) == Counter(emitted),
            }
        )

    def to_dict(self, details: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            **self.overall.to_dict(),
            "by_category": {k: v.to_dict() for k, v in sorted(self.by_category.items())},
            "skipped": self.skipped,
        }
        if self.notes:
            out["notes"] = self.notes
        if details:
            out["details"] = self.details
        return out


def normalise_code(code: str | None) -> str:
    """Actor codes as compared: missing is ``---``; ``---GOV`` (no country) compares as ``GOV``."""
    if not code:
        return MISSING
    code = _unquote(code).upper()
    if code.startswith(MISSING) and len(code) > len(MISSING):
        code = code[len(MISSING) :]
    return code or MISSING


def triples_of(events: Iterable[Any]) -> list[Triple]:
    """(source, target, code) of coded events; compound actor codes ("FRO/BIL") give one per member."""
    out: list[Triple] = []
    for ev in events:
        sources = (getattr(ev, "source_code", None) or MISSING).split("/")
        targets = (getattr(ev, "target_code", None) or MISSING).split("/")
        for s in sources:
            for t in targets:
                out.append((normalise_code(s), normalise_code(t), str(ev.cameo)))
    return out


def expected_triples(record: Record) -> list[Triple]:
    return [(normalise_code(s), normalise_code(t), c) for s, t, c in record.expected]


# --------------------------------------------------------------------------------------------
# PETRARCH records
# --------------------------------------------------------------------------------------------


def _find(folder: Path, word: str) -> Path | None:
    found = sorted(p for p in folder.iterdir() if p.is_file() and word in p.name.lower())
    return found[0] if found else None


def petrarch_knowledge(dictionaries: str | Path) -> Any:
    """A ``Knowledge`` with the suite's own actors/agents (actors area importer) and verbs (ours)."""
    from tidings.knowledge import Knowledge
    from tidings.knowledge.petrarch_verbs import load_petrarch_verbs

    folder = Path(dictionaries)
    if not folder.is_dir():
        raise TidingsError("E303", path=str(folder))
    verbs = _find(folder, "verbs")
    if verbs is None:
        raise TidingsError("E604", path=str(folder), detail="no *verbs* file in the folder")
    patterns = load_petrarch_verbs(verbs, _find(folder, "discards"))
    try:
        from tidings.knowledge.petrarch import load_petrarch_dir
    except ImportError as exc:
        raise TidingsError("E605", what="the PETRARCH actor importer", detail=str(exc)) from exc
    actors, _report = load_petrarch_dir(folder)
    return Knowledge(actors=actors, event_patterns=patterns)


def _coder_options(record: Record, base: Any) -> Any:
    require = (record.option("require_dyad", "true") or "true").strip().lower() != "false"
    return replace(base, require_dyad=require)


def _extract_actors() -> Any:
    try:
        from tidings.extract.actors import extract_actors
    except ImportError as exc:
        raise TidingsError(
            "E605", what="the actor extractor (tidings.extract.actors)", detail=str(exc)
        ) from exc
    return extract_actors


def code_text(
    doc: Doc,
    article: Article,
    kb: Any,
    actors: Sequence[Finding] | None = None,
    quotes: Sequence[Finding] = (),
) -> Findings:
    """Run the stages events depend on (actors unless given) and then the coder, on one parsed text."""
    from tidings.extract.events import extract_events

    findings = Findings(article_id=article.id)
    if actors is None:
        findings = _extract_actors()(doc, article, kb, findings)
    else:
        findings = replace(findings, actors=tuple(actors))
    if quotes:
        findings = replace(findings, quotes=tuple(quotes))
    return extract_events(doc, article, kb, findings)


def score_petrarch(
    records_path: str | Path, dictionaries: str | Path, nlp: Language | None = None
) -> EventScore:
    """Code every record of a PETRARCH validation file with its own dictionaries and score it."""
    from tidings import nlp as tidings_nlp

    records = read_records(records_path)
    kb = petrarch_knowledge(dictionaries)
    base = kb.event_patterns.options
    nlp = nlp or tidings_nlp.load()
    score = EventScore()
    runnable = []
    for record in records:
        if record.error in SKIPPED_ERRORS:
            score.skipped.append(f"{record.id} ({record.error})")
            continue
        runnable.append(record)
    docs = nlp.pipe([r.text for r in runnable], batch_size=64)
    for record, doc in zip(runnable, docs, strict=True):
        patterns = replace(kb.event_patterns, options=_coder_options(record, base))
        record_kb = replace(kb, event_patterns=patterns)
        article = Article(
            text=record.text,
            source=str(records_path),
            format="petrarch",
            external_id=record.id,
            published=record.date,
        )
        findings = code_text(doc, article, record_kb)
        expected = [] if (record.noevents or record.error) else expected_triples(record)
        score.add(record.id, record.category, expected, triples_of(findings.events))
    return score


# --------------------------------------------------------------------------------------------
# tidings gold sentences (JSONL)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MarkedActor(Finding):
    """An actor mention marked by hand in a gold sentence or a test (stands in for the actors stage).

    Carries the fields the coder reads from ``tidings.extract.actors.ActorMention``.
    """

    table: ClassVar[str] = "actor_mentions"

    text: str
    code: str | None = None
    name: str | None = None
    actor_id: str | None = None
    country: str | None = None


def mark_actors(
    text: str, article_id: str, marks: Sequence[dict[str, Any] | Sequence[str]]
) -> tuple[MarkedActor, ...]:
    """Actor mentions for the given ``(phrase, code)`` marks: each phrase's occurrences in the text.

    A mark may be a dict ``{"text": ..., "code": ..., "occurrence": n}`` to pick one occurrence.
    """
    out: list[MarkedActor] = []
    for mark in marks:
        if isinstance(mark, dict):
            phrase, code, which = mark["text"], mark.get("code"), mark.get("occurrence")
        else:
            phrase, code, which = mark[0], mark[1] if len(mark) > 1 else None, None
        starts = [m.start() for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text)]
        if which is not None:
            starts = starts[int(which) : int(which) + 1]
        for start in starts:
            out.append(
                MarkedActor(
                    article_id=article_id,
                    sentence=0,
                    spans=(Span(start, start + len(phrase)),),
                    rule="gold/marked",
                    confidence=1.0,
                    text=phrase,
                    code=code,
                    name=phrase,
                    actor_id=code,
                    country=(code or "")[:3] or None,
                )
            )
    return tuple(sorted(out, key=lambda a: a.spans[0]))


@dataclass(frozen=True)
class GoldSentence:
    text: str
    events: tuple[Triple, ...]
    published: str | None = None
    actors: tuple[Any, ...] | None = None
    id: str = ""
    category: str = ""


def read_gold(path: str | Path) -> list[GoldSentence]:
    """Gold JSONL: ``{"id", "text", "published", "actors": [[phrase, code], ...], "events":
    [{"source", "target", "code"}, ...]}`` per line; ``actors`` optional (then the actors stage runs).
    """
    path = Path(path)
    if not path.exists():
        raise TidingsError("E303", path=str(path))
    out: list[GoldSentence] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
            events = tuple(
                (normalise_code(e.get("source")), normalise_code(e.get("target")), str(e["code"]))
                for e in row.get("events", [])
            )
            text = row["text"]
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise TidingsError("E607", line=n, path=str(path), detail=str(exc)) from exc
        actors = row.get("actors")
        out.append(
            GoldSentence(
                text=text,
                events=events,
                published=row.get("published"),
                actors=tuple(actors) if actors is not None else None,
                id=str(row.get("id", n)),
                category=str(row.get("category") or (events[0][2][:2] if events else "none")),
            )
        )
    return out


def score_gold(path: str | Path, kb: Any = None, nlp: Language | None = None) -> EventScore:
    """Code each gold sentence with tidings' own patterns and score (source, target, code) and roots.

    ``by_category`` is keyed by the gold CAMEO root; ``notes`` carries the root-level accuracy.
    """
    from tidings import nlp as tidings_nlp
    from tidings.extract.events import load_patterns
    from tidings.knowledge import Knowledge

    gold = read_gold(path)
    if kb is None:
        kb = Knowledge(event_patterns=load_patterns())
    elif getattr(kb, "event_patterns", None) is None:
        kb = replace(kb, event_patterns=load_patterns())
    nlp = nlp or tidings_nlp.load()
    score = EventScore()
    roots = Tally()
    for sentence, doc in zip(gold, nlp.pipe([g.text for g in gold], batch_size=64), strict=True):
        article = Article(
            text=sentence.text,
            source=str(path),
            format="gold",
            external_id=sentence.id,
            published=sentence.published,
        )
        marked = (
            mark_actors(sentence.text, article.id, sentence.actors) if sentence.actors is not None else None
        )
        findings = code_text(doc, article, kb, actors=marked)
        emitted = triples_of(findings.events)
        score.add(sentence.id, sentence.category, list(sentence.events), emitted)
        roots.add([(s, t, c[:2]) for s, t, c in sentence.events], [(s, t, c[:2]) for s, t, c in emitted])
    score.notes.append(
        f"root-level: recall {roots.recall:.3f} ({roots.found}/{roots.expected}), "
        f"precision {roots.precision:.3f} ({roots.right}/{roots.emitted})"
    )
    return score
