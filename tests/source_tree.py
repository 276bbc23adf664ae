"""The first-party source tree as the architecture tests see it: every module, the app it
belongs to, and the imports it makes (module level and inside functions alike; only
`if TYPE_CHECKING:` blocks are left out, since they never run)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (folder, dotted prefix): platform/ is on sys.path itself; the others from the repo root.
SOURCE_ROOTS = [
    (ROOT / "platform", ""),
    (ROOT / "journal", "journal"),
    (ROOT / "tenants", "tenants"),
    (ROOT / "billing_free_check", "billing_free_check"),
]
# Not apps, but first-party code all the same (the private-import rule covers them).
OTHER_ROOTS = [(ROOT / "tests", "tests"), (ROOT / "bench", "bench"), (ROOT / "infra", "infra")]


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the first-party module imported (the longest existing prefix)
    names: tuple[str, ...]  # for `from x import a, b`: the names; () for `import x`
    line: int


def modules(*, everything: bool = False) -> dict[str, Path]:
    """The apps' modules; with `everything`, tests, benchmarks and infra scripts too."""
    found: dict[str, Path] = {}
    for folder, prefix in SOURCE_ROOTS + (OTHER_ROOTS if everything else []):
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if "migrations" in parts or parts == ["manage"]:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join(([prefix] if prefix else []) + parts)
            if name:
                found[name] = path
    return found


def app_of(module: str) -> str:
    """platform/<app>, journal/<app> (a package), tenants, billing_free_check; a plain
    module of the journal package (journal.access, journal.base, journal.urls) is its own."""
    parts = module.split(".")
    if parts[0] == "journal" and len(parts) > 1:
        return f"journal.{parts[1]}"
    return parts[0]


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(inner) for inner in ast.walk(child))
    return skipped


def _parsed(*, everything: bool = False) -> Iterator[tuple[str, Path, ast.AST, set[int]]]:
    for name, path in modules(everything=everything).items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        yield name, path, tree, _type_checking_nodes(tree)


def _source(name: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` reads from (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    parts = package.split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def from_imports() -> Iterator[Import]:
    """Every `from x import name` in all first-party code (tests too), whatever x is."""
    for name, path, tree, _ in _parsed(everything=True):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    yield Import(
                        module=name,
                        target=_source(name, path, node),
                        names=(alias.name,),
                        line=node.lineno,
                    )


def imports() -> Iterator[Import]:
    """First-party imports, each resolved to the module it loads."""
    known = modules()
    for name, path, tree, skipped in _parsed():
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            pairs: list[tuple[str, tuple[str, ...]]]
            if isinstance(node, ast.Import):
                pairs = [(alias.name, ()) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _source(name, path, node)
                # `from pkg import module` depends on that module, not only on pkg.
                pairs = [
                    (f"{source}.{a.name}" if f"{source}.{a.name}" in known else source, (a.name,))
                    for a in node.names
                ]
            else:
                continue
            for target, names in pairs:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target:
                    yield Import(module=name, target=target, names=names, line=node.lineno)
