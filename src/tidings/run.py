"""The pipeline driver: ingest → nlp → extract → store, streaming, resumable.

``ingest()`` reads inputs lazily, skips articles the store already holds (by stable id), parses
the rest in batches, runs the extractors and writes each batch in one transaction. A killed run
re-run with the same inputs continues where it stopped and ends with the same database.

With ``workers > 1`` the parse+extract work runs in a process pool, each worker holding its own
spaCy pipeline and knowledge (inherited from the parent where processes fork, loaded by each worker
where they spawn); with one worker on more than one core, a forked process parses and the parent
extracts (see ``LocalEngine``). The parent process stays the single writer and writes batches in
input order, so the output does not depend on the number of workers. At most
``IN_FLIGHT_PER_WORKER`` batches' worth of articles per worker are queued, so memory does not grow
with corpus size.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from tidings import __version__
from tidings.errors import reason
from tidings.ingest import ReadOptions, read_paths
from tidings.store import Store
from tidings.types import Article, Findings, Rejected, StoreRows, Versions

# Longest article text sent to the parser. The longest single news features we have seen run to
# ~60,000 characters; anything far beyond is a concatenation or a mis-read file, and would take
# the parser minutes and gigabytes.
MAX_ARTICLE_CHARS = 1_000_000
BATCH_SIZE = 64  # articles per worker task and per write transaction
IN_FLIGHT_PER_WORKER = 2
GC_YOUNG_THRESHOLD = 10_000  # see _settle_gc
SEEN_WINDOW = 50_000  # ids remembered to count repeats within a run (at least the in-flight window)


@dataclass
class IngestReport:
    """What an ingest run did. ``ingested + present + rejected == units seen``."""

    ingested: int = 0
    present: int = 0  # already in the store (or repeated within this run): idempotent re-ingest
    rejected: list[Rejected] = field(default_factory=list)
    words: int = 0
    versions: Versions | None = None

    @property
    def total(self) -> int:
        return self.ingested + self.present + len(self.rejected)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ingested": self.ingested,
            "present": self.present,
            "rejected": len(self.rejected),
            "total": self.total,
            "words": self.words,
        }


# ---- per-process state (one pipeline and one knowledge bundle per process) ----------------

_STATE: dict[str, Any] = {}


def _init_worker(model: str | None, knowledge_options: dict[str, Any]) -> None:
    from tidings import nlp
    from tidings.extract.places import load_gazetteer
    from tidings.knowledge import Knowledge

    _STATE["nlp"] = nlp.load(model)
    _STATE["kb"] = Knowledge.load(**knowledge_options)
    load_gazetteer()  # the places data every event needs: loaded here, not on the first article
    from tidings.extract import pipeline

    pipeline()  # imports the extractors here, once, rather than in every forked worker
    _STATE["key"] = (model, repr(sorted(knowledge_options.items())))


def extract_batch(articles: list[Article]) -> list[Findings]:
    """The findings of each article of a batch, in order."""
    docs = _STATE["nlp"].pipe([a.text for a in articles], batch_size=len(articles) or 1)
    return _extract_docs(docs, articles)


def _extract_docs(docs: Iterable[Any], articles: list[Article]) -> list[Findings]:
    from tidings.extract import extract

    kb = _STATE["kb"]
    return [extract(doc, article, kb) for doc, article in zip(docs, articles, strict=True)]


def rows_batch(articles: list[Article]) -> list[StoreRows]:
    """What a pool worker or Ray actor sends back for a batch: each article's findings as store
    rows, in order. Not the articles: the caller holds them, and sending their texts back would
    double the traffic; not finding objects: the writer would have to turn them into rows."""
    return _rows(articles, extract_batch(articles))


def _rows(articles: list[Article], findings: list[Findings]) -> list[StoreRows]:
    from tidings.corpus.clusters import signature_rows
    from tidings.store import store_rows

    out: list[StoreRows] = []
    for article, found in zip(articles, findings, strict=True):
        signature, bands = signature_rows(article.id, article.text)
        out.append(replace(store_rows(found), signature=signature, bands=tuple(bands)))
    return out


def parse_batch(texts: list[str]) -> bytes:
    """A parse process's part of a batch (see ``LocalEngine``): the parsed documents, packed."""
    from tidings import nlp

    return nlp.pack_docs(_STATE["nlp"].pipe(texts, batch_size=len(texts) or 1))


