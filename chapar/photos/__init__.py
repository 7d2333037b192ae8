"""News photos (SPEC section 8): found under ``content/images/``, processed
once into widths and formats kept in ``cache/``, and placed in pages.

No Pelican here: ``plugins/chapar_photos`` wires it to the build.
"""
