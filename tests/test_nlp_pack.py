"""Parsed documents packed in a parse process and rebuilt in the extracting one are the same parse."""

from __future__ import annotations

from tidings.nlp import pack_docs, unpack_docs

TEXTS = [
    "Defence Minister Jan Novák said on Thursday that Prague won't cooperate militarily with Vienna "
    'for now. "We will not," he told ČTK.',
    "",
    "The Lagos Morning Ledger reported Monday's resignation of the governor of Kano State.",
]


def _annotations(doc) -> tuple:
    tokens = [
        (t.text, t.whitespace_, t.norm_, t.lemma_, t.tag_, t.pos_, str(t.morph), t.dep_, t.head.i)
        + (t.ent_iob_, t.ent_type_, t.is_sent_start, t.like_num, t.is_stop)
        for t in doc
    ]
    return (
        doc.text,
        tokens,
        [(e.start, e.end, e.label_) for e in doc.ents],
        [(s.start, s.end) for s in doc.sents] if len(doc) else [],
        [(c.start, c.end) for c in doc.noun_chunks] if len(doc) else [],
    )


def test_packed_docs_unpack_to_the_same_parse(nlp) -> None:
    docs = list(nlp.pipe(TEXTS))
    rebuilt = unpack_docs(pack_docs(docs), nlp)
    assert len(rebuilt) == len(docs)
    for doc, again in zip(docs, rebuilt, strict=True):
        assert _annotations(again) == _annotations(doc)
    assert rebuilt[0].ents and rebuilt[0][4].lemma_ == "say"  # the case is not trivially empty


def test_packing_nothing_gives_no_docs(nlp) -> None:
    assert unpack_docs(pack_docs([]), nlp) == []
