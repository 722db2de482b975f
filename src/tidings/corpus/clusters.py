"""Near-duplicate clusters: the same wire story reprinted by several papers.

Owns wire-copy detection. Each article's body is cut into overlapping word shingles; a MinHash
signature of the shingle set is cut into LSH bands; articles sharing a band are candidate
pairs, and a candidate pair is kept when the estimated *containment* of the smaller article in
the larger is high enough. Containment rather than Jaccard similarity because papers trim wire
copy: a reprint that keeps the first three of seven paragraphs shares little of the whole
(Jaccard ~0.4) but almost all of itself (containment ~1.0). Kept pairs are joined transitively
(union-find); a cluster's id is the smallest article id in it, so it is stable across runs and
independent of input order. An article with no copy is a cluster of one (its own id).

``assign_clusters(store)`` does the same incrementally over a database and stores ``articles.cluster``
(signatures and LSH band keys are kept in ``article_signatures``/``article_bands``, so each text is
hashed once and a new article is compared with its candidates only); per-cluster
counts then give GDELT's NumArticles/NumSources semantics. ``python -m tidings.corpus.clusters
--eval DIR`` reports pairwise precision/recall on a folder of labelled texts (see
tests/fixtures/clusters/README.md).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

# Shingles are runs of this many words. Five words is long enough that two different stories on
# the same topic (same names, places, stock phrases) share few shingles, short enough that light
# copy-editing ("13.5 percent" -> "13.5%") spoils only the shingles around the edit.
SHINGLE_WORDS = 5
# MinHash permutations: 128 estimates Jaccard within about ±0.09 (one standard deviation at
# J=0.5 is sqrt(J(1-J)/128) = 0.044), enough to separate copies (containment > 0.8) from
# different stories (< 0.1) on our test set.
NUM_PERM = 128
# LSH candidate threshold (Jaccard). Low, so that heavily trimmed reprints (a third of the
# story: Jaccard ~0.3) still become candidates; the containment check below removes the rest.
LSH_THRESHOLD = 0.2
# A candidate pair is a copy when this share of the smaller article's shingles is in the larger.
# Calibrated on tests/fixtures/clusters: reprints score 0.77-1.0 (added local paragraphs and
# copy edits lower it); different stories on the same topic score at most 0.05, and a next-day
# follow-up by the same agency that repeats two background paragraphs 0.38. A full paraphrase
# of a wire story (0.02) is out of reach of shingles and is not clustered.
MIN_CONTAINMENT = 0.5
# Articles shorter than this many words are only clustered with exact copies of their text:
# with a handful of shingles, containment is too noisy to trust.
MIN_WORDS = 25
SEED = 1

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased words of a text, punctuation and quote styles ignored."""
    return [w.replace("’", "'") for w in _WORD.findall(text.casefold())]


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of ``size``-word shingles of a text (as bytes for hashing)."""
    return _shingles_of(words(text), size)


def _shingles_of(tokens: list[str], size: int = SHINGLE_WORDS) -> set[bytes]:
    if len(tokens) < size:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


@dataclass
class _Signature:
    article_id: str
    size: int
    values: Any  # the MinHash values (numpy uint32 array of NUM_PERM)
    exact: str  # hash of the word sequence, for short texts


# The MinHash scheme: each shingle is hashed to 32 bits (the first four bytes of its SHA-1, little
# endian), mixed by the MurmurHash3 32-bit finaliser (so that weak hashes cannot line up with the
# permutations), then mapped by NUM_PERM affine permutations h -> a*h + b mod 2**32 with odd a;
# a signature is the minimum of each permutation over the shingles. The permutation parameters
# come from numpy's RandomState(SEED). These are the values datasketch 2's "affine32" MinHash gives
# for the same settings, so signatures stored by earlier tidings versions (which used datasketch)
# stay valid; tests/test_clusters.py pins a few values.
SCHEME = "affine32"
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


@functools.lru_cache(maxsize=1)
def _permutations() -> tuple[Any, Any]:
    import numpy as np

    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def minhash(grams: Iterable[bytes]) -> Any:
    """The MinHash values (numpy uint32, NUM_PERM of them) of a set of shingles (all 0xFFFFFFFF
    for an empty set)."""
    import numpy as np

    sha1 = hashlib.sha1
    digests = b"".join([sha1(g).digest()[:4] for g in grams])
    if not digests:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    h = np.frombuffer(digests, dtype="<u4").astype(np.uint32)
    s1, m1, s2, m2, s3 = _FMIX32
    h = h ^ (h >> np.uint32(s1))
    h = h * np.uint32(m1)
    h = h ^ (h >> np.uint32(s2))
    h = h * np.uint32(m2)
    h = h ^ (h >> np.uint32(s3))
    a, b = _permutations()
    # Products wrap around modulo 2**32, which is the permutation's arithmetic.
    return (h[:, None] * a + b).min(axis=0)


# Names the shingling and MinHash settings a stored signature was made with (the MinHash scheme
# and value type follow it); stored signatures of another method are all recomputed.
METHOD = f"shingles{SHINGLE_WORDS}/minhash{NUM_PERM}/seed{SEED}"


def _signature(article_id: str, text: str) -> _Signature:
    tokens = words(text)
    grams = _shingles_of(tokens)
    exact = hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()
    return _Signature(article_id, len(grams), minhash(grams), exact)


def _signature_row(sig: _Signature) -> dict[str, Any]:
    """A signature as the store keeps it: the MinHash values as bytes, with their scheme."""
    return {
        "article_id": sig.article_id,
        "method": f"{METHOD}/{SCHEME}/{sig.values.dtype.str}",
        "size": sig.size,
        "exact": sig.exact,
        "minhash": sig.values.tobytes(),
    }


def signature_rows(article_id: str, text: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """An article's signature row and LSH band rows for ``article_signatures``/``article_bands``.

    The ingest workers compute these with the findings, so the clustering step after an ingest
    only joins clusters."""
    sig = _signature(article_id, text)
    return _signature_row(sig), _band_rows(sig, _keys_of(sig))


def _signature_from_row(article_id: str, size: int, exact: str, minhash: bytes, method: str) -> _Signature:
    import numpy as np

    dtype = method.rsplit("/", 1)[1]
    return _Signature(article_id, size, np.frombuffer(minhash, dtype=np.dtype(dtype)), exact)


def containments(sig: _Signature, others: Sequence[_Signature]) -> list[float]:
    """For each of ``others``, the estimated share of the smaller of its and ``sig``'s shingle sets
    that is inside the larger one; one pass over their values."""
    if not others:
        return []
    import numpy as np

    equal = (np.stack([o.values for o in others]) == sig.values).sum(axis=1).tolist()
    out = []
    for other, same in zip(others, equal, strict=True):
        if not sig.size or not other.size:
            out.append(0.0)
            continue
        # The MinHash estimate of the Jaccard similarity: the share of equal values.
        jaccard = same / len(sig.values)
        intersection = jaccard * (sig.size + other.size) / (1.0 + jaccard)
        out.append(min(1.0, intersection / min(sig.size, other.size)))
    return out


class _UnionFind:
    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller id becomes the root, so the root is the cluster id.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def cluster_articles(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Cluster id for every article id: the smallest id among its near-duplicates (itself if none).

    ``items`` are ``(article_id, text)`` pairs. Deterministic: the result does not depend on the
    order of ``items``.
    """
    return _cluster(_signature(i, t) for i, t in items)


