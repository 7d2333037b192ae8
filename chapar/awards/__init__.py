"""Award CSVs read, validated and turned into page records, charts and open data."""
