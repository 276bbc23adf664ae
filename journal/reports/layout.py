"""From a computed result and a form version's columns to one table (TPL-3, REP-5).

The selector computes values by column key; the *published form version* decides which
columns appear, in which order and under which titles. A version that renames a column
changes its header; one that drops a column drops it; a column whose key the selector does
not compute stays empty (the operator may define it before the code computes it). The HTML,
PDF and XLSX renderers all read the same `ReportTable`, so the three never disagree.

Repeated columns (`repeat`: subject / period / month / day) expand over the result's axes:

- with one kind of repetition, each repeated column heads its own group
  («Пропуски за день» over the days);
- with several kinds, the outermost (subject before period before month before day) groups
  every repeated column: a subject heads its period marks, year, exam and final marks
  (the summary progress sheet's paper layout), in the order the form lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

AXIS_ORDER = ("subject", "period", "month", "day")


@dataclass(frozen=True)
class FormDef:
    """The report form version a table follows (catalog.ReportForm, or a built-in one)."""

    code: str
    version: int
    title: str
    columns: list[dict[str, Any]]
    parameters: list[dict[str, Any]] = field(default_factory=list)
    requirement: str = ""
    form_id: int | None = None

    @classmethod
    def of(cls, row: Any) -> FormDef:
        """The definition of a published catalog.ReportForm version."""
        return cls(
            code=row.code,
            version=row.version,
            title=row.title,
            columns=list(row.columns),
            parameters=list(row.parameters),
            requirement=row.requirement,
            form_id=row.pk,
        )


@dataclass(frozen=True)
class AxisItem:
    key: Any
    label: str


@dataclass
class Result:
    """What a selector computes: rows keyed by column key; a repeated column's value is a
    dict by axis key (by `(outer, inner)` when it nests under another axis)."""

    rows: list[dict[str, Any]]
    axes: dict[str, list[AxisItem]] = field(default_factory=dict)
    totals: list[dict[str, Any]] = field(default_factory=list)
    summary: list[tuple[str, Any, str]] = field(default_factory=list)  # label, value, type
    caption: list[str] = field(default_factory=list)
    pupil_ids: list[int] = field(default_factory=list)
    data_at: dt.datetime | None = None


@dataclass(frozen=True)
class Leaf:
    path: tuple[str, ...]
    type: str
    value: Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int
    rowspan: int
    first_column: int  # 0-based index of the first leaf it covers


@dataclass
class ReportTable:
    form: FormDef
    caption: list[str]
    header: list[list[HeaderCell]]
    types: list[str]
    rows: list[list[Any]]
    totals: list[list[Any]]
    summary: list[tuple[str, Any, str]]
    pupil_ids: list[int]
    data_at: dt.datetime | None

    @property
    def width(self) -> int:
        return len(self.types)

    def text_rows(self) -> list[list[str]]:
        """The body as shown (the HTML cells), for comparisons across formats."""
        return [[display(v, t) for v, t in zip(row, self.types, strict=True)] for row in self.rows]


def _scalar(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(key)


def _item(key: str, item: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda row: (row.get(key) or {}).get(item)


def leaves(columns: Sequence[dict[str, Any]], axes: dict[str, list[AxisItem]]) -> list[Leaf]:
    kinds = {c["repeat"] for c in columns if c.get("repeat")}
    outer = next((k for k in AXIS_ORDER if k in kinds), None) if len(kinds) > 1 else None
    out: list[Leaf] = []
    grouped = False
    for column in columns:
        key, title, kind, repeat = (
            column["key"],
            column["title"],
            column["type"],
            column.get("repeat"),
        )
        if not repeat:
            out.append(Leaf((title,), kind, _scalar(key)))
        elif outer is None:
            out.extend(
                Leaf((title, item.label), kind, _item(key, item.key))
                for item in axes.get(repeat, [])
            )
        elif not grouped:
            grouped = True
            repeated = [c for c in columns if c.get("repeat")]
            for o in axes.get(outer, []):
                for c in repeated:
                    if c["repeat"] == outer:
                        out.append(Leaf((o.label, c["title"]), c["type"], _item(c["key"], o.key)))
                    else:
                        out.extend(
                            Leaf(
                                (o.label, c["title"], i.label),
                                c["type"],
                                _item(c["key"], (o.key, i.key)),
                            )
                            for i in axes.get(c["repeat"], [])
                        )
    return out


def header_rows(paths: Sequence[tuple[str, ...]]) -> list[list[HeaderCell]]:
    """Merged header cells: equal consecutive prefixes share a cell; a path shorter than
    the deepest spans the rows below it."""
    depth = max((len(p) for p in paths), default=1)
    rows: list[list[HeaderCell]] = []
    for level in range(depth):
        row: list[HeaderCell] = []
        i = 0
        while i < len(paths):
            path = paths[i]
            if len(path) <= level:
                i += 1
                continue
            j = i + 1
            while (
                j < len(paths)
                and len(paths[j]) > level
                and paths[j][: level + 1] == path[: level + 1]
            ):
                j += 1
            group = paths[i:j]
            last = all(len(p) == level + 1 for p in group)
            row.append(HeaderCell(path[level], j - i, depth - level if last else 1, i))
            i = j
        rows.append(row)
    return rows


def build_table(form: FormDef, result: Result) -> ReportTable:
    cols = leaves(form.columns, result.axes)
    return ReportTable(
        form=form,
        caption=result.caption,
        header=header_rows([leaf.path for leaf in cols]),
        types=[leaf.type for leaf in cols],
        rows=[[leaf.value(row) for leaf in cols] for row in result.rows],
        totals=[[leaf.value(row) for leaf in cols] for row in result.totals],
        summary=result.summary,
        pupil_ids=sorted(set(result.pupil_ids)),
        data_at=result.data_at,
    )


def display(value: Any, kind: str) -> str:
    """A cell as the HTML and the PDF show it (Russian decimal comma)."""
    if value is None or value == "":
        return "—" if kind in ("percent", "decimal") else ""
    if kind == "boolean":
        return "да" if value else "нет"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(value)