def _cluster(signatures: Iterable[_Signature]) -> dict[str, str]:
    ordered = sorted(signatures, key=lambda s: s.article_id)
    groups = _UnionFind(s.article_id for s in ordered)
    by_band: dict[str, list[str]] = {}
    by_id: dict[str, _Signature] = {}
    by_exact: dict[str, str] = {}
    for sig in ordered:
        if sig.article_id in by_id:
            continue  # the same id twice: one article
        by_id[sig.article_id] = sig
        if sig.exact in by_exact:
            groups.union(by_exact[sig.exact], sig.article_id)
        else:
            by_exact[sig.exact] = sig.article_id
        keys = _keys_of(sig)
        others = [by_id[o] for o in sorted({o for key in keys for o in by_band.get(key, ())})]
        for other, share in zip(others, containments(sig, others), strict=True):
            if share >= MIN_CONTAINMENT:
                groups.union(sig.article_id, other.article_id)
        for key in keys:
            by_band.setdefault(key, []).append(sig.article_id)
    return {article_id: groups.find(article_id) for article_id in by_id}


# LSH banding of the signature for candidate pairs: BANDS bands of ROWS values each (the first
# BANDS * ROWS of the NUM_PERM values). Two articles are candidates when one band is equal, with
# probability 1 - (1 - J**ROWS)**BANDS at Jaccard similarity J: 0.93 at 0.3, 0.07 at 0.05. These
# are the band settings that minimise the sum of the false-positive and false-negative areas
# around LSH_THRESHOLD (datasketch's MinHashLSH picks the same for this threshold and NUM_PERM).
BANDS = 28
ROWS = 2


