"""No module imports a name beginning with `_` from another module (issue #9).

A leading underscore says "this module's own business": a helper two modules need is
made public, or moved where both can import it. Checked over all first-party code
(apps, tests, benchmarks, infra scripts) with `ast`. `from __future__ import ...`,
dunder names (`__version__`) and a bare `_` are not private names.
"""

from __future__ import annotations

from tests.source_tree import from_imports


def _is_private(name: str) -> bool:
    if name == "_" or (name.startswith("__") and name.endswith("__")):
        return False
    return name.startswith("_")


def test_the_rule_itself() -> None:
    assert _is_private("_int_param")
    assert _is_private("__mangled")
    assert not _is_private("__version__")
    assert not _is_private("_")
    assert not _is_private("public_name")


def _violations() -> dict[str, str]:
    """'importer: source.name' -> where (module:line)."""
    return {
        f"{imp.module}: {imp.target}.{imp.names[0]}": f"{imp.module}:{imp.line}"
        for imp in from_imports()
        if imp.target != "__future__" and _is_private(imp.names[0])
    }


def test_no_module_imports_a_private_name() -> None:
    found = sorted(f"{where} {key}" for key, where in _violations().items())
    assert not found, "private names imported from another module:\n" + "\n".join(found)
