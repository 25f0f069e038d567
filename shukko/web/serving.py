"""Serving the web worklist: the log it writes and the application each worker process builds
(the web command's workers: N processes under uvicorn; sessions are rows in the database,
so any worker serves any request).

The log: uvicorn's access lines and shukko's own (the shukko loggers at INFO) on stderr. Prefect
configures logging once per process when it is first imported — the flows page imports it —
and that replaced uvicorn's handlers: the log went silent for the rest of the process. So
Prefect is imported first and our configuration applied after it, in every worker."""

from __future__ import annotations

import logging.config
import os
from copy import deepcopy

SHUKKO_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_config() -> dict:
    """uvicorn's own configuration, with shukko's loggers beside it."""
    from uvicorn.config import LOGGING_CONFIG

    config = deepcopy(LOGGING_CONFIG)
    config["disable_existing_loggers"] = False
    config["formatters"]["shukko"] = {"format": SHUKKO_FORMAT}
    config["handlers"]["shukko"] = {
        "class": "logging.StreamHandler",
        "formatter": "shukko",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["shukko"] = {"handlers": ["shukko"], "level": "INFO", "propagate": False}
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        config["loggers"].setdefault(name, {})["level"] = "INFO"
    return config


def configure_logging() -> None:
    """Prefect's one-time setup first, then ours over it (see the module's docstring)."""
    from shukko.service.flow_runs import load_prefect

    load_prefect()  # its import configures logging; ours must come after
    logging.config.dictConfig(log_config())


def default_workers() -> int:
    """One worker process per core: the pages are rendered in Python, one core each."""
    return max(1, os.cpu_count() or 1)


def served_app():
    """The application of one worker process (uvicorn's factory): the settings from the
    environment (the web command puts its business day there as SHUKKO_WEB_AS_OF), logging
    as above."""
    from config import get_settings
    from shukko.service.database import current_engine
    from shukko.web.app import create_app

    configure_logging()
    get_settings.cache_clear()  # read now: the web command may have set SHUKKO_WEB_AS_OF
    settings = get_settings()
    return create_app(settings, engine=current_engine(settings), as_of=settings.web_as_of)
