"""Dependencies run one way: projects ← workflow ← notifications, reports reads them, and demo and
bench may use everything while nothing uses them."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("kfq", "projects", "workflow", "notifications", "reports")


def _imported(package: str) -> list[tuple[str, str]]:
    """(file, top-level package) for every absolute import in the package's source."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            relative = str(path.relative_to(ROOT))
            found += [(relative, module.split(".")[0]) for module in modules]
    return found


def test_projects_imports_neither_workflow_nor_demo():
    assert [hit for hit in _imported("projects") if hit[1] in {"workflow", "demo"}] == []


def test_no_app_imports_demo_or_bench():
    offenders = [hit for app in APPS for hit in _imported(app) if hit[1] in {"demo", "bench"}]

    assert offenders == []


def test_the_import_check_sees_the_imports_it_looks_for():
    assert ("demo/writer.py", "workflow") in _imported("demo")
    assert ("demo/management/commands/seed_demo.py", "demo") in _imported("demo")
