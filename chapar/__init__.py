"""Chapar's Python code: libraries that know nothing of Pelican (persian, news,
comments, moderation, awards, search) and the applications on top of them
(build, intake, publishing, checks, cli); README.md, Layout, draws the layers.
"""
