"""Where the award tables are: named here once, for the checks and for the
kept objects (:mod:`chapar.awards.kept`), without importing pandas.
"""

import glob
import os


def award_files(folder):
    """``awards.csv`` and every ``awards-*.csv``, in name order."""
    main = os.path.join(folder, "awards.csv")
    extra = sorted(glob.glob(os.path.join(folder, "awards-*.csv")))
    return ([main] if os.path.exists(main) else []) + extra


def table_paths(folder):
    """``agencies.csv``, ``festivals.csv`` and :func:`award_files`, as paths in ``folder``."""
    return [
        os.path.join(folder, "agencies.csv"),
        os.path.join(folder, "festivals.csv"),
        *award_files(folder),
    ]
