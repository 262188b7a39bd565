"""Run a function over many items on threads, and stop them all on Ctrl-C.

Hashing (:func:`dh_aimodel.tree.hashing.sha256_files`) and downloading
(:func:`dh_aimodel.hub.fetch.run_parallel`) both need the same runner:
results in input order, the first failure of a worker or a Ctrl-C in the
calling thread stopping every worker promptly, no pending item started after
that.  It had been written twice (a ThreadPoolExecutor in hashing, daemon
threads in fetch), each with fixes the other lacked; this is the one left.
It lives in ``tree/`` because ``hub/`` may import ``tree/`` and not the
reverse (tests/test_layout.py).

The two callers differ in one point only, kept as the ``grace`` argument:
what to do with a worker that has been told to stop and has not yet.  A
hashing worker polls its stop event between chunks of a local file, so it
always ends soon and is waited for: no hashing thread outlives the call.  A
download worker may sit in a socket read that nothing in Python can
interrupt before its timeout (closing the response waits for the same
lock), so it is waited for briefly and then left behind: it is a daemon
thread and dies with the process (its ``.part`` file already holds every
byte received, and files are only ever renamed into place complete and
verified).
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any, Callable, Sequence, TypeVar

__all__ = ["run_parallel"]

T = TypeVar("T")
R = TypeVar("R")


def run_parallel(func: Callable[[T], R], items: Sequence[T], jobs: int,
                 cancel: Callable[[], None], *, name: str = "worker",
                 grace: float | None = None) -> list[R]:
    """``[func(item) for item in items]`` on ``jobs`` daemon threads, results in order.

    Items are started in the order given (a caller that wants, say, the
    largest first sorts them) by threads named ``NAME-0``, ``NAME-1``...

    Daemon threads rather than a ThreadPoolExecutor, whose workers the
    interpreter joins at exit: on Ctrl-C a worker still waiting for a silent
    server would hold the exit up to the read timeout.  On an exception in
    the calling thread (KeyboardInterrupt) or the first one a worker raises,
    no further item is started, the main thread calls ``cancel`` (which must
    make running calls of ``func`` end soon: set the event they poll, close
    their sockets), joins the threads and the exception propagates.

    ``grace`` is how long each thread is waited for after ``cancel``: None
    waits until it ends, so that no thread outlives the call (work that
    always notices ``cancel`` quickly); a number of seconds bounds the wait,
    and a worker still stuck in the network after it dies with the process.
    """
    if not items:
        return []
    results: list[Any] = [None] * len(items)
    errors: list[BaseException] = []
    pending: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(items)):
        pending.put(index)
    done = threading.Event()
    stopping = threading.Event()
    left = [len(items)]
    lock = threading.Lock()

    def worker() -> None:
        while not stopping.is_set():
            try:
                index = pending.get_nowait()
            except queue.Empty:
                return
            try:
                results[index] = func(items[index])
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                errors.append(exc)
                done.set()
                return
            with lock:
                left[0] -= 1
                if left[0] == 0:
                    done.set()

    threads = [threading.Thread(target=worker, name=f"{name}-{i}", daemon=True)
               for i in range(max(1, min(jobs, len(items))))]
    started: list[threading.Thread] = []
    try:
        for thread in threads:
            started.append(thread)
            thread.start()
        while not done.wait(0.1):
            pass
        if errors:
            raise errors[0]
    except BaseException:
        stopping.set()
        cancel()
        _join(started, grace)
        raise
    _join(started, None)
    return results


def _join(threads: list[threading.Thread], grace: float | None) -> None:
    """Join ``threads``, each for at most ``grace`` seconds (None: until it ends).

    ``Thread.start()`` waits interruptibly for the new thread to run: a
    Ctrl-C arriving then leaves a thread that runs (and exits at once, the
    stop being set) but that ``join`` still refuses as not started, so
    those are retried.  A thread that will never start (Ctrl-C inside
    ``start()`` before the OS thread was created) is given up after a
    second instead of hanging the interrupt.
    """
    deadline = time.monotonic() + 1.0
    for thread in threads:
        while True:
            try:
                thread.join(grace)
                break
            except RuntimeError:  # "cannot join thread before it is started"
                if time.monotonic() > deadline:
                    break
                time.sleep(0.001)
