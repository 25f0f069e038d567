"""Retries where they help: a stage's task is tried again, with backoff, when it failed on a
transient database error (shukko.service.transient), never on bad input or a bug. Prefect
logs each retry in the run ("Retry 1/3 will start 2 second(s) from now")."""

from __future__ import annotations

from prefect.cache_policies import NO_CACHE

from shukko.service.transient import is_transient


def retry_on_transient(_task, _task_run, state) -> bool:
    exception = state.result(raise_on_failure=False)
    return isinstance(exception, BaseException) and is_transient(exception)


# The options of every stage's working task: the work is idempotent, so a retry is safe.
STAGE_TASK = {
    "cache_policy": NO_CACHE,
    "retries": 3,
    "retry_delay_seconds": [2, 10, 30],
    "retry_condition_fn": retry_on_transient,
}
