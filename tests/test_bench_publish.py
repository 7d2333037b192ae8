"""bench/bench_publish.py's verdicts on issue 20's targets, from made-up figures."""

from conftest import load_script


def bench():
    return load_script("bench/bench_publish.py")


def step(build, gates, push, failed=None, peak_mb=700):
    """A step's figures as a worker prints them (gate lines are not added to the total)."""
    return {
        "phases": {"build": build, "gate html": 99.0, "gates (all)": gates, "push": push},
        "failed": failed or {},
        "peak_mb": peak_mb,
    }


def test_the_targets_are_judged_on_each_step_s_whole_wait():
    module = bench()
    steps = {
        "p": step(300, 120, 12, peak_mb=1400),
        "q": step(3, 1.5, 0.5),  # 5 s of 20 s: 0.25×, met
        "r": step(4, 2, 0.5),
        "s": step(8, 4, 1, failed={"html": ["news/1/index.html:3: bad"]}),
    }
    lines = module.targets(20000, {"seconds": 20.0}, steps)
    assert lines[0] == "(q) 0.25× plain, target ≤ 0.25×: met"
    assert lines[1] == "(r) 0.33× plain, target ≤ 0.25×: not met"
    assert lines[2].endswith("not met")
    assert lines[3] == "(p) 21.60× plain and 1400 MB, target (at 20,000) ≤ 3× and ≤ 1.5 GB: not met"
    assert lines[4] == "every story passed every gate: no, in (s)"
    steps["p"] = step(40, 15, 5, peak_mb=1400)
    steps["s"] = step(3, 1, 1)
    lines = module.targets(5000, {"seconds": 20.0}, steps)
    assert lines[3].startswith("(p) 3.00× plain and 1400 MB")
    assert lines[3].endswith(": met (here at 5,000)")
    assert lines[4] == "every story passed every gate: yes"
