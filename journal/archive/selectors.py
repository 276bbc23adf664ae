"""What the operator console and the director see of a school's archive (no personal data:
classes, periods, states, hashes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max

from journal.archive.models import ArchivePackage, TreeHead


@dataclass
class ArchiveSummary:
    packages: int
    by_state: dict[str, int]
    last_check: dt.datetime | None
    tree_size: int
    key_id: str
    due: list[dict[str, Any]] = field(default_factory=list)
    # Packages whose two copies both failed the patrol (ARC-3): the operator is alerted.
    broken: int = 0


def archive_summary(*, on: dt.date) -> ArchiveSummary:
    from journal.archive.services import retention_due

    rows = ArchivePackage.objects.all()
    states = dict(rows.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    head = TreeHead.objects.order_by("-tree_size").first()
    return ArchiveSummary(
        packages=rows.count(),
        by_state={ArchivePackage.State(s).label: n for s, n in sorted(states.items())},
        last_check=rows.aggregate(at=Max("checked_at"))["at"],
        tree_size=head.tree_size if head else 0,
        key_id=head.key_id if head else "",
        broken=states.get(ArchivePackage.State.BROKEN, 0),
        due=[
            {
                "id": d.package.pk,
                "key": d.package.key,
                "title": package_title(d.package),
                "files": d.files,
            }
            for d in retention_due(on=on)
        ],
    )


def package_title(package: ArchivePackage) -> str:
    period = package.period.title if package.period_id and package.period else "учебный год"
    return f"{package.class_group.title}, {period} {package.year.title}"


def package_list(*, for_user: Any) -> list[ArchivePackage]:
    """The school's packages for its director and deputies (ROLE-1: the heads only)."""
    from accounts import roles

    if not for_user.groups.filter(name__in=[roles.DIRECTOR, roles.DEPUTY]).exists():
        return []
    return list(
        ArchivePackage.objects.select_related("class_group", "period", "year").order_by(
            "-leaf_index"
        )
    )


def package_get(*, package_id: int, for_user: Any) -> ArchivePackage:
    """One package for the school's heads; 404 for anyone else and for an unknown id."""
    from django.http import Http404

    found = next((p for p in package_list(for_user=for_user) if p.pk == package_id), None)
    if found is None:
        raise Http404
    return found


@dataclass
class ArchiveState:
    packages: list[ArchivePackage]
    tree_ok: bool
    tree_problems: list[str]
    tree_size: int


def archive_state(*, for_user: Any) -> ArchiveState:
    """The director's archive page: the packages and the tree's verification now."""
    from journal.archive.tree import tree_verify

    packages = package_list(for_user=for_user)
    report = tree_verify()
    return ArchiveState(packages, report.ok, report.problems, report.size)
