"""engine/ stays free of the web layer."""

from __future__ import annotations

import ast

from engine.settings import ROOT


def test_engine_never_imports_flask():
    offenders = []
    for path in (ROOT / "engine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in {"flask", "app"}]
    assert offenders == []
