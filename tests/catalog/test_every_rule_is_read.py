"""A rule of the regulation that nothing reads is a promise the journal does not keep
(TPL-1, issue 10): every key of the rules JSON schema must be read by first-party code
outside the catalogue and have a test that shows its effect switch.

"Read" means the code outside `platform/catalog` names the `Rules` attribute
(`rules.homework_deadline_hours`, `current_rules().correction`), or calls a method of
`Rules` that reads it (`rules.mark_deadline_days(...)` reads
`written_work_mark_deadline_days` and `work_kinds`). "Shown" means a test function in
`tests/journal/test_rule_effects.py` names the rule.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

from catalog.rules import Rules
from catalog.schema import RULE_KEYS

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("journal", "platform", "tenants", "billing_free_check")
EFFECT_TESTS = ROOT / "tests" / "journal" / "test_rule_effects.py"


def _first_party_sources() -> dict[Path, str]:
    sources = {}
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith("platform/catalog/") or "/migrations/" in relative:
                continue
            sources[path] = path.read_text(encoding="utf-8")
    return sources


def _methods_reading() -> dict[str, set[str]]:
    """Each method of `Rules` → the rule attributes it reads through `self`."""
    tree = ast.parse((ROOT / "platform" / "catalog" / "rules.py").read_text(encoding="utf-8"))
    rules_class = next(
        n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == Rules.__name__
    )
    reads: dict[str, set[str]] = {}
    for node in rules_class.body:
        if isinstance(node, ast.FunctionDef):
            reads[node.name] = {
                a.attr
                for a in ast.walk(node)
                if isinstance(a, ast.Attribute)
                and isinstance(a.value, ast.Name)
                and a.value.id == "self"
            }
    # A method calling another method reads what that one reads.
    changed = True
    while changed:
        changed = False
        for attrs in reads.values():
            for other in list(attrs & set(reads)):
                if not reads[other] <= attrs:
                    attrs |= reads[other]
                    changed = True
    return reads


def unread_rules(keys: Iterable[str], sources: dict[Path, str]) -> list[str]:
    """The keys no first-party code outside the catalogue reads."""
    text = "\n".join(sources.values())

    def named(attribute: str) -> bool:
        return re.search(rf"\.{re.escape(attribute)}\b", text) is not None

    read = {key for key in keys if named(key)}
    for method, attributes in _methods_reading().items():
        if named(method):
            read |= attributes
    return sorted(set(keys) - read)


def untested_rules(keys: Iterable[str]) -> list[str]:
    """The keys no test function of the effects file names."""
    tree = ast.parse(EFFECT_TESTS.read_text(encoding="utf-8"))
    source = EFFECT_TESTS.read_text(encoding="utf-8")
    tests = [
        ast.get_source_segment(source, node) or ""
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]
    return sorted(k for k in keys if not any(re.search(rf"\b{k}\b", t) for t in tests))


def test_every_rule_of_the_schema_is_read_by_the_journal() -> None:
    assert unread_rules(RULE_KEYS, _first_party_sources()) == []


def test_every_rule_has_a_test_of_its_effect() -> None:
    assert untested_rules(RULE_KEYS) == []


def test_a_rule_nobody_reads_fails_the_guard() -> None:
    """The guard itself: a key the schema would name but no code reads is reported."""
    sources = _first_party_sources()
    assert unread_rules([*RULE_KEYS, "bonus_marks_per_olympiad"], sources) == [
        "bonus_marks_per_olympiad"
    ]
    assert untested_rules(["bonus_marks_per_olympiad"]) == ["bonus_marks_per_olympiad"]
    # Read only through a method of Rules still counts: the method must be called outside.
    without_methods = {p: re.sub(r"\.mark_deadline_days\(", ".x(", s) for p, s in sources.items()}
    assert "written_work_mark_deadline_days" in unread_rules(RULE_KEYS, without_methods)