def band_keys(sig: _Signature) -> list[str]:
    """The LSH band keys of a signature: band number and the band's values, as text."""
    values = sig.values[: BANDS * ROWS].tolist()
    return [
        f"{band:02d}:" + "".join(f"{v:x}." for v in values[band * ROWS : (band + 1) * ROWS])
        for band in range(BANDS)
    ]


def _long_enough(sig: _Signature) -> bool:
    """Whether a text has enough shingles to compare by containment (else only exact copies)."""
    return sig.size + SHINGLE_WORDS - 1 >= MIN_WORDS


def _keys_of(sig: _Signature) -> list[str]:
    """The band keys a signature is found by: none for a text too short to compare."""
    return band_keys(sig) if _long_enough(sig) else []


def _band_rows(sig: _Signature, keys: list[str]) -> list[dict[str, str]]:
    return [{"key": key, "article_id": sig.article_id} for key in keys]


def assign_clusters(store: Any, batch: int = 500, summary: bool = True) -> dict[str, int]:
    """Cluster the articles that have no cluster yet into the stored clusters; returns counts.

    ``store`` is a ``tidings.store.Store``. Incremental, with memory and time that depend on the new
    articles, not on the database. An article's signature and LSH band keys are in
    ``article_signatures``/``article_bands`` (the ingest workers write them with the findings;
    they are computed here for articles that lack them); its candidates are the stored articles
    sharing a band key or its exact word sequence; a candidate whose containment passes joins its
    cluster, and clusters joined through a new article merge under the smallest article id. The
    result is the same as ``cluster_articles`` over every text (tested). When the shingling or
    MinHash settings change, every signature is recomputed and every article clustered again.
    The counts (``Store.cluster_summary``, over the whole database) come with ``summary``; without
    it only ``signatures_computed``.
    """
    methods = store.signature_methods()
    if len(methods) > 1 or any(not m.startswith(METHOD + "/") for m in methods):
        store.reset_signatures()
    computed = 0
    while True:
        ids = store.unclustered_ids(limit=batch)
        if not ids:
            break
        stored = store.signatures_of(ids)
        missing = [a for a in ids if a not in stored]
        sigs = [_signature_from_row(a, row[1], row[2], row[3], method=row[0]) for a, row in stored.items()]
        fresh = [_signature(a, text) for a, text in store.texts(missing)] if missing else []
        fresh_rows = [_signature_row(sig) for sig in fresh]
        if fresh and methods and fresh_rows[0]["method"] not in methods:
            # Stored by another MinHash version: start again with every article.
            store.reset_signatures()
            methods = set()
            continue
        sigs = sorted(sigs + fresh, key=lambda sig: sig.article_id)
        if fresh:
            store.write_signatures(fresh_rows, [b for sig in fresh for b in _band_rows(sig, _keys_of(sig))])
            computed += len(fresh)
        _join_clusters(store, sigs)
    counts = store.cluster_summary() if summary else {}
    counts["signatures_computed"] = computed
    return counts


