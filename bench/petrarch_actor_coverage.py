"""How many of PETRARCH's expected actor codes the actors stage finds, with PETRARCH's own dictionaries.

For every unit-test sentence in a PETRARCH ``*.records.xml`` file (``<Sentence date=... id=...>`` with
``<EventCoding sourcecode=... targetcode=...>`` and ``<Text>``), the sentence is parsed and resolved
by ``tidings.extract.actors.extract_actors`` with a knowledge base from
``tidings.knowledge.petrarch.load_petrarch_dir``; a code counts as found when some actor mention of
the sentence carries it. This measures actor resolution alone (no event coding): an expected code
that is not among the mentions can never be coded.

    python bench/petrarch_actor_coverage.py \\
        --records ../shared/eval/petrarch2/PETR.UnitTest.records.xml \\
        --dictionaries ../shared/eval/petrarch2/dictionaries --misses 40

The gold file is development data: it is read from where it lies, never copied into the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_SENTENCE = re.compile(r'<Sentence date="(\d{8})" id="([^"]+)"[^>]*>(.*?)</Sentence>', re.S)
_CODING = re.compile(r'sourcecode="([^"]*)"\s+targetcode="([^"]*)"')
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)
# Placeholders in the gold data that name no actor.
NO_ACTOR = frozenset({"", "---"})


def read_records(path: Path) -> list[tuple[str, str, str, set[str]]]:
    """(id, ISO date, text, expected codes) of every sentence with at least one coding."""
    raw = path.read_text(encoding="latin-1")
    out = []
    for m in _SENTENCE.finditer(raw):
        date, sid, body = m.groups()
        text = _TEXT.search(body)
        codes = {c for pair in _CODING.findall(body) for c in pair if c not in NO_ACTOR}
        if text is None or not codes:
            continue
        out.append((sid, f"{date[:4]}-{date[4:6]}-{date[6:]}", " ".join(text.group(1).split()), codes))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print found/expected codes and the first misses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--records", type=Path, default=Path("../shared/eval/petrarch2/PETR.UnitTest.records.xml")
    )
    parser.add_argument("--dictionaries", type=Path, default=Path("../shared/eval/petrarch2/dictionaries"))
    parser.add_argument("--misses", type=int, default=25, help="how many misses to list")
    args = parser.parse_args(argv)

    from tidings.extract.actors import extract_actors
    from tidings.knowledge.petrarch import load_petrarch_dir
    from tidings.nlp import load
    from tidings.types import Article, Findings

    if not args.records.exists() or not args.dictionaries.is_dir():
        print(f"error: need {args.records} and {args.dictionaries} (see --help)", file=sys.stderr)
        return 2
    nlp = load()
    kb, report = load_petrarch_dir(args.dictionaries)
    print(f"dictionaries: {report.summary()}")
    total = found = 0
    misses: list[tuple[str, str, list[str]]] = []
    for sid, day, text, expected in read_records(args.records):
        article = Article(text=text, source="petrarch-unit-test", format="text", published=day)
        got = {m.code for m in extract_actors(nlp(text), article, kb, Findings(article_id=article.id)).actors}
        for code in sorted(expected):
            total += 1
            if code in got:
                found += 1
            else:
                misses.append((sid, code, sorted(c for c in got if c)))
    share = found / total if total else 0.0
    print(f"expected actor codes found among mentions: {found}/{total} = {share:.1%}")
    for sid, code, got_codes in misses[: args.misses]:
        print(f"  miss {sid}: {code} (mentions: {', '.join(got_codes) or '-'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
