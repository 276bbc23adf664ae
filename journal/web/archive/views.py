"""The school's archive page (ARC-1, ARC-3): the director and deputies see every package of
the school with its verification state, the tree's check, and download a package as ZIP
(logged as an export, ROLE-4). Anybody else: 403; an id of another school: 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.archive import selectors
from journal.archive.services import package_zip
from journal.web.pages import WHOLE_SCHOOL, school_page


@school_page(roles=WHOLE_SCHOOL)
def archive(request: HttpRequest) -> HttpResponse:
    state = selectors.archive_state(for_user=request.user)
    rows = [(p, selectors.package_title(p)) for p in state.packages]
    return render(request, "web/archive/index.html", {"state": state, "rows": rows})


@school_page(roles=WHOLE_SCHOOL)
def archive_download(request: HttpRequest, package_id: int) -> HttpResponse:
    package = selectors.package_get(package_id=package_id, for_user=request.user)
    content = package_zip(package=package, by=request.user)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="archive-{package.pk}.zip"'
    return response
