"""A bounded load test: 2,000 requests from 20 concurrent clients against uvicorn on 127.0.0.1.

Asserts that no request gets a 5xx (or fails to connect) and prints the latency p50/p95. Marked
``slow``; it takes a few seconds (run alone with ``pytest -m slow tests/test_load_api.py -s``).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import httpx
import pytest

from tidings.api import create_app
from tidings.store import Store
from tidings.store.query import ensure_search_index
from web_sample import serve_in_thread, write_sample

REQUESTS = 2000
CLIENTS = 20
# Latency budget for the median request on a single-process server, generous because CI machines
# are shared (p50 was 0.2-0.4 s at load average 8-10 on 2 cores). The sample is tiny, so this
# catches gross regressions (a blocking call, a lock held across requests), not slow queries.
P50_BUDGET_S = 2.0

pytestmark = pytest.mark.slow


def urls(ids: dict[str, Any]) -> list[str]:
    aid = ids["articles"]["geneva"]
    return [
        "/api/articles?q=prisoner+exchange",
        "/api/articles?publication=The+Harbour+Times&limit=2",
        f"/api/articles/{aid}",
        "/api/quotes?speaker=marsh",
        "/api/events?dyad=USA,RUS&date_from=2024-03-01",
        "/api/events?root=19&negated=false",
        "/api/actors/country/USA",
        "/api/dyads?dyad=USA,RUS&interval=week",
        f"/articles/{aid}",
        "/events?cameo=11",
        "/dyads?a=RUS&b=UKR",
        "/api/events?cameo=' OR 1=1 --",  # refused with 422: must stay cheap and never 5xx
    ]


async def hammer(base: str, paths: list[str]) -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(REQUESTS):
        queue.put_nowait(paths[i % len(paths)])

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while True:
                try:
                    path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                start = time.perf_counter()
                r = await http.get(path)
                latencies.append(time.perf_counter() - start)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return latencies, statuses


def test_load_api_2000_requests_20_clients_no_5xx(tmp_path: Any) -> None:
    path = tmp_path / "load.db"
    ids = write_sample(path)
    with Store.open(path) as store:
        ensure_search_index(store.engine)
    with serve_in_thread(create_app(str(path))) as base:
        started = time.perf_counter()
        latencies, statuses = asyncio.run(hammer(base, urls(ids)))
        elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    p50, p95 = quantiles[49], quantiles[94]
    print(
        f"\nload: {len(latencies)} requests, {CLIENTS} clients, {elapsed:.1f} s "
        f"({len(latencies) / elapsed:.0f} req/s); p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms; "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    assert len(latencies) == REQUESTS
    assert not [s for s in statuses if s >= 500], statuses
    assert set(statuses) <= {200, 422}
    assert p50 < P50_BUDGET_S
