"""News item files without Pelican: NewsCodes, header keys and lines, new and scheduled items."""
