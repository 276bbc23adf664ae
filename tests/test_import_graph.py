"""No import cycle between apps (issue #9): an app may build on another, never both ways.

Apps: platform/<app> (config counted too), journal/<app>, tenants, billing_free_check;
a plain module of the journal package (journal.access, journal.base, journal.urls) is a
node of its own. An import inside a function is a dependency like any other; only
`if TYPE_CHECKING:` blocks are left out. The graph comes from `ast`, not from importing.

`KNOWN_CYCLE_EDGES` would list a dependency that still closes a cycle, with the way out;
it is empty, and the test fails on an entry that no longer exists, so it stays short.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from tests.source_tree import Import, app_of, imports

KNOWN_CYCLE_EDGES: dict[tuple[str, str], str] = {}


def _graph() -> dict[tuple[str, str], list[Import]]:
    edges: dict[tuple[str, str], list[Import]] = defaultdict(list)
    for imp in imports():
        source, target = app_of(imp.module), app_of(imp.target)
        if source != target:
            edges[(source, target)].append(imp)
    return edges


def _find_cycle(edges: set[tuple[str, str]]) -> list[str] | None:
    """One cycle of the graph as a list of apps (first == last), or None."""
    successors: dict[str, list[str]] = defaultdict(list)
    for source, target in sorted(edges):
        successors[source].append(target)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(app: str) -> list[str] | None:
        state[app] = 1
        path.append(app)
        for nxt in successors[app]:
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[app] = 2
        return None

    for app in sorted(successors):
        if app not in state and (found := visit(app)):
            return found
    return None


def _describe(cycle: list[str], edges: dict[tuple[str, str], list[Import]]) -> str:
    lines = [" -> ".join(cycle)]
    for source, target in itertools.pairwise(cycle):
        for imp in edges[(source, target)][:3]:
            lines.append(f"  {imp.module}:{imp.line} imports {imp.target}")
    return "\n".join(lines)


def test_graph_sees_function_level_imports() -> None:
    # Guards the walker itself: this import sits inside `AppConfig.ready`.
    found = {(i.module, i.target) for i in imports()}
    assert ("journal.identity.apps", "identity.school_side") in found


def test_no_import_cycle_between_apps() -> None:
    edges = _graph()
    remaining = set(edges) - set(KNOWN_CYCLE_EDGES)
    cycle = _find_cycle(remaining)
    assert cycle is None, "import cycle between apps:\n" + _describe(cycle or [], edges)


def test_known_cycle_edges_still_exist() -> None:
    stale = [edge for edge in KNOWN_CYCLE_EDGES if edge not in _graph()]
    assert not stale, f"remove these from KNOWN_CYCLE_EDGES, they are gone: {stale}"
