"""Prefect flows (flows/): thin orchestration over the plain functions in shukko/.

Flows import Prefect; nothing outside this package does, so operator commands stay fast.
Importing this package first points Prefect at the project-local home (SHUKKO_HOME/prefect)
unless PREFECT_HOME is set.
"""

import os

from config.settings import use_project_prefect_home

use_project_prefect_home()
# No telemetry from a public agency's system (and Prefect's telemetry write into its own
# SQLite database is what logs "database is locked" when a temporary server starts).
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# A temporary server on a fresh home first builds Prefect's own database: on a small or busy
# machine that takes longer than Prefect's 20 s, and the first flow run failed with "Timed
# out while attempting to connect to ephemeral Prefect API server" (seen on two cores).
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
