"""統計: the Center's statistics for a fiscal year (report) and their files (Markdown,
CSV, XLSX, PNG)."""
