"""Scoring quotes against brat attribution files (the PolNeAR layout).

Owns the brat reader (``read_ann``, ``brat_documents``) and the scorer (``score_quotes``,
``evaluate_brat``). A brat directory holds ``text/NAME.txt`` and ``attributions/NAME[_ANNOTATOR].ann``;
an article annotated by several people has one ``.ann`` per annotator, and each is scored on its
own against tidings' output for the shared text.

What is scored (see docs/quotes.md):

- Gold attributions are restricted to *speech acts*: an attribution counts when a verb of its
  cue (as spaCy tags it) has a lemma that the cue lexicon lists with an extracted type (``speech``
  by default), or the cue is one of the lexicon's phrases ("according to"). Beliefs, findings
  and punctuation-only cues (":", "—") are left out.
- Each predicted quote is paired with at most one gold attribution (any type), best content overlap
  first, then cue overlap. A quote paired with a non-speech attribution is left out of the counts,
  neither right nor wrong.
- For source (speaker), cue and content: *exact* means the same word tokens (punctuation and quote
  marks ignored); *overlap* means the shared word tokens are at least half of the gold tokens and at
  least half of the predicted tokens. Precision divides by the quotes that have the field, recall
  by the speech attributions that have it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tidings.errors import TidingsError
from tidings.types import Article, Findings, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from tidings.extract.quotes import CueLexicon, Quote

FIELDS = ("source", "cue", "content")
MODES = ("exact", "overlap")
# Share of tokens two spans must have in common (of each side) to count as an overlap match.
OVERLAP_SHARE = 0.5
WORD = re.compile(r"\w+", re.UNICODE)
# Pairing weight of a shared source word, below a shared cue (1.0) and a full content match (1.0):
# it only breaks ties between attributions that share content or cue.
SOURCE_WEIGHT = 0.5


@dataclass(frozen=True)
class GoldAttribution:
    """One annotated attribution: its source, cue and content spans and whether it is speech."""

    id: str
    label: str  # Attribution or Attribution-no-source
    source: tuple[Span, ...]
    cue: tuple[Span, ...]
    content: tuple[Span, ...]
    speech: bool = False


@dataclass
class Counts:
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Report:
    """Scores per field and mode, with the counts that explain them."""

    counts: dict[tuple[str, str], Counts] = field(
        default_factory=lambda: {(f, m): Counts() for f in FIELDS for m in MODES}
    )
    documents: int = 0
    annotation_files: int = 0
    gold_attributions: int = 0
    gold_speech: int = 0
    predicted: int = 0
    ignored_predictions: int = 0  # paired with non-speech attributions

    def add(self, other: Report) -> None:
        for key, c in other.counts.items():
            mine = self.counts[key]
            mine.tp += c.tp
            mine.predicted += c.predicted
            mine.gold += c.gold
        self.documents += other.documents
        self.annotation_files += other.annotation_files
        self.gold_attributions += other.gold_attributions
        self.gold_speech += other.gold_speech
        self.predicted += other.predicted
        self.ignored_predictions += other.ignored_predictions

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "annotation_files": self.annotation_files,
            "gold_attributions": self.gold_attributions,
            "gold_speech_attributions": self.gold_speech,
            "predicted_quotes": self.predicted,
            "ignored_predictions": self.ignored_predictions,
            "cue_filter": "cue lemma in the speech-cue lexicon (or a lexicon phrase such as 'according to')",
            "scores": {f: {m: self.counts[(f, m)].as_dict() for m in MODES} for f in FIELDS},
        }

    def table(self) -> str:
        lines = [
            f"documents {self.documents}  annotation files {self.annotation_files}  "
            f"gold attributions {self.gold_attributions} (speech {self.gold_speech})  "
            f"predicted quotes {self.predicted} "
            f"(ignored, paired with non-speech: {self.ignored_predictions})",
            f"{'field':<8} {'match':<8} {'P':>6} {'R':>6} {'F1':>6} {'tp':>6} {'pred':>6} {'gold':>6}",
        ]
        for f in FIELDS:
            for m in MODES:
                c = self.counts[(f, m)]
                lines.append(
                    f"{f:<8} {m:<8} {c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f} "
                    f"{c.tp:>6} {c.predicted:>6} {c.gold:>6}"
                )
        return "\n".join(lines)


# ---- reading brat ------------------------------------------------------------------------------


def parse_spans(raw: str) -> tuple[Span, ...]:
    """``"12 20;25 30"`` → spans."""
    out = []
    for part in raw.split(";"):
        a, b = part.split()
        out.append(Span(int(a), int(b)))
    return tuple(out)


def read_ann(path: Path) -> list[GoldAttribution]:
    """The attributions of one brat ``.ann`` file (T lines joined by E lines)."""
    spans: dict[str, tuple[str, tuple[Span, ...]]] = {}
    events: list[tuple[str, str, dict[str, str]]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        ident = parts[0]
        try:
            if ident.startswith("T"):
                label, _, raw = parts[1].partition(" ")
                spans[ident] = (label, parse_spans(raw))
            elif ident.startswith("E"):
                roles = {}
                label = ""
                for k, item in enumerate(parts[1].split()):
                    role, _, ref = item.partition(":")
                    if k == 0:
                        label = role
                    else:
                        roles.setdefault(role, ref)
                events.append((ident, label, roles))
        except (IndexError, ValueError) as exc:
            raise TidingsError(
                "E304", value=f"{path}:{n}", option="--brat", detail=f"not a brat annotation line ({exc})"
            ) from exc
    out = []
    for ident, label, roles in events:

        def get(role: str, roles: dict[str, str] = roles) -> tuple[Span, ...]:
            ref = roles.get(role)
            return spans[ref][1] if ref in spans else ()

        out.append(GoldAttribution(ident, label, get("Source"), get("Cue"), get("Content")))
    return out


def brat_documents(root: Path) -> Iterator[tuple[Path, list[Path]]]:
    """``(text file, [annotation files])`` pairs; ``NAME_ANNOTATOR.ann`` files share ``NAME.txt``."""
    text_dir = root / "text"
    ann_dir = root / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise TidingsError(
            "E304",
            value=str(root),
            option="--brat",
            detail="expected a directory with text/ and attributions/ subdirectories (PolNeAR layout)",
        )
    texts = {p.stem: p for p in sorted(text_dir.glob("*.txt"))}
    by_text: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem
        if stem in texts:
            by_text.setdefault(stem, []).append(ann)
            continue
        base = stem.rsplit("_", 1)[0]
        if base in texts:
            by_text.setdefault(base, []).append(ann)
    for stem, path in texts.items():
        if stem in by_text:
            yield path, by_text[stem]


# ---- scoring ---------------------------------------------------------------------------------


def word_positions(text: str, spans: Iterable[Span]) -> set[int]:
    """Start offsets of the word tokens inside the spans (punctuation and quote marks ignored)."""
    out: set[int] = set()
    for span in spans:
        for m in WORD.finditer(text, span.start, span.end):
            out.add(m.start())
    return out


def spans_match(text: str, gold: tuple[Span, ...], predicted: tuple[Span, ...], mode: str) -> bool:
    g = word_positions(text, gold)
    p = word_positions(text, predicted)
    if not g or not p:
        return False
    if mode == "exact":
        return g == p
    shared = len(g & p)
    return shared >= OVERLAP_SHARE * len(g) and shared >= OVERLAP_SHARE * len(p)


def is_speech(doc: Doc, attribution: GoldAttribution, lexicon: CueLexicon) -> bool:
    """The cue filter: a cue word's lemma is an extracted cue type, or the cue is a lexicon phrase."""
    if not attribution.cue:
        return False
    words: list[str] = []
    for span in attribution.cue:
        region = doc.char_span(span.start, span.end, alignment_mode="expand")
        if region is None:
            continue
        for token in region:
            entry = lexicon.cue(token.lemma_) if token.pos_ in {"VERB", "AUX"} else None
            if entry is not None and (
                entry.particle is None
                or any(c.dep_ == "prt" and c.lower_ == entry.particle for c in token.children)
            ):
                return True  # a verb the lexicon needs a particle for counts only with it ("point out")
            words.append(token.lower_)
    joined = " ".join(words)
    return any(" ".join(p.words) in joined for p in lexicon.phrases if p.type in lexicon.types)


