"""Reading and validating large files in a second process while this one stores.

Validation and storing each take about half of an import's time and Python runs one of
them at a time, so on a machine with two or more cores a worker process reads and validates
the run's large files, one after the other and chunk by chunk, and hands the validated chunks
over a small queue (memory stays flat: at most a few chunks are in flight). The worker goes on
to the next file while this process stores the last chunks of the previous one.

The database is touched by this process only, in its one transaction per file, so
all-or-nothing per file holds as before. When no worker can run (one core, or the program's
main script starts work at import, which a new process cannot import safely) or the worker
dies before handing a file over, the file is validated here instead.

The worker is forked straight from this process when it runs a single thread, and from a
fork server otherwise (see _start_method), so it starts quickly and never inherits a lock
another thread holds. It touches no connection.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

from shukko.intake.columns import UnreadableFile
from shukko.intake.validation import CHUNK_ROWS, ValidatedChunk, validated_chunks

PARALLEL_FROM_BYTES = 1 << 20  # smaller files are validated here: a worker would not pay off
CHUNKS_IN_FLIGHT = 4
_POLL_SECONDS = 1.0


class WorkerFailed(RuntimeError):
    """The validating process stopped in the middle of a file."""


def worth_a_worker(path: Path) -> bool:
    """Whether validating this file in a second process would speed its import up."""
    return (os.cpu_count() or 1) > 1 and path.stat().st_size >= PARALLEL_FROM_BYTES


class ValidationWorker:
    """A process validating the given files in order, ahead of the storing.

    Ask for each file's chunks with `chunks(path)` in the same order; a file whose chunks
    are not all taken (its storing failed) is passed over.
    """

    def __init__(self, paths: list[Path], chunk_rows: int = CHUNK_ROWS):
        self.paths = [Path(p) for p in paths]
        self.chunk_rows = chunk_rows
        self._position = 0  # the index of the file whose messages come next
        self._process = None
        if self.paths:
            context = multiprocessing.get_context(_start_method())
            self._handoff = context.Queue(maxsize=CHUNKS_IN_FLIGHT)
            self._process = context.Process(
                target=_validate_files,
                args=([str(p) for p in self.paths], chunk_rows, self._handoff, os.getpid()),
                name="shukko-intake-validation",
                daemon=True,
            )
            self._process.start()

    def __enter__(self) -> ValidationWorker:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker (if it is still at work) and release the queue."""
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._handoff.close()
        self._handoff.join_thread()
        self._process = None

    def handles(self, path: Path) -> bool:
        return self._process is not None and Path(path) in self.paths[self._position :]

    def chunks(self, path: Path) -> Iterator[ValidatedChunk]:
        """The validated chunks of `path` (as `validated_chunks` gives them); validated here
        when the worker stopped before handing any of it over. Raises UnreadableFile when the
        file turns out unreadable midway, WorkerFailed when the worker dies in the middle."""
        index = self.paths.index(Path(path), self._position)
        handed_over = False
        try:
            for chunk in self._chunks_of(index):
                handed_over = True
                yield chunk
        except WorkerFailed:
            if handed_over:
                raise
            yield from validated_chunks(path, self.chunk_rows)

    def _chunks_of(self, index: int) -> Iterator[ValidatedChunk]:
        while True:
            file_index, kind, payload = self._next_message()
            if file_index < index:
                continue  # the rest of a file passed over
            if kind == "chunk":
                yield payload
                continue
            self._position = index + 1
            if kind == "done":
                return
            if kind == "unreadable":
                raise UnreadableFile(payload)
            raise WorkerFailed(payload)

    def _next_message(self) -> tuple[int, str, object]:
        if self._process is None:
            raise WorkerFailed("the validating process is not running")
        while True:
            try:
                return self._handoff.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not self._process.is_alive():
                    exit_code = self._process.exitcode
                    self.close()  # the files left are validated here
                    raise WorkerFailed(
                        f"the validating process stopped (exit code {exit_code})"
                    ) from None


def _validate_files(paths: list[str], chunk_rows: int, handoff, parent_pid: int) -> None:
    """The worker: validate each file, hand its chunks over, and say how each one ended."""
    # The chunks are acyclic and freed by reference counting: the cyclic collector would
    # walk every live object again and again for nothing (a third of the time).
    gc.disable()

    def hand_over(item) -> None:
        while True:
            try:
                handoff.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                if not _alive(parent_pid):  # the importing process is gone: stop
                    raise SystemExit(1) from None

    for index, path in enumerate(paths):
        try:
            for chunk in validated_chunks(Path(path), chunk_rows):
                hand_over((index, "chunk", chunk))
                gc.collect(0)  # what reference counting missed (e.g. exception frames)
            hand_over((index, "done", None))
        except UnreadableFile as exc:
            hand_over((index, "unreadable", str(exc)))
        except Exception as exc:  # reported to the importing process, which fails the file
            hand_over((index, "failed", f"validating failed: {type(exc).__name__}: {exc}"))


def _start_method() -> str:
    """fork while this process runs a single thread (the CLI, a script): instant, and
    safe then. With other threads about (a Prefect flow run), a forked child could inherit a
    lock one of them holds, so the worker comes from a fork server, which has imported the
    program's main module and this one once."""
    if threading.active_count() == 1:
        return "fork"
    multiprocessing.set_forkserver_preload(["__main__", __name__])
    return "forkserver"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