def rows_of_parsed(articles: list[Article], packed: bytes) -> list[StoreRows]:
    """The extracting process's part of a batch that a parse process parsed."""
    from tidings import nlp

    return _rows(articles, _extract_docs(nlp.unpack_docs(packed, _STATE["nlp"]), articles))


def _ensure_state(model: str | None, knowledge_options: dict[str, Any]) -> None:
    if "nlp" not in _STATE or _STATE.get("key") != (model, repr(sorted(knowledge_options.items()))):
        _init_worker(model, knowledge_options)


def _init_pool_worker(model: str | None, knowledge_options: dict[str, Any]) -> None:
    """A pool worker or Ray actor: one BLAS thread (the workers already use every core; more
    threads only spin and take CPU from the others), then the pipeline and knowledge."""
    from tidings import nlp

    nlp.limit_blas_threads(1)
    _ensure_state(model, knowledge_options)
    _settle_gc()


def versions_for(model: str | None, knowledge_options: dict[str, Any]) -> Versions:
    from tidings import nlp
    from tidings.knowledge import Knowledge

    _ensure_state(model, knowledge_options)
    kb: Knowledge = _STATE["kb"]
    codebook = ""
    try:
        from tidings import codebook as cb

        codebook = f"{cb.VERSION}#{cb.fingerprint()}"
    except (ImportError, AttributeError):
        pass
    return Versions(
        tidings=__version__,
        model=nlp.model_version(_STATE["nlp"]),
        knowledge=kb.fingerprint,
        codebook=codebook,
    )


