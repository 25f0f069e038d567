"""Documents as blocks (Markdown and A4 PDF from the same blocks), and CSV/XLSX exports
safe from formula injection."""
