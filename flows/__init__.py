"""Prefect flows (flows/): thin orchestration over the plain functions in shukko/.

Flows import Prefect; nothing outside this package does, so operator commands stay fast.
"""