def _join_clusters(store: Any, sigs: list[_Signature]) -> None:
    """Union the new articles ``sigs`` with their stored near-duplicates and write the clusters.

    Candidates are the articles sharing an LSH band key (``_keys_of``, stored with each signature)
    with a new one."""
    candidates: dict[str, set[str]] = {sig.article_id: set() for sig in sigs}
    for article_id, other in store.band_neighbours(list(candidates)):
        candidates[article_id].add(other)
    exact_of: dict[str, list[str]] = {}
    for sig in sigs:
        exact_of.setdefault(sig.exact, []).append(sig.article_id)
    same_text: dict[str, set[str]] = {sig.article_id: set() for sig in sigs}
    for exact, other in store.exact_matches(list(exact_of)):
        for article_id in exact_of[exact]:
            if other != article_id:
                same_text[article_id].add(other)
    stored = {
        other: _signature_from_row(other, row[1], row[2], row[3], method=row[0])
        for other, row in store.signatures_of(sorted({o for c in candidates.values() for o in c})).items()
    }
    groups = _UnionFind(candidates)
    matched: set[str] = set()
    for sig in sigs:
        pairs = set(same_text[sig.article_id])
        others = [
            stored[o] for o in sorted(candidates[sig.article_id]) if o in stored and _long_enough(stored[o])
        ]
        for other_sig, share in zip(others, containments(sig, others), strict=True):
            if share >= MIN_CONTAINMENT:
                pairs.add(other_sig.article_id)
        for other in pairs:
            groups.parent.setdefault(other, other)
            groups.union(sig.article_id, other)
            matched.add(other)
    # Stored articles keep their clusters: a component's id is the smallest of its new articles
    # and of the clusters it touches (each stored cluster's id is its smallest member).
    current = store.clusters_of(sorted(set(groups.parent)))
    members: dict[str, list[str]] = {}
    for article_id in groups.parent:
        members.setdefault(groups.find(article_id), []).append(article_id)
    assignments: dict[str, str] = {}
    for component in members.values():
        old = sorted({current.get(a) or a for a in component if a in matched or current.get(a)})
        new = min([a for a in component if a in candidates] + old)
        merge = [c for c in old if c != new]
        if merge:
            store.merge_clusters(merge, new)
        for a in component:
            assignments[a] = new
    store.set_clusters(assignments)


# ---- evaluation ---------------------------------------------------------------------------


def gold_group(path: Path) -> str:
    """The gold story of a labelled file: the part of its name before ``__``."""
    return path.stem.split("__", 1)[0]


def evaluate(folder: str | Path) -> dict[str, Any]:
    """Pairwise precision, recall and F1 of ``cluster_articles`` on a folder of labelled texts."""
    files = sorted(Path(folder).glob("*.txt"))
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    predicted = cluster_articles(texts)
    gold = {f.stem: gold_group(f) for f in files}
    tp = fp = fn = tn = 0
    errors: list[str] = []
    for a, b in combinations(sorted(gold), 2):
        same_gold = gold[a] == gold[b]
        same_pred = predicted[a] == predicted[b]
        if same_gold and same_pred:
            tp += 1
        elif same_pred:
            fp += 1
            errors.append(f"false copy: {a} ~ {b}")
        elif same_gold:
            fn += 1
            errors.append(f"missed copy: {a} ~ {b}")
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "documents": len(files),
        "gold_stories": len(set(gold.values())),
        "predicted_clusters": len(set(predicted.values())),
        "pairs": tp + fp + fn + tn,
        "copy_pairs": tp + fn,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "errors": errors,
        "settings": {
            "shingle_words": SHINGLE_WORDS,
            "num_perm": NUM_PERM,
            "lsh_threshold": LSH_THRESHOLD,
            "min_containment": MIN_CONTAINMENT,
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tidings.corpus.clusters --eval DIR``: print the evaluation as JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m tidings.corpus.clusters", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--eval", metavar="DIR", required=True, help="folder of STORY__VARIANT.txt files")
    args = parser.parse_args(argv)
    if not Path(args.eval).is_dir():
        print(f"error: {args.eval} is not a folder of labelled .txt files", file=sys.stderr)
        return 2
    print(json.dumps(evaluate(args.eval), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
