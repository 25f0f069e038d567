"""The demo year (shukko demo): a fiscal year of the Center's work, simulated day by day
through the same functions the flows run."""
