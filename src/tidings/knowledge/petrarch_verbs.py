"""Importer for PETRARCH/TABARI verb dictionaries and discard lists.

Owns reading the dictionary formats, not coding: a verbs file becomes a
``tidings.extract.events.PatternSet`` that the ordinary event coder runs, so a user can code with
the large open dictionaries they already trust. The format, as read here:

- ``&NAME`` starts a synonym set; the ``+WORD`` / ``+TWO WORDS`` / ``+&OTHER`` lines after it are its
  members, up to a blank line.
- ``--- NAME [code] ---`` starts a verb block. The lines after it that do not start with ``-`` are
  the block's verbs: ``ABANDON``, ``BREAK {BROKE BROKEN}`` (irregular forms),
  ``+BREAK_DOWN {...}`` / ``WIRE_+TAP`` (multi-word verbs; ``+`` marks the inflected word),
  optionally with a code of their own (``DOWNPLAY [014]``).
- ``- BEFORE * AFTER [code]`` lines are patterns of the block's verbs: ``*`` is the verb, ``_`` glues
  two words (no word between them), ``&NAME`` a synonym set, ``$`` the source, ``+`` the target,
  ``%`` a compound (events between conjoined subjects), ``^`` a gap. ``[a:b]`` gives the code and
  the mirror event's code; ``[---]`` means "not an event".
- ``#`` starts a comment (outside brackets); ``<!-- -->`` lines are comments.

Discard files list phrases one per line: ``+PHRASE`` discards the whole story, ``PHRASE`` the sentence.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from tidings.errors import TidingsError
from tidings.extract.events import CoderOptions, Element, Pattern, PatternSet, _index, parse_sequence

# The options under which PETRARCH's own dictionaries were written: dyads only, the agentless
# passive subject as source, targets searched through the whole verb phrase, and negation/modality
# left to the patterns themselves.
PETRARCH_OPTIONS = CoderOptions(
    require_dyad=True,
    passive_subject_is_source=True,
    target_scope="phrase",
    apply_maps=False,
    nouns=False,
    inherit_participles=False,
)

_HEADER = re.compile(r"^---\s*(?P<name>.*?)\s*(?P<codes>(\[[^\]]*\]\s*)*)---\s*$")
_CODE = re.compile(r"\[([^\]]*)\]")
_FORMS = re.compile(r"\{([^}]*)\}")


def strip_comment(line: str) -> str:
    """The line without its ``#`` comment; a ``#`` inside ``[...]`` (code ``[###]``) is kept."""
    depth = 0
    for i, ch in enumerate(line):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == "#" and depth == 0:
            return line[:i].rstrip()
    return line.rstrip()


def _read(path: str | Path) -> list[str]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise TidingsError("E604", path=str(path), detail=exc.strerror or str(exc)) from exc
    text = re.sub(r"<!.*?-->", "", text, flags=re.S)
    return text.splitlines()


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in re.split(r"[\s_]+", text.strip()) if w)


def _parse_code(raw: str | None) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    parts = [p.strip() for p in raw.split(":")]
    code = parts[0] if parts and parts[0] and parts[0] != "---" else None
    reverse = parts[1] if len(parts) > 1 and parts[1] and parts[1] != "---" else None
    return code, reverse


def _valid_code(code: str) -> bool:
    """A usable event code has digits ("064", "174K", "1010"); "+++", "###", "xxy" do not."""
    return any(ch.isdigit() for ch in code)


def inflections(word: str) -> set[str]:
    """Regular English forms of a verb: -s/-es, -ed/-d, -ing, with e-drop, y→i and doubling."""
    w = word.lower()
    forms = {w}
    if re.search(r"(s|x|z|ch|sh|o)$", w):
        forms.add(w + "es")
    elif re.search(r"[^aeiou]y$", w):
        forms.add(w[:-1] + "ies")
    else:
        forms.add(w + "s")
    if w.endswith("e"):
        forms |= {w + "d", w[:-1] + "ing"}
    elif re.search(r"[^aeiou]y$", w):
        forms |= {w[:-1] + "ied", w + "ing"}
    else:
        forms |= {w + "ed", w + "ing"}
        if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", w):
            forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return forms


