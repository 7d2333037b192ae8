"""The layout README.md's Architecture section describes: which way imports go.

The libraries in chapar/ import no Pelican, so the intake service and the
tools load them without loading a build; plugins/ holds only Pelican plugins,
named so that no ``pelican.plugins.*`` package can shadow them.
"""

import ast
import subprocess
import sys

import pytest

import pelicanconf
from conftest import ROOT

LIBRARIES = [
    "chapar.persian",
    "chapar.news",
    "chapar.comments",
    "chapar.moderation",
    "chapar.awards",
    "chapar.search",
    "chapar.intake",
]


def modules(package):
    folder = ROOT / package.replace(".", "/")
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("package", LIBRARIES)
def test_a_library_imports_no_pelican(package):
    names = [m for m in modules(package) if not m.endswith("__main__")]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pelican', 'chapar_persian', "
        "'chapar_comments', 'chapar_awards', 'chapar_search', 'chapar_safe_build'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"{package} loads {result.stdout.strip()}"


def test_no_library_imports_a_plugin():
    for path in (ROOT / "chapar").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("chapar_"), f"{path}: imports {node.module}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("chapar_"), f"{path}: imports {alias.name}"


def test_plugins_holds_only_pelican_plugins_with_unshadowable_names():
    local = sorted(p.parent.name for p in (ROOT / "plugins").glob("*/__init__.py"))
    assert local
    assert all(name.startswith("chapar_") for name in local)
    for name in local:
        assert (
            (ROOT / "plugins" / name / "__init__.py")
            .read_text(encoding="utf-8")
            .count("def register(")
        )
    enabled = [p for p in pelicanconf.PLUGINS if not p.startswith("pelican.plugins.")]
    assert sorted(enabled) == local  # every local plugin is enabled, and only these
