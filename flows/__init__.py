"""Prefect flows (flows/): thin orchestration over the plain functions in shukko/.

Flows import Prefect; nothing outside this package does, so operator commands stay fast.
Importing this package sets nothing: a process that runs flows calls
`config.settings.prepare_prefect()` where it starts (the CLI's flow commands, the web's flows
page, the tests, the benchmarks), and a work pool's flow runs get the same environment from
their deployment's job variables.
"""
