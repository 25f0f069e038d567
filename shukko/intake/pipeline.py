"""Reading and validating a large file in a second process while this one stores.

Validation and storing each take about half of an import's time and Python runs one of
them at a time, so on a machine with two or more cores a worker process reads and validates
the file, chunk by chunk, and hands the validated chunks over a small queue (memory stays
flat: at most a few chunks are in flight). The database is touched by this process only, in
its one transaction per file, so all-or-nothing per file holds as before.

Workers fork from a server process that has imported the validation code once, so a worker
starts in milliseconds and never inherits this process's threads or connections.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
from collections.abc import Iterator
from pathlib import Path

from shukko.intake.columns import UnreadableFile
from shukko.intake.validation import ValidatedChunk, validated_chunks

PARALLEL_FROM_BYTES = 2 << 20  # smaller files are read here: a worker would not pay off
CHUNKS_IN_FLIGHT = 4
_POLL_SECONDS = 1.0


class WorkerFailed(RuntimeError):
    """The validating process stopped without finishing the file."""


def worth_a_worker(path: Path) -> bool:
    """Whether a second process would speed this file up."""
    return (os.cpu_count() or 1) > 1 and path.stat().st_size >= PARALLEL_FROM_BYTES


def validated_in_worker(path: Path, chunk_rows: int) -> Iterator[ValidatedChunk]:
    """The file's validated chunks, as `validated_chunks` gives them, from a worker process;
    validated here instead when no worker could start (e.g. the program's main script
    starts work at import, which a new process cannot import safely).

    Raises UnreadableFile when the file turns out unreadable midway, WorkerFailed when the
    worker dies after handing chunks over; leaving the loop early stops the worker.
    """
    started = False
    try:
        for chunk in _from_worker(path, chunk_rows):
            started = True
            yield chunk
    except WorkerFailed:
        if started:
            raise
        yield from validated_chunks(path, chunk_rows)


def _from_worker(path: Path, chunk_rows: int) -> Iterator[ValidatedChunk]:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", __name__])
    handoff = context.Queue(maxsize=CHUNKS_IN_FLIGHT)
    worker = context.Process(
        target=_validate_file,
        args=(str(path), chunk_rows, handoff, os.getpid()),
        name=f"shukko-intake-{path.name}",
        daemon=True,
    )
    worker.start()
    try:
        while True:
            try:
                kind, payload = handoff.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not worker.is_alive():
                    raise WorkerFailed(
                        f"the validating process stopped (exit code {worker.exitcode})"
                    ) from None
                continue
            if kind == "chunk":
                yield payload
            elif kind == "done":
                return
            elif kind == "unreadable":
                raise UnreadableFile(payload)
            else:
                raise WorkerFailed(payload)
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        handoff.close()
        handoff.join_thread()


def _validate_file(path: str, chunk_rows: int, handoff, parent_pid: int) -> None:
    """The worker: validate the file and hand each chunk over; say how it ended."""
    # The chunks are acyclic and freed by reference counting: the cyclic collector would
    # walk every live object again and again for nothing (it costs a third of the time).
    gc.disable()

    def hand_over(item) -> None:
        while True:
            try:
                handoff.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                if not _alive(parent_pid):  # the importing process is gone: stop
                    raise SystemExit(1) from None

    try:
        for number, chunk in enumerate(validated_chunks(Path(path), chunk_rows), start=1):
            hand_over(("chunk", chunk))
            if number % 50 == 0:
                gc.collect()  # what reference counting missed (e.g. exception frames)
        hand_over(("done", None))
    except UnreadableFile as exc:
        hand_over(("unreadable", str(exc)))
    except Exception as exc:  # reported to the importing process, which fails the file
        hand_over(("failed", f"validating failed: {type(exc).__name__}: {exc}"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
