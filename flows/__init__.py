"""Prefect flows (flows/): thin orchestration over the plain functions in shukko/.

Flows import Prefect; nothing outside this package does, so operator commands stay fast.
Importing this package first points Prefect at the project-local home (SHUKKO_HOME/prefect)
unless PREFECT_HOME is set.
"""

from config.settings import use_project_prefect_home

use_project_prefect_home()
