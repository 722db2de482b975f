"""Throughput: bare spaCy ``nlp.pipe`` versus ``tidings ingest`` end to end, on the same corpus, in one run.

Generates a seeded corpus with bench/corpus.py, then for each worker count runs, as fresh processes
and alternating so that machine load hits both alike:

* bare: load the pipeline (``tidings.nlp.load``: the same model and ops) and ``nlp.pipe`` the article
  bodies (read beforehand with tidings' reader, untimed) with ``n_process`` = workers; every
  parsing process gets one BLAS thread, as tidings' parse processes do (the thread policy is not
  what this benchmark compares: without it, bare spaCy ran 300 articles in 10.2-11.1 s instead
  of 8.1-8.2 s with two processes on the 2-core VM). With one worker, bare spaCy also runs once
  with BLAS's default of a thread per core (``bare_default_blas_s``, ``ratio_default_blas``):
  ~10 % faster wall on two cores, for ~40 % more CPU;
* tidings: ``tidings ingest CORPUS --db NEW.db --workers N`` (reading, parsing, every extractor wired into
  the pipeline, store writes, corpus steps).

Both timings are wall clock of the whole process, start-up and model loading included. Before
timing, tidings' modules are byte-compiled, as ``pip install`` does: an editable install under
``PYTHONDONTWRITEBYTECODE=1`` (our development machines) otherwise compiles every tidings module at
every start (~0.25 s), while spaCy's modules come precompiled (``tidings_bytecode`` in the output).
``ratio`` = tidings articles/s ÷ bare articles/s (goal ≥ 0.85); ``ratio_cpu`` is the same from CPU seconds
(user + system of the process tree), which other work on a shared machine disturbs less.
With ``--repeat N`` each pair runs N times (alternating); the figures use each side's fastest run,
as timeit does (other work on the machine only ever adds time); ``ratio_runs`` lists each
repeat's own ratio and ``ratio_median`` their median. Prints one JSON line.

    python bench/throughput.py --count 300 --words 250 --workers 1 2 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from corpus import generate  # noqa: E402

CALIBRATION_LOOP = 10_000_000  # ~0.5 s of pure-Python work per process on the development VM
BARE_SCRIPT = """
import json, sys
from tidings import nlp as tnlp
texts = json.load(open(sys.argv[1], encoding="utf-8"))
nlp = tnlp.load()
if sys.argv[3] == "one":
    tnlp.limit_blas_threads(1)  # the policy of tidings' parse processes; forked processes inherit it
n = 0
for doc in nlp.pipe(texts, batch_size=64, n_process=int(sys.argv[2])):
    n += len(doc)
print(n)
"""


def machine() -> dict[str, object]:
    """Cores, CPU model and load: the context every figure needs."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cores": cores, "cpu": model, "load_avg_1m": round(os.getloadavg()[0], 2)}


def _spin(_: int) -> float:
    started = time.perf_counter()
    x = 0
    for i in range(CALIBRATION_LOOP):
        x += i * i
    return time.perf_counter() - started


def parallel_capacity(processes: int = 2) -> float:
    """How many cores' worth of pure-Python work ``processes`` processes got just now (ideal: processes).

    On a shared machine this shows how much parallelism was on offer while a benchmark ran.
    """
    import multiprocessing as mp

    alone = _spin(0)
    with mp.get_context("fork").Pool(processes) as pool:
        started = time.perf_counter()
        pool.map(_spin, range(processes))
        together = time.perf_counter() - started
    return round(processes * alone / together, 2)


