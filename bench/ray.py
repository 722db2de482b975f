"""Ray: 1 versus 2 Ray workers (actors) on the same corpus → ``speedup`` (goal ≥ 1.7 on 2 cores).

Starts one local Ray (``num_cpus`` = the largest worker count), then runs ``tidings.run.ingest`` with
``RayEngine(workers=n)`` into a new SQLite database for each n. ``seconds`` is the whole ingest,
actor start-up (each actor loads the spaCy pipeline) included; ``steady_articles_per_s`` counts
from the first written batch to the end, i.e. without start-up. ``speedup`` = seconds(1) ÷ seconds(2);
``speedup_steady`` compares the steady rates. Needs ``pip install 'tidings[ray]'``. Prints one JSON line.

    python bench/ray.py --count 400 --words 250
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent


def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"tidings_bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _bench_module("corpus").generate
_throughput = _bench_module("throughput")
machine, parallel_capacity = _throughput.machine, _throughput.parallel_capacity
# This file is named ray.py: with its folder on sys.path, `import ray` would import itself.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--words", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, nargs=2, default=[1, 2])
    parser.add_argument(
        "--batch-size", type=int, default=64, help="articles per Ray task (default 64, as tidings ingest)"
    )
    args = parser.parse_args(argv)

    import ray

    from tidings.engines.ray import LOCAL_OBJECT_STORE_BYTES, RayEngine
    from tidings.run import ingest, versions_for
    from tidings.store import Store

    out: dict[str, object] = {
        "bench": "ray",
        "count": args.count,
        "words_mean": args.words,
        "ray": ray.__version__,
    }
    out.update(machine())
    out["parallel_capacity_2"] = parallel_capacity(2)
    ray.init(
        address="local",
        num_cpus=max(args.workers),
        include_dashboard=False,
        object_store_memory=LOCAL_OBJECT_STORE_BYTES,
        logging_level="warning",
    )
    versions_for(None, {})  # the driver's own pipeline load (for provenance) stays out of the timings
    runs: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="tidings-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for name, text in generate(args.count, args.words, args.seed):
            (corpus / name).write_text(text, encoding="utf-8", newline="\n")
        for n in args.workers:
            marks: list[tuple[float, int]] = []
            started = time.perf_counter()
            with Store.open(Path(tmp) / f"ray{n}.db") as store:
                report = ingest(
                    [corpus],
                    store,
                    batch_size=args.batch_size,
                    engine=RayEngine(workers=n),
                    on_progress=lambda r, marks=marks: marks.append((time.perf_counter(), r.ingested)),
                )
            seconds = time.perf_counter() - started
            first_t, first_n = marks[0]
            steady = (report.ingested - first_n) / max(1e-9, marks[-1][0] - first_t)
            runs[str(n)] = {
                "seconds": round(seconds, 2),
                "articles_per_s": round(report.ingested / seconds, 2),
                "steady_articles_per_s": round(steady, 2),
                "startup_s": round(first_t - started, 2),
            }
    ray.shutdown()
    one, two = (runs[str(n)] for n in args.workers)
    out["workers"] = runs
    out["speedup"] = round(one["seconds"] / two["seconds"], 3)
    out["speedup_steady"] = round(two["steady_articles_per_s"] / one["steady_articles_per_s"], 3)
    out["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    out["parallel_capacity_2_end"] = parallel_capacity(2)
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
