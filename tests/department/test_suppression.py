"""Small-cell suppression (docs/department.md, SEC-4): hand-made lattices."""

from __future__ import annotations

from department.selectors import ALL, lattice, suppress

F = ("pupils",)


def cells(base: dict[tuple[str, ...], int]) -> dict[tuple[str, ...], dict[str, int]]:
    return lattice({k: {"pupils": v} for k, v in base.items()}, F)


def test_a_small_cell_is_hidden_and_one_more_beside_it() -> None:
    c = cells({("A", "7"): 20, ("A", "8"): 3, ("A", "9"): 6})
    hidden = suppress(c, 5)
    assert ("A", "8") in hidden
    # A's total (29) is shown, so A/8 = 29 - 20 - 6 unless one more is hidden: the smallest
    assert ("A", "9") in hidden
    assert ("A", "7") not in hidden and ("A", ALL) not in hidden


def test_a_sum_equal_to_its_one_hidden_part_is_hidden() -> None:
    c = cells({("A", "7"): 20, ("B", "8"): 3})
    hidden = suppress(c, 5)
    # grade 8 is only B's: the grade's margin and B's total are that very cell
    assert {("B", "8"), ("B", ALL), (ALL, "8")} <= hidden


def test_no_shown_sum_minus_shown_parts_gives_a_small_group() -> None:
    base: dict[tuple[str, ...], int] = {
        ("A", "7"): 12,
        ("A", "8"): 3,
        ("A", "9"): 5,
        ("B", "7"): 5,
        ("B", "9"): 7,
        ("C", "7"): 2,
    }
    c = cells(base)
    hidden = suppress(c, 5)
    # every relation: a shown margin with hidden parts hides at least two, k pupils together
    for key in c:
        for i, value in enumerate(key):
            if value == ALL:
                continue
            parent = (*key[:i], ALL, *key[i + 1 :])
            if parent in hidden:
                continue
            parts = [
                p
                for p in c
                if all(p[j] == parent[j] for j in range(len(p)) if j != i) and p[i] != ALL
            ]
            down = [p for p in parts if p in hidden]
            assert not down or (len(down) >= 2 and sum(c[p]["pupils"] for p in down) >= 5), parent
    assert all(c[k]["pupils"] >= 5 for k in c if k not in hidden)