def _expand(
    name: str, raw: dict[str, list[str]], done: dict[str, tuple[tuple[str, ...], ...]], seen: frozenset[str]
) -> tuple[tuple[str, ...], ...]:
    if name in done:
        return done[name]
    out: list[tuple[str, ...]] = []
    for member in raw.get(name, []):
        if member.startswith("&"):
            inner = member[1:].upper()
            if inner in seen:
                continue
            out.extend(_expand(inner, raw, done, seen | {name}))
        else:
            words = _words(member)
            if words:
                out.append(words)
    done[name] = tuple(out)
    return done[name]


def read_synsets(lines: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Every ``&NAME`` set in the file, with nested sets expanded."""
    raw: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        text = strip_comment(line).strip()
        if not text:
            current = None
            continue
        if text.startswith("&"):
            current = text[1:].split()[0].rstrip("_").upper()
            raw.setdefault(current, [])
        elif text.startswith("+") and current is not None:
            raw[current].append(text[1:].strip())
        else:
            current = None
    done: dict[str, tuple[tuple[str, ...], ...]] = {}
    for name in raw:
        _expand(name, raw, done, frozenset())
    return done


class _Verb:
    """One verb of a block: its head forms, glued words around it and its own code."""

    def __init__(self, text: str, block_code: tuple[str | None, str | None]) -> None:
        code_m = _CODE.search(text)
        self.code = _parse_code(code_m.group(1)) if code_m else block_code
        if self.code[0] is not None and not _valid_code(self.code[0]):
            self.code = (None, None)
        forms_m = _FORMS.search(text)
        body = _CODE.sub("", _FORMS.sub("", text)).strip()
        self.head, self.before, self.after = _split_multiword(body)
        forms: set[str] = set()
        if forms_m:
            forms.add(self.head)
            for form in forms_m.group(1).split():
                head, _b, _a = _split_multiword(form)
                if head:
                    forms.add(head)
        else:
            forms = inflections(self.head)
        self.forms = frozenset(forms)
        self.key = "_".join(self.before + (self.head,) + self.after)


def _split_multiword(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """("WIRE_+TAP") -> head "tap", before ("wire",), after (); "+BREAK_DOWN" -> "break", (), ("down",)."""
    words = [w for w in re.split(r"[\s_]+", text.strip()) if w]
    if not words:
        return "", (), ()
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    i = marked[0] if marked else 0
    words = [w.lstrip("+") for w in words]
    return words[i].lower(), tuple(w.lower() for w in words[:i]), tuple(w.lower() for w in words[i + 1 :])


def _glued_chain(words: tuple[str, ...], first_glued: bool) -> tuple[Element, ...]:
    return tuple(
        Element("words", ((w,),), glued=first_glued if k == 0 else True) for k, w in enumerate(words)
    )


def _pattern(
    block: str,
    n: int,
    verb: _Verb,
    code: tuple[str | None, str | None],
    before: tuple[Element, ...],
    after: tuple[Element, ...],
    verb_glued: bool,
    compound: bool,
    order: int,
) -> Pattern:
    if verb.before:
        before = before + _glued_chain(verb.before, verb_glued)
        verb_glued = True
    if verb.after:
        after = _glued_chain(verb.after, True) + after
    return Pattern(
        id=f"petrarch/{block}/{n}" + (f"/{verb.key}" if verb.key != block.lower() else ""),
        kind="verb",
        lemma=verb.head,
        code=code[0],
        reverse=code[1],
        forms=verb.forms,
        before=before,
        after=after,
        verb_glued=verb_glued,
        compound=compound,
        order=order,
    )


def read_verbs(path: str | Path) -> list[Pattern]:
    """Every pattern in a PETRARCH verbs dictionary, in file order."""
    lines = _read(path)
    synsets = read_synsets(lines)
    patterns: list[Pattern] = []
    block: str | None = None
    block_code: tuple[str | None, str | None] = (None, None)
    verbs: list[_Verb] = []
    in_synset = False
    order = 0
    n = 0
    seen_blocks: dict[str, int] = {}

    def close_block_verbs() -> None:
        nonlocal order
        # each verb on its own codes with the verb's (or the block's) code
        for verb in verbs:
            patterns.append(_pattern(block or "", 0, verb, verb.code, (), (), False, False, order))
            order += 1

    for lineno, line in enumerate(lines, 1):
        text = strip_comment(line).strip()
        if not text:
            in_synset = False
            continue
        header = _HEADER.match(text)
        if header:
            if block is not None:
                close_block_verbs()
            block = header.group("name").strip().rstrip("_").replace(" ", "_") or "VERB"
            seen_blocks[block] = seen_blocks.get(block, 0) + 1
            if seen_blocks[block] > 1:  # a second "--- SHOT ---" block keeps its own pattern ids
                block = f"{block}~{seen_blocks[block]}"
            codes = _CODE.findall(header.group("codes") or "")
            block_code = _parse_code(codes[0]) if codes else (None, None)
            verbs, n, in_synset = [], 0, False
            continue
        if text.startswith("&"):
            in_synset = True
            continue
        if in_synset and text.startswith("+"):
            continue
        in_synset = False
        if block is None:
            continue
        if text.startswith("-"):
            code_m = _CODE.search(text)
            if not code_m:
                raise TidingsError("E604", path=str(path), detail=f"line {lineno}: pattern without [code]")
            code = _parse_code(code_m.group(1))
            if code[0] is not None and not _valid_code(code[0]):
                continue  # "[+++]", "[xxy]": placeholders the suite uses to test that they are ignored
            body = text[1 : code_m.start()].strip()
            compound = "%" in body
            body = body.replace("%", " ")
            if "*" not in body:
                continue
            star = body.index("*")
            before_text, after_text = body[:star], body[star + 1 :]
            verb_glued = before_text.endswith("_")
            try:
                before = parse_sequence(before_text.strip().rstrip("_"), synsets)
                after = parse_sequence(
                    after_text.strip() if not after_text.startswith("_") else after_text, synsets
                )
            except TidingsError as exc:
                raise TidingsError("E604", path=str(path), detail=f"line {lineno}: {exc.message}") from exc
            n += 1
            for verb in verbs:
                patterns.append(_pattern(block, n, verb, code, before, after, verb_glued, compound, order))
                order += 1
            continue
        verbs.append(_Verb(text, block_code))
    if block is not None:
        close_block_verbs()
    return patterns


def read_discards(path: str | Path) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """(story discards, sentence discards) as lower-case word sequences."""
    story: list[tuple[str, ...]] = []
    sentence: list[tuple[str, ...]] = []
    for line in _read(path):
        text = strip_comment(line).strip()
        if not text:
            continue
        if text.startswith("+"):
            story.append(_words(text[1:]))
        else:
            sentence.append(_words(text))
    return tuple(s for s in story if s), tuple(s for s in sentence if s)


def load_petrarch_verbs(
    verbs: str | Path, discards: str | Path | None = None, options: CoderOptions = PETRARCH_OPTIONS
) -> PatternSet:
    """A ``PatternSet`` from a PETRARCH verbs dictionary (and optionally its discard list)."""
    patterns = read_verbs(verbs)
    by_lemma, by_form, nouns = _index(patterns)
    result = PatternSet(
        verbs=by_lemma, verb_forms=by_form, nouns=nouns, options=options, sources=(str(verbs),)
    )
    if discards is not None:
        story, sentence = read_discards(discards)
        result = replace(
            result,
            story_discards=story,
            sentence_discards=sentence,
            sources=result.sources + (str(discards),),
        )
    return result
