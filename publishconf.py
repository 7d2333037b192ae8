# Chapar: settings for publishing.  Plain declarations over pelicanconf.py;
# SITEURL may be overridden by the SITEURL environment variable (tasks.py).
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = "https://chapar.example.ir"
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