def _batches(items: Iterable[Article], size: int, tail: int = 0) -> Iterator[list[Article]]:
    """``items`` in batches of ``size``; with ``tail``, the last ``tail`` to ``tail + size - 1``
    items go out in batches of a quarter of ``size``.

    Several workers finish a run together only if the last batches are small: with whole batches
    one worker could still be parsing a batch for seconds while the others have nothing left. The
    end is seen by reading ``size + tail`` items ahead, a bounded look-ahead.
    """
    size = max(1, size)
    ahead: deque[Article] = deque()
    for item in items:
        ahead.append(item)
        if len(ahead) >= size + tail:
            yield [ahead.popleft() for _ in range(size)]
    small = max(1, size // 4) if tail else size
    while ahead:
        yield [ahead.popleft() for _ in range(min(small, len(ahead)))]


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    options: ReadOptions | None = None,
    workers: int = 1,
    model: str | None = None,
    knowledge_options: dict[str, Any] | None = None,
    batch_size: int = BATCH_SIZE,
    reprocess: bool = False,
    on_progress: Callable[[IngestReport], None] | None = None,
    engine: Engine | None = None,
    database_steps: bool = True,
) -> IngestReport:
    """Read, parse, extract and store; returns the counts. See the module docstring.

    ``database_steps=False`` skips the steps that need a real database: importing the curated
    knowledge base before the run and the corpus-level steps after it (clusters, event keys).
    ``tidings.store.shards.write_shards`` passes a Parquet shard writer as ``store``; ``tidings
    load`` runs those steps when the shards are loaded into a database.
    """
    options = options or ReadOptions()
    knowledge_options = knowledge_options or {}
    report = IngestReport()
    report.versions = versions_for(model, knowledge_options)
    if database_steps:
        _import_knowledge(store)
    # Ids of this run not yet known to the store (in flight to the workers or the writer), so that
    # a repeated article is counted once. Bounded: an id older than the in-flight window is in the
    # store, where known_ids finds it; a set of every id would grow with the corpus.
    seen: dict[str, None] = {}
    input_read = False  # every input unit has been read (the last batches may still be parsing)
    seen_limit = max(SEEN_WINDOW, 4 * batch_size * (max(1, workers) * IN_FLIGHT_PER_WORKER + 2))

    def fresh_articles() -> Iterator[Article]:
        pending: list[Article] = []

        def flush() -> Iterator[Article]:
            known = set() if reprocess else store.known_ids([a.id for a in pending])
            for article in pending:
                if article.id in known or article.id in seen:
                    report.present += 1
                    continue
                seen[article.id] = None
                if len(seen) > seen_limit:
                    del seen[next(iter(seen))]  # the oldest
                yield article
            pending.clear()

        rejected_batch: list[Rejected] = []
        for item in read_paths(paths, options):
            if isinstance(item, Rejected):
                report.rejected.append(item)
                rejected_batch.append(item)
                if len(rejected_batch) >= batch_size:
                    store.write_rejected(rejected_batch)
                    rejected_batch = []
                continue
            if len(item.text) > MAX_ARTICLE_CHARS:
                too_long = Rejected(
                    source=item.source,
                    member=item.member,
                    code="R111",
                    reason=reason("R111", chars=len(item.text), limit=MAX_ARTICLE_CHARS),
                )
                report.rejected.append(too_long)
                rejected_batch.append(too_long)
                continue
            pending.append(item)
            if len(pending) >= batch_size:
                yield from flush()
        yield from flush()
        store.write_rejected(rejected_batch)
        nonlocal input_read
        input_read = True

    def write(results: list[tuple[Article, Findings | StoreRows]]) -> None:
        store.write(results, report.versions)
        report.ingested += len(results)
        report.words += sum(a.word_count for a, _ in results)
        if on_progress:
            on_progress(report)

    engine = engine or LocalEngine(workers=workers, model=model, knowledge_options=knowledge_options)
    # A tail of small batches when several workers share the work (see _batches).
    tail = batch_size * workers if workers > 1 else 0
    batches = _batches(fresh_articles(), batch_size, tail)
    # Bring the corpus steps up to date once the whole input is read, while the workers finish
    # the last batches (cores otherwise idle at the end of a run); after the run they then only
    # have those batches left. Both steps are incremental, so this gives the same result.
    early_steps = database_steps and not (isinstance(engine, LocalEngine) and engine.in_process())
    for results in engine.map(batches):
        write(results)
        if early_steps and input_read:
            _after_ingest(store)
            early_steps = False
    # Corpus steps re-read the database: run them when articles were written since they last
    # ran (a flag set in the same transaction as the articles, so a killed run is caught up).
    if database_steps and store.corpus_steps_pending():
        _after_ingest(store)
        store.set_corpus_steps_pending(False)
    return report


class Engine(Protocol):
    """Runs parse+extract over batches, yielding results in input order (the writer is the caller)."""

    def map(
        self, batches: Iterator[list[Article]]
    ) -> Iterator[list[tuple[Article, Findings | StoreRows]]]: ...


