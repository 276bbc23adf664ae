from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def public_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "public_site": True,
            "title": "Электронный журнал и дневник",
            "text": (
                "Сайт муниципального оператора. Журналы школ открываются на их собственных адресах."
            ),
        },
    )


@require_safe
def school_home(request: HttpRequest) -> HttpResponse:
    school = request.tenant  # type: ignore[attr-defined]
    return render(
        request,
        "core/home.html",
        {
            "title": school.name,
            "text": "Электронный журнал и дневник школы.",
        },
    )
