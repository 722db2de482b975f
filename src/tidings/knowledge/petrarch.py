"""Import PETRARCH / TABARI / Phoenix actor and agent dictionaries into an ``ActorKB``.

The dictionaries researchers already maintain become a knowledge base ``extract_actors`` can use, so
the codes that come out are the dictionary's own: "Arnor" -> ARN, "Arnor cleric" -> ARNREL,
"MSF Arnor diplomat" -> NGOARNGOV, "Sam Gamgee" on 2010-01-10 -> ORCHOB.

Formats read (as documented in the PETRARCH and TABARI manuals):

- actors: ``NAME [CODE]`` with ``_`` joining words (a trailing ``_`` only marks the end of a word);
  ``+SYNONYM`` lines; code blocks on the same or following indented lines, optionally date-restricted:
  ``[HOB < 950601]`` (before), ``[HOBREB > 990816]`` (after), ``[HOBGOV 19950601 - 19990815]``
  (range, inclusive); six-digit dates are YYMMDD. Where restrictions overlap the first listed wins;
  an unrestricted code is the default outside them. ``#`` comments, ``<!-- -->`` blocks.
- agents: ``NAME {PLURALS} [~CODE]`` (agent code after the actor's, "ARN" + "GOV") or ``[CODE~]``
  (before it, "NGO" + "ARN"); ``{}`` means no plural; ``!MACRO! = A, B`` substitution sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tidings.errors import TidingsError
from tidings.knowledge.kb import CASE_ANY, Actor, ActorKB, Agent, Entry, Role, day_after, day_before, slug

_COMMENT_BLOCK = re.compile(r"<!\s*--.*?-->", re.S)
_CODE_BLOCK = re.compile(r"\[([^\]]*)\]")
_DATE_RANGE = re.compile(r"^(\S+?)\s*(?:([<>])\s*(\d{6,8})|(\d{6,8})\s*-\s*(\d{6,8}))?\s*$")
_MACRO = re.compile(r"^(![A-Z]+!)\s*=\s*(.+)$")

# Two-digit years in six-digit dates: 00-39 are 20xx, 40-99 are 19xx (the dictionaries' dates run
# from the 1940s, UN secretaries-general, to the 2010s).
YY_PIVOT = 40


@dataclass(frozen=True)
class ImportReport:
    """What an import read: counts a user can compare with the dictionary files."""

    actors: int
    synonyms: int
    dated_codes: int
    agents: int
    agent_phrases: int
    skipped: tuple[str, ...] = ()

    def summary(self) -> str:
        return (
            f"{self.actors} actors ({self.synonyms} synonyms, {self.dated_codes} date-restricted codes), "
            f"{self.agents} agents ({self.agent_phrases} phrases incl. plurals), "
            f"{len(self.skipped)} lines skipped"
        )


def parse_date(text: str) -> str | None:
    """A PETRARCH date (YYMMDD or YYYYMMDD) as an ISO date, or None when malformed."""
    text = text.strip()
    if len(text) == 6:
        yy = int(text[:2])
        text = (f"20{text[:2]}" if yy < YY_PIVOT else f"19{text[:2]}") + text[2:]
    if len(text) != 8 or not text.isdigit():
        return None
    iso = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        from datetime import date

        date.fromisoformat(iso)
    except ValueError:
        return None
    return iso


def _name(raw: str) -> str:
    return " ".join(raw.replace("_", " ").split())


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0]


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Lines of a dictionary with comment blocks blanked (line numbers kept)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    text = _COMMENT_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    yield from enumerate(text.splitlines(), 1)


@dataclass
class _RawActor:
    name: str
    line: int
    synonyms: list[str]
    codes: list[tuple[str, str | None, str | None]]  # (code, start, end)


def _parse_codes(text: str, skipped: list[str], where: str) -> list[tuple[str, str | None, str | None]]:
    out: list[tuple[str, str | None, str | None]] = []
    for block in _CODE_BLOCK.findall(text):
        m = _DATE_RANGE.match(block.strip())
        if not m:
            skipped.append(f"{where}: code block [{block}]")
            continue
        codes, op, when, first, last = m.groups()
        start = end = None
        if op == "<":
            iso = parse_date(when)
            end = day_before(iso) if iso else None
            if iso is None:
                skipped.append(f"{where}: date in [{block}]")
        elif op == ">":
            iso = parse_date(when)
            start = day_after(iso) if iso else None
            if iso is None:
                skipped.append(f"{where}: date in [{block}]")
        elif first:
            start, end = parse_date(first), parse_date(last)
            if start is None or end is None:
                skipped.append(f"{where}: date in [{block}]")
                continue
        for code in codes.split("/"):
            if code:
                out.append((code.upper(), start, end))
    return out


def read_actor_file(path: Path, skipped: list[str]) -> list[_RawActor]:
    """The entries of one actor dictionary, in file order."""
    entries: list[_RawActor] = []
    current: _RawActor | None = None
    for number, line in _lines(path):
        body = _strip_comment(line).rstrip()
        if not body.strip():
            continue
        where = f"{path.name}:{number}"
        stripped = body.strip()
        if stripped.startswith("+"):
            if current is None:
                skipped.append(f"{where}: synonym before any actor")
                continue
            name_part = _CODE_BLOCK.split(stripped[1:], maxsplit=1)[0]
            if _name(name_part):
                current.synonyms.append(_name(name_part))
            current.codes.extend(_parse_codes(stripped, skipped, where))
        elif stripped.startswith("["):
            if current is None:
                skipped.append(f"{where}: code block before any actor")
                continue
            current.codes.extend(_parse_codes(stripped, skipped, where))
        elif body[:1].isspace() and current is not None and "[" not in stripped:
            # An indented bare name continues the entry above (seen in Phoenix files).
            current.synonyms.append(_name(stripped))
        else:
            name_part = stripped.split("[", 1)[0]
            current = _RawActor(name=_name(name_part), line=number, synonyms=[], codes=[])
            current.codes.extend(_parse_codes(stripped, skipped, where))
            if current.name:
                entries.append(current)
    return entries


def _actor_from_raw(raw: _RawActor, actor_id: str, source: str) -> Actor:
    undated = [c for c, s, e in raw.codes if s is None and e is None]
    dated = [(c, s, e) for c, s, e in raw.codes if s is not None or e is not None]
    undated = list(dict.fromkeys(undated))
    default = undated[0] if undated else None
    evidence = (f"{source}:{raw.line}",)
    roles = tuple(
        Role(
            title="",
            code=c,
            country=c[:3] if len(c) >= 3 else None,
            sectors=tuple(c[i : i + 3] for i in range(3, len(c), 3)),
            start=s,
            end=e,
            origin="imported",
            evidence=evidence,
        )
        for c, s, e in dated
    )
    code = default or (None if roles else "")
    # Kind is a guess: the dictionaries do not say. Three-letter codes only => a country (or a
    # state-like actor); date-restricted codes => a person; anything else an organisation.
    if all(len(c) == 3 for c, _s, _e in raw.codes):
        kind = "country"
    elif dated:
        kind = "person"
    else:
        kind = "organisation"
    return Actor(
        id=actor_id,
        name=raw.name.title() if raw.name.isupper() else raw.name,
        kind=kind,
        country=(code or (roles[0].code if roles else ""))[:3] or None,
        aliases=tuple(dict.fromkeys(raw.synonyms)),
        roles=roles,
        code=code or None,
        origin="imported",
        codes=tuple(undated) if len(undated) > 1 else (),
    )


def _expand_macros(name: str, macros: dict[str, list[str]]) -> list[str]:
    """Every spelling of a name with ``!MACRO!`` substitution sets (CONGRESS!PERSON! -> CONGRESSMAN, ...)."""
    names = [name]
    for macro, values in macros.items():
        expanded: list[str] = []
        for n in names:
            expanded.extend(n.replace(macro, v) for v in values) if macro in n else expanded.append(n)
        names = expanded
    return names


def read_agent_file(path: Path, kb: ActorKB, skipped: list[str]) -> tuple[int, int]:
    """Add the agents of one dictionary to ``kb``; returns (entries, phrases)."""
    macros: dict[str, list[str]] = {}
    entries = phrases = 0
    for number, line in _lines(path):
        body = _strip_comment(line).strip()
        if not body:
            continue
        where = f"{path.name}:{number}"
        m = _MACRO.match(body)
        if m:
            macros[m.group(1)] = [v.strip() for v in m.group(2).split(",") if v.strip()]
            continue
        codes = _CODE_BLOCK.findall(body)
        if not codes:
            skipped.append(f"{where}: agent without a code")
            continue
        head = body.split("[", 1)[0]
        plurals: list[str] | None = None
        brace = re.search(r"\{([^}]*)\}", head)
        if brace:
            plurals = [_name(p) for p in brace.group(1).split(",") if p.strip()]
            head = head[: brace.start()] + head[brace.end() :]
        raw_name = head.strip()
        code = codes[0].strip().replace(" ", "")
        placement = "prefix" if code.endswith("~") else "suffix"
        code = code.strip("~").upper()
        if not raw_name or not code:
            skipped.append(f"{where}: agent entry")
            continue
        sectors = tuple(code[i : i + 3] for i in range(0, len(code), 3))
        entries += 1
        for variant in _expand_macros(raw_name, macros):
            phrase = _name(variant)
            if not phrase:
                continue
            agent = Agent(phrase=phrase.lower(), sectors=sectors, title=False, placement=placement)
            if plurals is None:
                kb.add_agent(agent, plural_form="auto", case="any")
                phrases += 2
            else:
                kb.add_agent(agent, plural_form=None, case="any")
                phrases += 1
                for p in plurals:
                    kb.add_phrase(
                        p, Entry(phrase=agent.phrase, form="agent", agent=agent), [CASE_ANY] * len(p.split())
                    )
                    phrases += 1
    return entries, phrases


def load_petrarch_with_report(
    actor_files: Iterable[str | Path], agent_files: Iterable[str | Path]
) -> tuple[ActorKB, ImportReport]:
    """An ``ActorKB`` from PETRARCH-format dictionaries, and counts of what was read."""
    kb = ActorKB(name="petrarch", unknown_country="---")
    skipped: list[str] = []
    n_actors = n_syn = n_dated = 0
    used_ids: set[str] = set()
    for file in actor_files:
        path = Path(file)
        if not path.exists():
            raise TidingsError("E303", path=str(path))
        kb.sources.append(path.name)
        for raw in read_actor_file(path, skipped):
            base = f"petrarch/{slug(raw.name)}"
            actor_id, k = base, 2
            while actor_id in used_ids:
                actor_id, k = f"{base}-{k}", k + 1
            used_ids.add(actor_id)
            if not raw.codes:
                skipped.append(f"{path.name}:{raw.line}: actor {raw.name!r} has no code")
                continue
            actor = _actor_from_raw(raw, actor_id, path.name)
            kb.add_actor(actor, case="proper")
            n_actors += 1
            n_syn += len(actor.aliases)
            n_dated += len(actor.roles)
    n_agents = n_phrases = 0
    for file in agent_files:
        path = Path(file)
        if not path.exists():
            raise TidingsError("E303", path=str(path))
        kb.sources.append(path.name)
        a, p = read_agent_file(path, kb, skipped)
        n_agents += a
        n_phrases += p
    # PETRARCH codes "former" office holders as elites (ELI); tidings does the same.
    kb.add_modifier("former", "ELI")
    report = ImportReport(n_actors, n_syn, n_dated, n_agents, n_phrases, tuple(skipped))
    return kb, report


def load_petrarch(
    actor_file: str | Path | Iterable[str | Path], agent_file: str | Path | Iterable[str | Path] | None = None
) -> ActorKB:
    """An ``ActorKB`` from a PETRARCH actor dictionary (or several) and agent dictionary (or several)."""
    actors = [actor_file] if isinstance(actor_file, (str, Path)) else list(actor_file)
    if agent_file is None:
        agents: list[str | Path] = []
    elif isinstance(agent_file, (str, Path)):
        agents = [agent_file]
    else:
        agents = list(agent_file)
    return load_petrarch_with_report(actors, agents)[0]


def dictionary_files(folder: str | Path) -> tuple[list[Path], list[Path]]:
    """The actor and agent dictionaries in a folder (``*actors*.txt``, ``*agents*.txt``)."""
    root = Path(folder)
    if not root.is_dir():
        raise TidingsError("E303", path=str(root))
    actors = sorted(p for p in root.iterdir() if "actors" in p.name.lower() and p.is_file())
    agents = sorted(p for p in root.iterdir() if "agents" in p.name.lower() and p.is_file())
    if not actors and not agents:
        raise TidingsError("E703", path=str(root))
    return actors, agents


def load_petrarch_dir(folder: str | Path) -> tuple[ActorKB, ImportReport]:
    """Every actor and agent dictionary in ``folder``."""
    actors, agents = dictionary_files(folder)
    return load_petrarch_with_report(actors, agents)
