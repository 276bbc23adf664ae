"""Administration: classes of a school year, their class teachers and subgroups (SET-2).

The roster managers read the classes; the structure managers add a class, change its class
teacher and its subgroups. The services' Russian errors go back on the form's fields with a
400 that keeps what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from journal.structure import selectors as structure_selectors
from journal.structure import services as structure
from journal.structure.models import ClassGroup
from journal.web.manage.classes import selectors
from journal.web.manage.classes.forms import (
    ClassCreateForm,
    ClassTeacherForm,
    SubgroupCreateForm,
    SubgroupSplitForm,
)
from journal.web.manage.selectors import year_choices, year_chosen
from journal.web.pages import (
    ROSTER_MANAGERS,
    STRUCTURE_MANAGERS,
    int_param,
    may_write,
    school_page,
    submit,
)


def classes_url(year_id: int) -> str:
    return f"{reverse('web:manage-classes')}?year={year_id}"


@school_page(roles=ROSTER_MANAGERS, write_roles=STRUCTURE_MANAGERS, methods=("GET", "POST"))
def classes(request: HttpRequest) -> HttpResponse:
    """Classes of a school year with their class teachers; the structure managers add one."""
    year = year_chosen(year_id=int_param(request.GET, "year"), for_user=request.user)
    years = year_choices(for_user=request.user)
    form: ClassCreateForm | None = None
    status = 200
    if request.method == "POST":
        form = ClassCreateForm(request.POST, years=years)
        group = submit(form, lambda v: structure.class_group_create(by=request.user, **v))
        if group:
            messages.success(request, f"Класс {group} создан.")
            return redirect(classes_url(group.year_id))
        status = 400
    elif may_write(request):
        form = ClassCreateForm(initial={"year": year.pk if year else None}, years=years)
    return render(
        request,
        "web/manage/classes/classes.html",
        {
            "year": year,
            "years": years,
            "classes": selectors.classes_of_year(year=year, for_user=request.user),
            "form": form,
        },
        status=status,
    )


@school_page(roles=STRUCTURE_MANAGERS, methods=("GET", "POST"))
def class_teacher(request: HttpRequest, class_group_id: int) -> HttpResponse:
    """Change the class teacher (the class's object right moves with the role)."""
    group = structure_selectors.class_group_get(
        class_group_id=class_group_id, for_user=request.user
    )
    if request.method != "POST":
        form = ClassTeacherForm(initial={"class_teacher": group.class_teacher_id})
        return render(
            request, "web/manage/classes/class_teacher.html", {"group": group, "form": form}
        )
    form = ClassTeacherForm(request.POST)
    changed = submit(
        form,
        lambda v: structure.class_teacher_set(
            class_group=group, teacher=v["class_teacher"], by=request.user
        ),
    )
    if changed:
        teacher = form.cleaned_data["class_teacher"]
        messages.success(
            request,
            f"Классный руководитель {group}: {teacher}."
            if teacher
            else f"У класса {group} больше нет классного руководителя.",
        )
        return redirect(classes_url(group.year_id))
    return render(
        request,
        "web/manage/classes/class_teacher.html",
        {"group": group, "form": form},
        status=400,
    )


def subgroups_response(
    request: HttpRequest,
    group: ClassGroup,
    *,
    form: SubgroupCreateForm | None = None,
    split: tuple[int, SubgroupSplitForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; `split`: the subject whose posted split was refused, with its form."""
    page = selectors.class_subgroups(group=group, for_user=request.user)
    blocks = []
    for s in page.splits:
        posted = split[1] if split is not None and split[0] == s.subject_id else None
        member_of = {pid: sub.pk for sub, ids in s.subgroups for pid in ids}
        rows = [
            {"pupil": p, "chosen": posted.chosen(p.pk) if posted else member_of.get(p.pk)}
            for p in page.pupils
        ]
        blocks.append(
            {
                "split": s,
                "rows": rows,
                "unassigned": len(s.unassigned_pupil_ids),
                "errors": posted.problems() if posted else None,
            }
        )
    return render(
        request,
        "web/manage/classes/subgroups.html",
        {
            "group": group,
            "blocks": blocks,
            "form": form or SubgroupCreateForm(subjects=selectors.subject_choices()),
        },
        status=status,
    )


@school_page(roles=STRUCTURE_MANAGERS, methods=("GET", "POST"))
def subgroups(request: HttpRequest, class_group_id: int) -> HttpResponse:
    """A class's subgroups by subject: add a subgroup, set the split (every pupil of the
    class in exactly one subgroup of the subject, SET-2)."""
    group = structure_selectors.class_group_get(
        class_group_id=class_group_id, for_user=request.user
    )
    if request.method != "POST":
        return subgroups_response(request, group)
    if request.POST.get("action") == "split":
        return subgroups_split(request, group)
    form = SubgroupCreateForm(request.POST, subjects=selectors.subject_choices())
    sub = submit(form, lambda v: structure.subgroup_create(class_group=group, by=request.user, **v))
    if sub:
        messages.success(request, f"Подгруппа «{sub.title}» создана.")
        return redirect("web:manage-subgroups", class_group_id=group.pk)
    return subgroups_response(request, group, form=form, status=400)


def subgroups_split(request: HttpRequest, group: ClassGroup) -> HttpResponse:
    subject, ids = selectors.subject_split(
        group=group, subject_id=int_param(request.POST, "subject")
    )
    form = SubgroupSplitForm(request.POST, subgroup_ids=ids)
    split = submit(
        form,
        lambda v: structure.subgroups_split(
            class_group=group, subject=subject, members=v["members"], by=request.user
        ),
    )
    if split is not None:
        messages.success(request, f"Подгруппы по предмету «{subject}» сохранены.")
        return redirect("web:manage-subgroups", class_group_id=group.pk)
    return subgroups_response(request, group, split=(subject.pk, form), status=400)