def write_corpus(folder: Path, count: int, words: int, seed: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in generate(count, words, seed):
        (folder / name).write_text(text, encoding="utf-8", newline="\n")


def article_texts(folder: Path) -> list[str]:
    from tidings.ingest import read_paths
    from tidings.types import Article

    return [a.text for a in read_paths([folder]) if isinstance(a, Article)]


def byte_compile() -> bool:
    """Byte-compile the tidings package where it is installed, as ``pip install`` does; False where
    that folder is read-only (the timings then include compiling tidings at each start)."""
    import compileall

    import tidings

    try:
        return bool(compileall.compile_dir(str(Path(tidings.__file__).parent), quiet=1))
    except OSError:
        return False


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the process and every worker it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed:\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="articles (default 300)")
    parser.add_argument("--words", type=int, default=250, help="mean words per article (default 250)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each pair, alternating (default 1)")
    args = parser.parse_args(argv)

    out: dict[str, object] = {
        "bench": "throughput",
        "count": args.count,
        "words_mean": args.words,
        "repeat": max(1, args.repeat),
    }
    out.update(machine())
    out["parallel_capacity_2"] = parallel_capacity(2)
    out["tidings_bytecode"] = "compiled" if byte_compile() else "not writable"
    with tempfile.TemporaryDirectory(prefix="tidings-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, args.count, args.words, args.seed)
        texts = article_texts(corpus)
        words = sum(len(t.split()) for t in texts)
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        out["articles"], out["words"] = len(texts), words
        timings: dict[int, list[tuple[float, float, float, float]]] = {n: [] for n in args.workers}
        default_blas: list[float] = []  # bare, one process, BLAS's default threads
        for repeat in range(max(1, args.repeat)):
            for n in args.workers:
                bare_s, bare_cpu = timed([sys.executable, "-c", BARE_SCRIPT, str(texts_file), str(n), "one"])
                if n == 1:
                    default_blas.append(
                        timed([sys.executable, "-c", BARE_SCRIPT, str(texts_file), "1", "default"])[0]
                    )
                db = Path(tmp) / f"w{n}-{repeat}.db"  # a new database each time: nothing already present
                tidings_s, tidings_cpu = timed(
                    [
                        sys.executable,
                        "-c",
                        "from tidings.cli import main; main()",
                        "ingest",
                        str(corpus),
                        "--db",
                        str(db),
                        "--workers",
                        str(n),
                        "--no-progress",
                        "--json",
                    ]
                )
                timings[n].append((bare_s, tidings_s, bare_cpu, tidings_cpu))
        runs: dict[str, dict[str, object]] = {}
        for n, measured in timings.items():
            bare_s, tidings_s, bare_cpu, tidings_cpu = (min(column) for column in zip(*measured, strict=True))
            runs[str(n)] = {
                "bare_s": round(bare_s, 2),
                "tidings_s": round(tidings_s, 2),
                "ratio": round(bare_s / tidings_s, 3),
                "bare_cpu_s": round(bare_cpu, 2),
                "tidings_cpu_s": round(tidings_cpu, 2),
                # CPU seconds are less sensitive than wall time to other work on the machine.
                "ratio_cpu": round(bare_cpu / tidings_cpu, 3),
                "ratio_runs": [round(b / t, 3) for b, t, _, _ in measured],
                "ratio_median": round(statistics.median(b / t for b, t, _, _ in measured), 3),
                "articles_per_s": round(len(texts) / tidings_s, 2),
                "words_per_s": round(words / tidings_s, 1),
                "bare_articles_per_s": round(len(texts) / bare_s, 2),
            }
            if n == 1 and default_blas:
                runs["1"]["bare_default_blas_s"] = round(min(default_blas), 2)
                runs["1"]["ratio_default_blas"] = round(min(default_blas) / tidings_s, 3)
    out["workers"] = runs
    # Headline figures: the largest worker count run (what `tidings ingest` uses by default).
    top: dict[str, Any] = runs[str(max(args.workers))]
    out.update(
        ratio=top["ratio"],
        ratio_cpu=top["ratio_cpu"],
        articles_per_s=top["articles_per_s"],
        words_per_s=top["words_per_s"],
    )
    out["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    out["parallel_capacity_2_end"] = parallel_capacity(2)
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
