"""The survey run: the pending .debs on a process pool, every record committed
as it arrives.

Reading a .deb is decompression and Python work on its members, bound by
the CPU and holding the GIL, so the workers are processes, one per CPU this
process may run on (:func:`dh_aimodel.tree.hashing.default_jobs`), each
streaming one .deb at a time; the largest start first, so that one big
package does not run alone at the end.  Only the main process writes the
database.

Ctrl-C: the workers ignore SIGINT (a terminal sends it to the whole process
group); the main process stops them (the package each was reading is
simply not recorded), keeps every committed record and re-raises, so the
command exits 130 and the next run resumes with the packages left.
"""

from __future__ import annotations

import multiprocessing
import signal
from dataclasses import dataclass, field
from typing import Any, TextIO

from dh_aimodel.core.errors import AimodelError
from dh_aimodel.hub.progress import _Progress
from dh_aimodel.survey.inputs import Item, download
from dh_aimodel.survey.store import Store


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a worker made of one item: a record, or why there is none."""

    item: Item
    record: dict[str, Any] | None
    error: str | None = None


@dataclass
class Summary:
    """What a run did, for the report and the exit status."""

    #: sha256 of every package of this run that has a record (surveyed now or before).
    done: list[str] = field(default_factory=list)
    #: Paths of the packages that failed in this run.
    failed: list[str] = field(default_factory=list)
    skipped: int = 0
    surveyed: int = 0


class _SurveyProgress(_Progress):
    """``aimodel fetch``'s status line, counting packages and their bytes."""

    def _draw(self, now: float) -> None:
        assert self.stream is not None
        rate = self.received / max(now - self.started, 1e-6) / 2**20
        self.stream.write(f"\raimodel survey: {self.done}/{self.files} packages, "
                          f"{self.received / 2**20:.1f} MiB, {rate:.1f} MiB/s\x1b[K")
        self.stream.flush()


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(item: Item) -> Outcome:
    """Survey one item in a worker; every failure becomes a value, so that one
    bad package (or a bug its bytes trigger) does not end a survey of thousands."""
    from dh_aimodel.survey.record import read_record

    try:
        return Outcome(item, read_record(item))
    except AimodelError as exc:
        return Outcome(item, None, exc.message)
    except OSError as exc:
        return Outcome(item, None, f"{item.path}: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - reported, and the exit status says so
        return Outcome(item, None, f"{item.path}: internal error, please report it as a bug: "
                                   f"{type(exc).__name__}: {exc}")


def _known(store: Store, item: Item) -> str | None:
    """The sha256 of an item already surveyed, found without reading the .deb."""
    if item.sha256 is not None:
        return item.sha256 if store.done(item.sha256) else None
    if item.size is None or item.mtime_ns is None:
        return None
    return store.seen(str(item.path), item.size, item.mtime_ns)


def survey(items: list[Item], store: Store, jobs: int, progress: TextIO | None) -> Summary:
    """Survey every item without a record yet; returns what this run did."""
    summary = Summary()
    pending: list[Item] = []
    for item in items:
        sha256 = _known(store, item)
        if sha256 is None:
            pending.append(item)
        else:
            summary.done.append(sha256)
            summary.skipped += 1
    local = [i for i in pending if i.url is None]
    fetched, unfetched = download([i for i in pending if i.url is not None], progress)
    for item, why in unfetched:
        store.fail(str(item.path), item.sha256, why)
        summary.failed.append(str(item.path))
    ready = sorted(local + fetched, key=lambda i: -(i.size or 0))
    if not ready:
        return summary
    bar = _SurveyProgress(progress, len(ready))
    pool = multiprocessing.get_context("fork").Pool(min(jobs, len(ready)), _ignore_sigint)
    try:
        for outcome in pool.imap_unordered(_work, ready, chunksize=1):
            _commit(store, outcome, summary)
            bar.add(outcome.item.size or 0)
            bar.finished()
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        bar.close()
    return summary


def _commit(store: Store, outcome: Outcome, summary: Summary) -> None:
    item = outcome.item
    if outcome.record is None:
        store.fail(str(item.path), item.sha256, outcome.error or "failed")
        summary.failed.append(str(item.path))
        return
    store.put(outcome.record, item.size, item.mtime_ns)
    summary.done.append(outcome.record["sha256"])
    summary.surveyed += 1

