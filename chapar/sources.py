"""Digests of source trees, for the caches that must notice a change of code
(the page cache's site key, the kept award objects).
"""

import hashlib
import os


def update_with_tree(h, folder, suffixes=None, follow_links=False):
    """Feed ``h`` (a hashlib object) each file under ``folder`` whose name ends
    with one of ``suffixes`` (all files when None), in a fixed order: its path
    relative to ``folder``, then a digest of its bytes.  ``__pycache__`` is skipped.
    """
    for root, dirs, files in os.walk(folder, followlinks=follow_links):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if suffixes is not None and not name.endswith(suffixes):
                continue
            path = os.path.join(root, name)
            h.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as handle:
                h.update(hashlib.blake2b(handle.read(), digest_size=16).digest())