def _pair(text: str, quotes: list[Quote], gold: list[GoldAttribution]) -> dict[int, int]:
    """Greedy one-to-one pairing of quotes to attributions by content, cue and then source overlap."""
    candidates = []
    for qi, q in enumerate(quotes):
        qc = word_positions(text, q.content_spans)
        qv = word_positions(text, q.cue_spans)
        qs = word_positions(text, q.speaker_spans)
        for gi, g in enumerate(gold):
            gc = word_positions(text, g.content)
            gv = word_positions(text, g.cue)
            content = len(qc & gc) / len(qc | gc) if qc | gc else 0.0
            cue = 1.0 if qv & gv else 0.0
            source = SOURCE_WEIGHT if qs & word_positions(text, g.source) else 0.0
            score = content + cue + (source if content or cue else 0.0)
            if score > 0:
                candidates.append((score, qi, gi))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, qi, gi in candidates:
        if qi in pairs or gi in used:
            continue
        pairs[qi] = gi
        used.add(gi)
    return pairs


def score_quotes(text: str, quotes: list[Quote], gold: list[GoldAttribution]) -> Report:
    """Score one article's quotes against one annotator's attributions (speech flags already set)."""
    report = Report(annotation_files=1, gold_attributions=len(gold))
    speech = [g for g in gold if g.speech]
    report.gold_speech = len(speech)
    pairs = _pair(text, quotes, gold)
    kept = [qi for qi in range(len(quotes)) if qi not in pairs or gold[pairs[qi]].speech]
    report.predicted = len(kept)
    report.ignored_predictions = len(quotes) - len(kept)

    def field_spans(obj: Quote | GoldAttribution, name: str) -> tuple[Span, ...]:
        if isinstance(obj, GoldAttribution):
            return getattr(obj, name)
        return {"source": obj.speaker_spans, "cue": obj.cue_spans, "content": obj.content_spans}[name]

    for f in FIELDS:
        for m in MODES:
            c = report.counts[(f, m)]
            c.gold = sum(1 for g in speech if field_spans(g, f))
            c.predicted = sum(1 for qi in kept if field_spans(quotes[qi], f))
            for qi in kept:
                if qi not in pairs:
                    continue
                g = gold[pairs[qi]]
                if spans_match(text, field_spans(g, f), field_spans(quotes[qi], f), m):
                    c.tp += 1
    return report


