"""A small hand-written database for the API, web and load tests: four news articles with
entities, actor mentions, quotes, events, actors and roles, written through the store tables.

The people are fictional; the countries are real. Spans are found in the text, never typed in,
so every finding points at the words it claims to.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tidings.store import Store, actor_mentions, actor_roles, actors, events, quotes
from tidings.types import Article, EntityMention, Findings, Span, spans_to_json, stable_hash

ARTICLES: list[dict[str, Any]] = [
    {
        "key": "geneva",
        "publication": "The Harbour Times",
        "agency": "Reuters",
        "published": "2024-03-04",
        "language": "en",
        "country": "GBR",
        "title": "Foreign ministers meet in Geneva as prisoner talks resume",
        "text": (
            "GENEVA — Secretary of State Elena Marsh met her Russian counterpart, Pavel Orlov, in Geneva on "
            'Monday to resume talks on a prisoner exchange. "We came here to listen, and we will keep '
            'listening," Marsh told reporters after the meeting. Orlov said Moscow was ready to consider a '
            "new proposal. The United States accused Russia of delaying the talks for months. Russia did not "
            "reject the offer, officials said."
        ),
    },
    {
        "key": "exchange",
        "publication": "Daily Ledger",
        "agency": "AP",
        "published": "2024-03-18",
        "language": "en",
        "country": "USA",
        "title": "Russia and United States agree limited prisoner exchange",
        "text": (
            "Russia and the United States agreed on Tuesday to a limited prisoner exchange, according to "
            "a joint statement. Deputy Foreign Minister Irina Volkova said the first transfers would take "
            'place in April. "This is a modest step, but it is a step," said Volkova. Ukrainian officials '
            "criticised the deal, saying Kyiv had not been consulted."
        ),
    },
    {
        "key": "kharkiv",
        "publication": "The Harbour Times",
        "agency": "Reuters",
        "published": "2024-04-02",
        "language": "en",
        "country": "GBR",
        "title": "Shelling hits Kharkiv outskirts; Washington promises air defences",
        "text": (
            "Russian forces shelled the outskirts of Kharkiv overnight, Ukrainian emergency services said on "
            "Tuesday. The United States condemned the attack and promised additional air defence systems to "
            "Ukraine. Marsh said Washington would not abandon its partners."
        ),
    },
    {
        "key": "conference",
        "publication": "Le Courrier",
        "agency": "AFP",
        "published": "2024-05-10",
        "language": "en",
        "country": "FRA",
        "cluster": "c-reconstruction",
        "title": "France to host reconstruction conference for Ukraine",
        "text": (
            "France will host a conference on reconstruction aid for Ukraine in June, Foreign Minister "
            'Camille Roux announced on Friday. "Rebuilding cannot wait for the war to end," Roux said. '
            "Élodie Brun, a ministry spokeswoman, said the guest list was still open. In 2014, Russia "
            "annexed Crimea, a move France never recognised."
        ),
    },
]

ACTORS = [
    {"id": "elena_marsh", "name": "Elena Marsh", "kind": "person", "country": "USA", "origin": "curated"},
    {"id": "pavel_orlov", "name": "Pavel Orlov", "kind": "person", "country": "RUS", "origin": "curated"},
    {"id": "irina_volkova", "name": "Irina Volkova", "kind": "person", "country": "RUS", "origin": "learned"},
    {"id": "camille_roux", "name": "Camille Roux", "kind": "person", "country": "FRA", "origin": "curated"},
    {"id": "USA", "name": "United States", "kind": "country", "country": "USA", "origin": "curated"},
    {"id": "RUS", "name": "Russia", "kind": "country", "country": "RUS", "origin": "curated"},
    {"id": "UKR", "name": "Ukraine", "kind": "country", "country": "UKR", "origin": "curated"},
    {"id": "FRA", "name": "France", "kind": "country", "country": "FRA", "origin": "curated"},
]

ROLES = [
    ("elena_marsh", "Secretary of State", "USAGOV", "USA", "2023-01-20", None),
    ("pavel_orlov", "Foreign Minister", "RUSGOV", "RUS", "2021-05-01", None),
    ("irina_volkova", "Ambassador to Austria", "RUSGOV", "RUS", "2016-02-01", "2022-08-31"),
    ("irina_volkova", "Deputy Foreign Minister", "RUSGOV", "RUS", "2022-09-01", None),
    ("camille_roux", "Foreign Minister", "FRAGOV", "FRA", "2023-07-01", None),
]


def find(text: str, phrase: str | tuple[str, int], occurrence: int = 1) -> Span:
    """The span of the n-th whole-word occurrence of ``phrase`` in ``text`` ("Russia" is not in
    "Russian"); ``phrase`` may be a (phrase, occurrence) pair."""
    if isinstance(phrase, tuple):
        phrase, occurrence = phrase
    hits = list(re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text))
    m = hits[occurrence - 1]
    return Span(m.start(), m.end())


def sentence_of(text: str, offset: int) -> int:
    """Sentence number of an offset, counting '. ', '? ' and '." ' boundaries before it."""
    return len(re.findall(r"[.?!][\"”]? ", text[:offset]))


def _finding(
    table: str, article_id: str, text: str, spans: list[Span], rule: str, conf: float
) -> dict[str, Any]:
    spans_json = spans_to_json(spans)
    return {
        "id": stable_hash(table, article_id, spans_json, rule),
        "article_id": article_id,
        "sentence": sentence_of(text, spans[0].start),
        "spans": spans_json,
        "rule": rule,
        "confidence": conf,
    }


ENTITY_PHRASES = {
    "geneva": [
        ("GENEVA", "GPE"),
        ("Elena Marsh", "PERSON"),
        ("Russian", "NORP"),
        ("Pavel Orlov", "PERSON"),
        ("Geneva", "GPE"),
        ("Monday", "DATE"),
        ("Moscow", "GPE"),
        ("The United States", "GPE"),
        ("Russia", "GPE"),
    ],
    "exchange": [
        ("Russia", "GPE"),
        ("the United States", "GPE"),
        ("Tuesday", "DATE"),
        ("Irina Volkova", "PERSON"),
        ("April", "DATE"),
        ("Ukrainian", "NORP"),
        ("Kyiv", "GPE"),
    ],
    "kharkiv": [
        ("Russian", "NORP"),
        ("Kharkiv", "GPE"),
        ("Ukrainian", "NORP"),
        ("The United States", "GPE"),
        ("Ukraine", "GPE"),
        ("Marsh", "PERSON"),
        ("Washington", "GPE"),
    ],
    "conference": [
        ("France", "GPE"),
        ("Ukraine", "GPE"),
        ("June", "DATE"),
        ("Camille Roux", "PERSON"),
        ("Élodie Brun", "PERSON"),
        ("2014", "DATE"),
        ("Russia", "GPE"),
        ("Crimea", "GPE"),
    ],
}

# (phrase, occurrence, actor_id, name, kind, code, country)
MENTIONS = {
    "geneva": [
        ("Elena Marsh", 1, "elena_marsh", "Elena Marsh", "person", "USAGOV", "USA"),
        ("Pavel Orlov", 1, "pavel_orlov", "Pavel Orlov", "person", "RUSGOV", "RUS"),
        ("Marsh", 2, "elena_marsh", "Elena Marsh", "person", "USAGOV", "USA"),
        ("Orlov", 2, "pavel_orlov", "Pavel Orlov", "person", "RUSGOV", "RUS"),
        ("The United States", 1, "USA", "United States", "country", "USA", "USA"),
        ("Russia", 1, "RUS", "Russia", "country", "RUS", "RUS"),
    ],
    "exchange": [
        ("Russia", 1, "RUS", "Russia", "country", "RUS", "RUS"),
        ("the United States", 1, "USA", "United States", "country", "USA", "USA"),
        ("Irina Volkova", 1, "irina_volkova", "Irina Volkova", "person", "RUSGOV", "RUS"),
        ("Volkova", 2, "irina_volkova", "Irina Volkova", "person", "RUSGOV", "RUS"),
        ("Ukrainian officials", 1, "UKR", "Ukraine", "country", "UKRGOV", "UKR"),
    ],
    "kharkiv": [
        ("Russian forces", 1, "RUS", "Russia", "country", "RUSMIL", "RUS"),
        ("The United States", 1, "USA", "United States", "country", "USA", "USA"),
        ("Ukraine", 1, "UKR", "Ukraine", "country", "UKR", "UKR"),
        ("Marsh", 1, "elena_marsh", "Elena Marsh", "person", "USAGOV", "USA"),
    ],
    "conference": [
        ("France", 1, "FRA", "France", "country", "FRA", "FRA"),
        ("Camille Roux", 1, "camille_roux", "Camille Roux", "person", "FRAGOV", "FRA"),
        ("Roux", 2, "camille_roux", "Camille Roux", "person", "FRAGOV", "FRA"),
        ("Russia", 1, "RUS", "Russia", "country", "RUS", "RUS"),
    ],
}

# (kind, speaker, speaker phrase, actor id, org, cue, content)
QUOTES = {
    "geneva": [
        (
            "direct",
            "Elena Marsh",
            ("Marsh", 2),
            "elena_marsh",
            None,
            "told",
            "We came here to listen, and we will keep listening",
        ),
        (
            "indirect",
            "Pavel Orlov",
            ("Orlov", 2),
            "pavel_orlov",
            None,
            "said",
            "Moscow was ready to consider a new proposal",
        ),
    ],
    "exchange": [
        (
            "indirect",
            "Irina Volkova",
            ("Irina Volkova", 1),
            "irina_volkova",
            None,
            "said",
            "the first transfers would take place in April",
        ),
        (
            "direct",
            "Irina Volkova",
            ("Volkova", 2),
            "irina_volkova",
            None,
            "said",
            "This is a modest step, but it is a step",
        ),
        (
            "indirect",
            "Ukrainian officials",
            ("Ukrainian officials", 1),
            None,
            "UKR",
            "saying",
            "Kyiv had not been consulted",
        ),
    ],
    "kharkiv": [
        (
            "indirect",
            "Elena Marsh",
            ("Marsh", 1),
            "elena_marsh",
            None,
            "said",
            "Washington would not abandon its partners",
        )
    ],
    "conference": [
        (
            "direct",
            "Camille Roux",
            ("Roux", 2),
            "camille_roux",
            None,
            "said",
            "Rebuilding cannot wait for the war to end",
        ),
        ("indirect", "Élodie Brun", ("Élodie Brun", 1), None, "FRA", "said", "the guest list was still open"),
    ],
}

# (source phrase, source actor, source code, source country, verb phrase, target phrase, target actor,
#  target code, target country, cameo, goldstein, quad, plover, date, precision, place, negated, historical)
EVENTS = {
    "geneva": [
        (
            "Elena Marsh",
            "elena_marsh",
            "USAGOV",
            "USA",
            "met",
            "Pavel Orlov",
            "pavel_orlov",
            "RUSGOV",
            "RUS",
            "043",
            2.8,
            1,
            "CONSULT",
            "2024-03-04",
            "day",
            "Geneva",
            False,
            False,
        ),
        (
            "The United States",
            "USA",
            "USA",
            "USA",
            "accused",
            "Russia",
            "RUS",
            "RUS",
            "RUS",
            "112",
            -2.0,
            3,
            "ACCUSE",
            "2024-03-04",
            "day",
            None,
            False,
            False,
        ),
        (
            ("Russia", 2),
            "RUS",
            "RUS",
            "RUS",
            "reject",
            "the offer",
            None,
            None,
            None,
            "120",
            -4.0,
            3,
            "REJECT",
            "2024-03-04",
            "day",
            None,
            True,
            False,
        ),
    ],
    "exchange": [
        (
            "Russia",
            "RUS",
            "RUS",
            "RUS",
            "agreed",
            "the United States",
            "USA",
            "USA",
            "USA",
            "057",
            8.0,
            1,
            "AGREE",
            "2024-03-19",
            "day",
            None,
            False,
            False,
        ),
        (
            "Ukrainian officials",
            "UKR",
            "UKRGOV",
            "UKR",
            "criticised",
            "the deal",
            "RUS",
            "RUS",
            "RUS",
            "111",
            -2.0,
            3,
            "ACCUSE",
            "2024-03-18",
            "day",
            None,
            False,
            False,
        ),
    ],
    "kharkiv": [
        (
            "Russian forces",
            "RUS",
            "RUSMIL",
            "RUS",
            "shelled",
            "Kharkiv",
            "UKR",
            "UKR",
            "UKR",
            "194",
            -10.0,
            4,
            "ASSAULT",
            "2024-04-01",
            "day",
            "Kharkiv",
            False,
            False,
        ),
        (
            "The United States",
            "USA",
            "USA",
            "USA",
            "condemned",
            "the attack",
            "RUS",
            "RUS",
            "RUS",
            "111",
            -2.0,
            3,
            "ACCUSE",
            "2024-04-02",
            "day",
            None,
            False,
            False,
        ),
        (
            "The United States",
            "USA",
            "USA",
            "USA",
            "promised",
            "Ukraine",
            "UKR",
            "UKR",
            "UKR",
            "0332",
            5.2,
            1,
            "AID",
            "2024-04-02",
            "day",
            None,
            False,
            False,
        ),
    ],
    "conference": [
        (
            "France",
            "FRA",
            "FRA",
            "FRA",
            "host",
            "Ukraine",
            "UKR",
            "UKR",
            "UKR",
            "0331",
            5.2,
            1,
            "AID",
            "2024-06",
            "month",
            None,
            False,
            False,
        ),
        (
            "Russia",
            "RUS",
            "RUS",
            "RUS",
            "annexed",
            "Crimea",
            "UKR",
            "UKR",
            "UKR",
            "192",
            -9.5,
            4,
            "SEIZE",
            "2014",
            "year",
            "Crimea",
            False,
            True,
        ),
    ],
}

# Actor ids in the knowledge base's style ("country/USA", "person/<slug>"); the tables above use
# short keys for readability and write_sample maps them.
ACTOR_IDS = {
    "USA": "country/USA",
    "RUS": "country/RUS",
    "UKR": "country/UKR",
    "FRA": "country/FRA",
    "elena_marsh": "person/elena-marsh",
    "pavel_orlov": "person/pavel-orlov",
    "irina_volkova": "person/irina-volkova",
    "camille_roux": "person/camille-roux",
}


def actor_id(key: str | None) -> str | None:
    """The stored actor id for a short key of the tables above."""
    return ACTOR_IDS[key] if key else None


PLACES = {
    "Geneva": ("CHE", 46.2044, 6.1432),
    "Kharkiv": ("UKR", 49.9935, 36.2304),
    "Crimea": ("UKR", 45.3, 34.4),
}


def build_articles() -> dict[str, Article]:
    return {
        a["key"]: Article(
            text=a["text"],
            source=f"samples/{a['key']}.txt",
            format="text",
            publication=a["publication"],
            title=a["title"],
            agency=a["agency"],
            published=a["published"],
            language=a["language"],
            country=a["country"],
            cluster=a.get("cluster"),
            url=f"https://news.example/{a['key']}",
        )
        for a in ARTICLES
    }


def write_sample(path: Path | str) -> dict[str, Any]:
    """Create a database at ``path`` holding the sample; returns ids the tests refer to."""
    arts = build_articles()
    ids: dict[str, Any] = {"articles": {k: a.id for k, a in arts.items()}, "quotes": {}, "events": {}}
    store = Store.open(path)
    items = []
    for key, art in arts.items():
        ents = tuple(
            EntityMention(
                article_id=art.id,
                sentence=sentence_of(art.text, find(art.text, phrase).start),
                spans=(find(art.text, phrase),),
                rule="ner/spacy",
                confidence=1.0,
                label=label,
                text=phrase,
            )
            for phrase, label in ENTITY_PHRASES[key]
        )
        items.append((art, Findings(article_id=art.id, entities=ents)))
    store.write(items)
    with store.engine.begin() as conn:
        conn.execute(
            actors.insert(), [dict(a, id=actor_id(a["id"]), sectors="[]", aliases="[]") for a in ACTORS]
        )
        conn.execute(
            actor_roles.insert(),
            [
                {
                    "id": f"role-{i}",
                    "actor_id": actor_id(a),
                    "title": t,
                    "code": c,
                    "country": k,
                    "sectors": '["GOV"]',
                    "start": s,
                    "end": e,
                    "origin": "curated",
                    "evidence": "[]",
                    "count": 1,
                }
                for i, (a, t, c, k, s, e) in enumerate(ROLES)
            ],
        )
        for key, art in arts.items():
            text = art.text
            rows = []
            for phrase, occ, who, name, kind, code, country in MENTIONS[key]:
                sp = find(text, phrase, occ)
                rows.append(
                    _finding("actor_mentions", art.id, text, [sp], "actors/kb", 0.9)
                    | {
                        "text": phrase,
                        "actor_id": actor_id(who),
                        "name": name,
                        "kind": kind,
                        "code": code,
                        "country": country,
                        "sectors": "[]",
                        "role": None,
                        "referent": None,
                    }
                )
            conn.execute(actor_mentions.insert(), rows)
            rows = []
            for kind, speaker, (sp_phrase, sp_occ), who, org, cue, content in QUOTES[key]:
                speaker_span = find(text, sp_phrase, sp_occ)
                content_span = find(text, content)
                cue_span = find(text, cue, _nth_after(text, cue, speaker_span))
                rule = f"quotes/{kind}-cue"
                row = _finding("quotes", art.id, text, [content_span, speaker_span, cue_span], rule, 0.85)
                row["sentence"] = sentence_of(text, content_span.start)
                row.update(
                    kind=kind,
                    speaker=speaker,
                    speaker_text=sp_phrase,
                    speaker_spans=spans_to_json([speaker_span]),
                    speaker_actor_id=actor_id(who),
                    speaker_org=org,
                    cue=cue,
                    cue_spans=spans_to_json([cue_span]),
                    content=content,
                    content_spans=spans_to_json([content_span]),
                    medium=None,
                    addressee=None,
                    shape="speaker-cue-content",
                )
                rows.append(row)
                ids["quotes"].setdefault(key, []).append(row["id"])
            conn.execute(quotes.insert(), rows)
            rows = []
            for (
                src,
                src_id,
                src_code,
                src_cty,
                verb,
                tgt,
                tgt_id,
                tgt_code,
                tgt_cty,
                cameo,
                gold,
                quad,
                plover,
                when,
                precision,
                place,
                negated,
                historical,
            ) in EVENTS[key]:
                src_span, verb_span = find(text, src), find(text, verb)
                tgt_span = find(text, tgt)
                row = _finding(
                    "events",
                    art.id,
                    text,
                    sorted([src_span, verb_span, tgt_span]),
                    f"events/pattern/{cameo}",
                    0.7,
                )
                row["sentence"] = sentence_of(text, verb_span.start)
                pc, lat, lon = PLACES.get(place or "", (None, None, None))
                row.update(
                    source=src if isinstance(src, str) else src[0],
                    source_actor_id=actor_id(src_id),
                    source_code=src_code,
                    source_country=src_cty,
                    target=tgt,
                    target_actor_id=actor_id(tgt_id),
                    target_code=tgt_code,
                    target_country=tgt_cty,
                    cameo=cameo,
                    cameo_base=cameo[:3],
                    cameo_root=cameo[:2],
                    quad_class=quad,
                    goldstein=gold,
                    plover_type=plover,
                    plover_mode=None,
                    date=when,
                    date_precision=precision,
                    place=place,
                    place_country=pc,
                    lat=lat,
                    lon=lon,
                    negated=negated,
                    modal=None,
                    historical=historical,
                    quote_id=None,
                    event_key=stable_hash("event", src_cty, tgt_cty, cameo, when),
                )
                rows.append(row)
                ids["events"].setdefault(key, []).append(row["id"])
            conn.execute(events.insert(), rows)
    store.close()
    return ids


def _nth_after(text: str, word: str, after: Span) -> int:
    """Which occurrence of ``word`` is the first one near ``after`` (the cue next to the speaker)."""
    starts = [m.start() for m in re.finditer(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text)]
    return 1 + min(range(len(starts)), key=lambda i: abs(starts[i] - after.start))


def count_rows(path: Path | str, table: sa.Table) -> int:
    store = Store.open(path, readonly=True)
    try:
        with store.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Run an ASGI app under uvicorn on 127.0.0.1 in a background thread; yields its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 10 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
