"""What a CI run does, from what the push changed (the README's "CI" section).

A push that changes only ``content/`` or ``data/`` (a story, a comment, an
award table) is checked and published: the build's validation and the
publish gates are its tests, so a breaking story is live in a minute.  A push
that changes anything else (code, theme, settings, tests, requirements) runs
the whole test suite first.  A scheduled run publishes without testing: it
rebuilds the same commit so that scheduled news go live on time, and pushes
nothing when the site did not change.

Prints ``tests=true|false`` and ``publish=true`` for ``$GITHUB_OUTPUT``::

    python3 .ci/plan.py --event push --before <sha> --after <sha>
"""

import argparse
import subprocess
import sys

CONTENT_ONLY = ("content/", "data/")
NO_COMMIT = "0" * 40  # the "before" of a push that created the branch


def needs_tests(event, changed):
    """``changed``: the paths the push changed, or None when unknown."""
    if event == "schedule":
        return False
    if event != "push" or changed is None or not changed:
        return True  # a manual run, or a push whose changes cannot be told: test
    return not all(path.startswith(CONTENT_ONLY) for path in changed)


def changed_paths(before, after, repo="."):
    """The paths changed between two commits, or None when git cannot tell
    (a new branch, a force-push over history this clone does not have).
    """
    if not before or before == NO_COMMIT:
        return None
    run = subprocess.run(
        ["git", "diff", "--name-only", "--no-renames", before, after],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        return None
    return [line for line in run.stdout.splitlines() if line]


def main(argv=None):
    """Print the plan for the event and the pushed range given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--event", required=True, help="github.event_name")
    parser.add_argument("--before", default="", help="github.event.before (push)")
    parser.add_argument("--after", default="HEAD", help="github.sha")
    args = parser.parse_args(argv)
    changed = changed_paths(args.before, args.after) if args.event == "push" else None
    tests = needs_tests(args.event, changed)
    print(f"tests={'true' if tests else 'false'}")
    print("publish=true")
    if changed is not None:
        print(
            f"changed {len(changed)} path(s); tests {'needed' if tests else 'not needed'}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
