"""Intake of the offices' offer files (INTAKE_FORMAT.md): read, validate, store, never lose."""