@dataclass
class LocalEngine:
    """This machine. ``workers`` processes parse; who runs the extractors depends on the cores:

    * one worker and one core (or no fork on this platform): everything in this process;
    * one worker and more cores: a parse process, while this process runs the extractors on what
      it parsed (and writes): parsing and extraction overlap on two cores, as spaCy's own parse
      overlaps its matrix products on two BLAS threads;
    * more workers: a bounded pool, each worker parsing and extracting its batches.

    Results come back in input order, so the output does not depend on the engine's choice.
    """

    workers: int = 1
    model: str | None = None
    knowledge_options: dict[str, Any] = field(default_factory=dict)
    cores: int | None = None  # default: the cores this process may use

    def in_process(self) -> bool:
        """Whether everything runs in this process (one worker, and one core or no fork)."""
        cores = self.cores if self.cores is not None else default_workers()
        return self.workers <= 1 and (cores < 2 or _start_method() != "fork")

    def map(self, batches: Iterator[list[Article]]) -> Iterator[list[tuple[Article, Findings | StoreRows]]]:
        method = _start_method()
        if self.in_process():
            _ensure_state(self.model, self.knowledge_options)
            for batch in batches:
                yield list(zip(batch, rows_batch(batch), strict=True))
            return
        ctx = mp.get_context(method)
        if method == "fork":
            # Load once here: forked workers inherit the pipeline and knowledge (copy-on-write)
            # instead of each spending seconds of CPU loading its own, as spaCy's n_process does.
            _ensure_state(self.model, self.knowledge_options)
            _settle_gc()
        split = self.workers <= 1
        with ctx.Pool(
            max(1, self.workers), initializer=_init_pool_worker, initargs=(self.model, self.knowledge_options)
        ) as pool:
            queue: deque[tuple[list[Article], Any]] = deque()
            # Counted in articles, in units of the first batch: the small batches at the end of a
            # run (see _batches) keep as much work queued as whole ones, so that the workers do not
            # run dry while this process runs the corpus steps (run once the input is read).
            in_flight = 0
            queued = 0

            def finished() -> list[tuple[Article, Findings | StoreRows]]:
                nonlocal queued
                sent, result = queue.popleft()
                queued -= len(sent)
                rows = rows_of_parsed(sent, result.get()) if split else result.get()
                return list(zip(sent, rows, strict=True))

            for batch in batches:
                in_flight = in_flight or max(1, self.workers) * IN_FLIGHT_PER_WORKER * len(batch)
                task = (parse_batch, ([a.text for a in batch],)) if split else (rows_batch, (batch,))
                queue.append((batch, pool.apply_async(*task)))
                queued += len(batch)
                if queued >= in_flight:
                    yield finished()
            while queue:
                yield finished()


def _settle_gc() -> None:
    """Tune the cyclic garbage collector once the pipeline and knowledge are loaded.

    Everything loaded so far lives as long as the process: ``gc.freeze`` keeps the collector from
    scanning it again and again (and from touching, i.e. copying, the pages forked workers share).
    Parsing and extraction then make objects that die young, mostly without cycles; collecting
    every 10,000 new container objects instead of every 700 cut the collector's time from ~0.25
    to ~0.1 ms per article (300 bench articles, timed with gc.callbacks).
    """
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


def _start_method() -> str:
    """fork shares the already-imported modules; spawn is the fallback where fork is unavailable."""
    return "fork" if "fork" in mp.get_all_start_methods() and sys.platform != "darwin" else "spawn"


def _import_knowledge(store: Store, kb: Any = None) -> None:
    """Put the curated actor knowledge base into a database that has none yet (for the actors
    table, the API and exports); learned roles then accumulate next to it. ``kb`` defaults to this
    process's loaded knowledge (``tidings load`` passes one it loaded itself)."""
    kb = kb if kb is not None else _STATE.get("kb")
    if kb is None or kb.actors is None:
        return
    from tidings.store.knowledge import has_curated_actors, import_kb

    if not has_curated_actors(store):
        import_kb(store, kb.actors)


def _after_ingest(store: Store) -> None:
    """Corpus-level steps that read the store: near-duplicate clusters, event aggregation, and the
    full-text search index the API reads (built once; triggers keep it current)."""
    from tidings.corpus.clusters import assign_clusters
    from tidings.corpus.events import aggregate
    from tidings.store.query import ensure_search_index

    ensure_search_index(store.engine)
    # Without their summaries: each would count over the whole database, on every ingest.
    assign_clusters(store, summary=False)
    aggregate(store, count=False)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
