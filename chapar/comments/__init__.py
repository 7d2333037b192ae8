"""Readers' comment files and threads: read, composed, rendered, and the build's comment pass."""
