"""Dependencies point one way (docs/ARCHITECTURE.md): scripts/check-architecture finds no app-level import
cycle, no private name taken from another module, no models module importing services, and no import inside
a function without a comment naming the cycle it breaks."""

import importlib.machinery
import importlib.util
from fnmatch import fnmatch
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check-architecture"

# Findings that other parts of issue 13 are still removing, as shell patterns over "kind:key" (fnmatch). Each
# names who removes it; the list only shrinks, and an entry that matches nothing any more fails the test.
ALLOWED = {}


def _allowed(finding):
    return any(fnmatch(f"{finding.kind}:{finding.key}", pattern) for pattern in ALLOWED)


def _checker():
    loader = importlib.machinery.SourceFileLoader("check_architecture", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def findings():
    found, _edges = _checker().scan()
    return found


def test_nothing_is_reported(findings):
    reported = [finding for finding in findings if not _allowed(finding)]
    assert not reported, "\n" + "\n".join(str(finding) for finding in reported)


def test_the_allow_list_holds_no_stale_entry(findings):
    stale = [pattern for pattern in ALLOWED if not any(fnmatch(f"{f.kind}:{f.key}", pattern) for f in findings)]
    assert not stale, f"remove from ALLOWED, fixed: {stale}"


def test_the_checker_sees_what_it_must(tmp_path):
    """A small project with one of each fault: the checker reports every one, and nothing else."""
    for app in ("alpha", "beta", "gamma", "delta"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
        (tmp_path / app / "apps.py").write_text("")
    (tmp_path / "alpha" / "models.py").write_text("from alpha import services\n")
    (tmp_path / "alpha" / "services.py").write_text(
        "from beta.tools import _hidden\n"
        "\n"
        "\n"
        "def work():\n"
        "    # cycle: beta → alpha (beta.tools imports alpha.services)\n"
        "    from beta import tools\n"
        "\n"
        "    return tools._inner(), tools.__name__\n"
        "\n"
        "\n"
        "def render():\n"
        "    import weasyprint  # lazy: needs system libraries\n"
        "    import json\n"
        "\n"
        "    return weasyprint, json\n"
    )
    (tmp_path / "beta" / "tools.py").write_text(
        "from alpha import services\n"
        "\n"
        "\n"
        "def helper():\n"
        "    from alpha import models  # lazy: not a reason inside the project\n"
        "\n"
        "    return services, models\n"
        "\n"
        "\n"
        "def _hidden():\n"
        "    pass\n"
    )
    # A longer loop, one edge of it a literal import_module(): gamma → delta → alpha → gamma.
    (tmp_path / "gamma" / "nav.py").write_text("from importlib import import_module\n\nimport_module('delta.menu')\n")
    (tmp_path / "delta" / "menu.py").write_text("import alpha.models\n")
    (tmp_path / "alpha" / "views.py").write_text(
        "from gamma import nav\n"
        "\n"
        "\n"
        "def page():\n"
        "    # cycle: claimed, but no module-level import of alpha.models leads back here\n"
        "    from alpha import models\n"
        "\n"
        "    return nav, models\n"
    )
    # Tests sit above everything: an import inside a test is not reported.
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("def test_x():\n    from alpha import services\n")
    found, _edges = _checker().scan(tmp_path)
    by_kind = {}
    for finding in found:
        by_kind.setdefault(finding.kind, []).append(finding.key)
    assert by_kind == {
        "cycle": ["alpha<->beta", "alpha->gamma->delta->alpha"],
        "private": ["alpha/services.py:_hidden", "alpha/services.py:_inner"],
        "models": ["alpha/models.py:alpha.services"],
        "local-import": ["alpha/services.py:13", "alpha/views.py:6", "beta/tools.py:5"],
    }
