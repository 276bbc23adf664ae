"""The house rules of the school's web layer (issue #9), read from the source with `ast`:

- no module of journal/web is longer than 400 lines, and none is a "more" file;
- no first-party module imports a private name (`from x import _y`) of another module;
- no view module (one that declares pages with `school_page`) touches `.objects`: pages
  load through selectors that take `for_user`;
- every function a view module decorates is declared with `school_page(roles=...)`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "journal" / "web"
FIRST_PARTY = [ROOT / "journal", ROOT / "platform", ROOT / "tenants", ROOT / "billing_free_check"]
MAX_LINES = 400


def modules(*roots: Path) -> list[Path]:
    return sorted(
        p
        for root in roots
        for p in root.rglob("*.py")
        if "migrations" not in p.relative_to(root).parts
    )


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def is_view_module(module: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "journal.web.pages"
        and any(alias.name == "school_page" for alias in node.names)
        for node in ast.walk(module)
    )


def test_web_modules_are_short_and_by_topic() -> None:
    checked = modules(WEB)
    assert len(checked) > 20
    for path in checked:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= MAX_LINES, f"{path.relative_to(ROOT)}: {lines} lines"
    for path in WEB.rglob("*"):
        assert "more" not in path.name, path.relative_to(ROOT)


def test_no_module_imports_a_private_name() -> None:
    found = []
    for path in modules(*FIRST_PARTY):
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                found += [
                    f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert found == []


def test_views_load_nothing_through_objects() -> None:
    view_modules = [p for p in modules(WEB) if is_view_module(tree(p))]
    assert len(view_modules) >= 10
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in view_modules
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    assert found == []


def decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")


def test_every_decorated_view_is_a_declared_page() -> None:
    pages = 0
    for path in modules(WEB):
        module = tree(path)
        if not is_view_module(module):
            continue
        for node in module.body:
            if isinstance(node, ast.FunctionDef) and node.decorator_list:
                names = [decorator_name(d) for d in node.decorator_list]
                assert names == ["school_page"], f"{path.relative_to(ROOT)}: {node.name}"
                call = node.decorator_list[0]
                assert isinstance(call, ast.Call)
                assert {k.arg for k in call.keywords} >= {"roles"}, node.name
                pages += 1
    assert pages >= 38
