"""The school's home page: anonymous visitors see the school; users go to their main page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from core.views import school_home
from journal.web.selectors import start_url_name


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Open to everybody (the school's public face), so not a `school_page`."""
    if request.user.is_authenticated:
        target = start_url_name(request.user)
        if target:
            return redirect(target)
    return school_home(request)
