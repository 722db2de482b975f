"""Memory: peak resident memory of ``tidings ingest`` at 1,000 and 10,000 articles (streaming check).

Generates one seeded corpus of the largest size with bench/corpus.py (the first N articles of it are
exactly a corpus of N), runs ``tidings ingest`` on each size into a new SQLite database, and samples
the resident set size of the whole process tree (the writer and any worker processes) every
``--interval`` seconds. ``rss_growth`` = peak at the largest size ÷ peak at the smallest (goal ≤ 1.2:
memory does not grow with corpus size). Prints one JSON line.

    python bench/memory.py --sizes 1000 10000 --words 120 --workers 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from corpus import generate  # noqa: E402
from throughput import machine  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = int(statm[1]) * PAGE
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def peak_rss(command: list[str], interval: float) -> tuple[int, float]:
    """Run ``command``; the peak resident bytes of its process tree and the wall seconds."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(interval)
    _, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"tidings ingest failed:\n{stderr.decode(errors='replace')[-2000:]}")
    return peak, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--words", type=int, default=120, help="mean words per article (default 120)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between samples")
    args = parser.parse_args(argv)

    out: dict[str, object] = {"bench": "memory", "words_mean": args.words, "workers_used": args.workers}
    out.update(machine())
    sizes = sorted(args.sizes)
    with tempfile.TemporaryDirectory(prefix="tidings-bench-") as tmp:
        full = Path(tmp) / "all"
        full.mkdir()
        names = []
        for name, text in generate(sizes[-1], args.words, args.seed):
            (full / name).write_text(text, encoding="utf-8", newline="\n")
            names.append(name)
        runs: dict[str, dict[str, float]] = {}
        for size in sizes:
            folder = Path(tmp) / f"n{size}"
            folder.mkdir()
            for name in names[:size]:
                os.link(full / name, folder / name)
            command = [
                sys.executable,
                "-c",
                "from tidings.cli import main; main()",
                "ingest",
                str(folder),
                "--db",
                str(Path(tmp) / f"n{size}.db"),
                "--workers",
                str(args.workers),
                "--no-progress",
                "--json",
            ]
            peak, seconds = peak_rss(command, args.interval)
            runs[str(size)] = {
                "peak_rss_mb": round(peak / 2**20, 1),
                "seconds": round(seconds, 1),
                "articles_per_s": round(size / seconds, 2),
            }
            shutil.rmtree(folder)
    out["sizes"] = runs
    out["rss_growth"] = round(runs[str(sizes[-1])]["peak_rss_mb"] / runs[str(sizes[0])]["peak_rss_mb"], 3)
    out["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
