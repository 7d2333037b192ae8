"""Application: a Pelican build into a staging folder, swapped in only when no error was logged."""
