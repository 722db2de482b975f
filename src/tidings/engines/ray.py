"""The Ray engine: the same parse+extract stages as the local engine, on a Ray cluster.

``RayEngine`` keeps a pool of Ray actors, each holding one spaCy pipeline and one knowledge bundle
(loaded once, through ``tidings.run._init_pool_worker``), and feeds them batches of articles. At most
``in_flight_per_worker`` batches per actor are submitted at a time, so the driver's memory does not
grow with corpus size, and results come back in input order, so the writer (the caller, one
process) stores exactly what the local engine would: the exports of both are identical.

Ray is an optional extra (``pip install 'tidings[ray]'``). With ``address=None`` a private local
Ray is started with ``num_cpus=workers`` and shut down afterwards; ``"auto"`` joins the cluster
this machine belongs to (``ray start --head`` / ``ray start --address ...``) and ``"ray://host:10001"``
connects through the Ray client. On a cluster every node needs tidings (and the spaCy model)
installed in the same version as the driver; see docs/scale.md.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tidings.errors import TidingsError
from tidings.types import Article, StoreRows

# Batches queued per actor: one being parsed and one waiting, so an actor never idles between
# batches while the driver writes. More only adds memory (each batch holds its articles and findings).
IN_FLIGHT_PER_ACTOR = 2
# Object store of a private local Ray. Batches of 64 articles are a few hundred kilobytes; Ray's
# default (30 % of RAM) would reserve gigabytes of shared memory on a laptop for nothing.
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
# How long actors may take to start (import tidings, load the pipeline) before the run gives up:
# on a fixed-size cluster asked for more actors than it has CPUs they would otherwise wait forever.
# Loading takes ~10 s on a busy laptop; an autoscaler adding nodes takes minutes.
ACTOR_START_TIMEOUT_S = 900


def import_ray() -> Any:
    """The ``ray`` module, or a TidingsError telling the user to install the extra."""
    try:
        import ray
    except ImportError as exc:
        raise TidingsError("E801", detail=str(exc)) from exc
    return ray


def connect(ray: Any, address: str | None, workers: int) -> bool:
    """Start a local Ray (``address`` None) or join a cluster; True when this call started Ray.

    An already initialised Ray in this process (a notebook, a test fixture) is used as it is.
    """
    if ray.is_initialized():
        return False
    try:
        if address is None:
            ray.init(
                address="local",
                num_cpus=max(1, workers),
                include_dashboard=False,
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                logging_level="warning",
            )
        else:
            ray.init(address=address, logging_level="warning")
    except Exception as exc:  # noqa: BLE001 - Ray raises ConnectionError, RuntimeError, ValueError...
        raise TidingsError(
            "E802", address=address or "local", detail=str(exc).strip().splitlines()[0]
        ) from exc
    return True


class ArticleWorker:
    """A Ray actor body: one spaCy pipeline and one knowledge bundle, many batches."""

    def __init__(self, model: str | None, knowledge_options: dict[str, Any]) -> None:
        from tidings.run import _init_pool_worker

        # As a local pool worker: one BLAS thread (an actor holds one CPU), pipeline and knowledge
        # loaded once, then kept out of the cyclic GC's scans.
        _init_pool_worker(model, knowledge_options)

    def process(self, batch: list[Article]) -> list[StoreRows]:
        from tidings.run import rows_batch

        return rows_batch(batch)

    def ready(self) -> bool:
        return True


@dataclass
class RayEngine:
    """Parse+extract on Ray actors; see the module docstring. Implements ``tidings.run.Engine``.

    ``workers`` is the number of actors (one CPU each); 0 means one per CPU of the cluster.
    """

    address: str | None = None
    workers: int = 1
    model: str | None = None
    knowledge_options: dict[str, Any] = field(default_factory=dict)
    in_flight_per_worker: int = IN_FLIGHT_PER_ACTOR

    def map(self, batches: Iterator[list[Article]]) -> Iterator[list[tuple[Article, StoreRows]]]:
        ray = import_ray()
        started = connect(ray, self.address, self.workers)
        actors: list[Any] = []
        try:
            n_actors = (
                self.workers if self.workers > 0 else max(1, int(ray.cluster_resources().get("CPU", 1)))
            )
            actor_class = ray.remote(num_cpus=1)(ArticleWorker)
            actors = [actor_class.remote(self.model, self.knowledge_options) for _ in range(n_actors)]
            # Fail early (a missing model on a node, too few CPUs) rather than at the first batch.
            try:
                self._get(ray, [actor.ready.remote() for actor in actors], timeout=ACTOR_START_TIMEOUT_S)
            except ray.exceptions.GetTimeoutError as exc:
                cpus = ray.cluster_resources().get("CPU", 0)
                raise TidingsError(
                    "E803",
                    detail=f"{n_actors} actors did not start within {ACTOR_START_TIMEOUT_S} s "
                    f"(the cluster has {cpus:g} CPUs; give --workers at most that)",
                ) from exc
            # (batch, result ref, actor index), in input order; actors return only the findings
            queued: deque[tuple[list[Article], Any, int]] = deque()
            load = [0] * n_actors
            limit = n_actors * max(1, self.in_flight_per_worker)
            for batch in batches:
                # The least busy actor takes the next batch; ties go to the lowest index.
                index = min(range(n_actors), key=load.__getitem__)
                queued.append((batch, actors[index].process.remote(batch), index))
                load[index] += 1
                if len(queued) >= limit:
                    yield self._next(ray, queued, load)
            while queued:
                yield self._next(ray, queued, load)
        finally:
            for actor in actors:
                ray.kill(actor)
            if started:
                ray.shutdown()

    def _next(
        self, ray: Any, queued: deque[tuple[list[Article], Any, int]], load: list[int]
    ) -> list[tuple[Article, StoreRows]]:
        batch, ref, index = queued.popleft()
        load[index] -= 1
        return list(zip(batch, self._get(ray, ref), strict=True))

    @staticmethod
    def _get(ray: Any, refs: Any, timeout: float | None = None) -> Any:
        try:
            return ray.get(refs, timeout=timeout)
        except ray.exceptions.GetTimeoutError:
            raise
        except ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, TidingsError):
                raise cause from exc
            raise TidingsError("E803", detail=str(cause or exc).strip().splitlines()[-1]) from exc
        except ray.exceptions.RayError as exc:
            raise TidingsError("E803", detail=str(exc).strip().splitlines()[0]) from exc
