"""The core stays pure: domain, rules and stats import only what the house style allows."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "specialmeasures"

ALLOWED = {
    "domain": {"specialmeasures.domain"},
    "rules": {
        "specialmeasures.domain",
        "specialmeasures.rules",
        "specialmeasures.policy",
        "yaml",
        "jsonschema",
        "numpy",
    },
    "stats": {"specialmeasures.stats", "specialmeasures.domain.errors", "numpy", "scipy"},
    "demo": {"specialmeasures.demo", "specialmeasures.domain", "numpy"},
    # Reports draw what services return (DESIGN: web, cli, reports -> services); they never
    # reach the store, the web or the command line.
    "reports": {
        "specialmeasures.reports",
        "specialmeasures.interventions",
        "specialmeasures.evaluation",
        "specialmeasures.monitoring",
        "specialmeasures.register",
        "specialmeasures.regime",
    },
}
#: Optional adapters that may reach further, imported lazily by their callers.
ADAPTERS = {
    "stats/frames.py": {"pandas"},
    "reports/charts.py": {"matplotlib"},
    "reports/pack_pdf.py": {"fpdf"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def allowed(module: str, rules: set[str]) -> bool:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return any(module == r or module.startswith(r + ".") or top == r for r in rules)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    bad: list[str] = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        rules = ALLOWED[layer] | ADAPTERS.get(rel, set())
        bad += [f"{rel}: {m}" for m in sorted(imports_of(path)) if not allowed(m, rules)]
    assert bad == []


def test_the_core_reads_no_clock_or_environment() -> None:
    offenders: list[str] = []
    for layer in ("domain", "rules", "stats"):
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            source = path.read_text()
            for needle in (
                "date.today(",
                "datetime.now(",
                "datetime.utcnow(",
                "os.environ",
                "time.time(",
            ):
                if needle in source:
                    offenders.append(f"{path.relative_to(PACKAGE)}: {needle}")
    assert offenders == []


def test_nothing_builds_an_engine_or_settings_at_import_time() -> None:
    offenders: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
                func = node.value.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in {
                    "create_engine",
                    "open_engine",
                    "bootstrap",
                    "Settings",
                    "from_env",
                    "create_app",
                }:
                    offenders.append(f"{path.relative_to(PACKAGE)}: {name}()")
    assert offenders == []
