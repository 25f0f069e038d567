"""助成金と通知文: the subsidy programmes and their rules (programmes), SME limits, the
notices and claims written to companies, wages after return, letters and their numbers."""
