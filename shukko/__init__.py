"""shukko: plain domain logic (no Prefect imports), shared by the CLI and the flows."""