def evaluate_brat(
    root: str | Path,
    kb: Any,
    nlp: Language | None = None,
    limit: int | None = None,
) -> Report:
    """Run the quote extractor over every text of a brat directory and score it."""
    from tidings import nlp as nlp_module
    from tidings.extract import extract_entities
    from tidings.extract.quotes import extract_quotes

    root = Path(root)
    if not root.exists():
        raise TidingsError("E303", path=str(root))
    lexicon = kb.cues
    documents = list(brat_documents(root))
    if limit is not None:
        documents = documents[:limit]
    items = []
    for text_path, anns in documents:
        text = text_path.read_text(encoding="utf-8")
        items.append((text, (text_path, anns)))
    report = Report()
    for doc, (text_path, anns) in nlp_module.parse(items, nlp=nlp):
        text = doc.text
        article = Article(text=text, source=str(text_path), format="brat")
        findings = extract_entities(doc, article, kb, Findings(article_id=article.id))
        findings = extract_quotes(doc, article, kb, findings)
        quotes = list(findings.quotes)
        report.documents += 1
        for ann in anns:
            gold = [
                GoldAttribution(g.id, g.label, g.source, g.cue, g.content, is_speech(doc, g, lexicon))
                for g in read_ann(ann)
            ]
            report.add(score_quotes(text, quotes, gold))  # type: ignore[arg-type]
    return report
