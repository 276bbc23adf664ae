"""Routes of the school's pages (included at the root of a school's host), `web` namespace.

URL names: `web:<topic>-<page>[-<action>]` in kebab case, the topic being the package that
serves the page (`teacher-lesson`, `class-pupil-card`, `manage-pupil-consent-revoke`);
a topic with one page is named by the topic (`web:control`, `web:plan-import`). The diary
has its own namespace (`diary:index`, `diary:homework-file`, journal/web/diary/urls.py)
because parent and pupil sessions may read only that namespace (ROLE-2).
"""

from __future__ import annotations

from django.urls import path

from journal.web.archive import views as archive
from journal.web.class_reports import views as class_reports
from journal.web.class_teacher import duties as class_duties
from journal.web.class_teacher import views as class_teacher
from journal.web.control import views as control
from journal.web.control_works import views as control_works
from journal.web.deadlines import views as deadlines
from journal.web.manage.calendar import views as calendar
from journal.web.manage.classes import views as classes
from journal.web.manage.people import movement
from journal.web.manage.people import views as people
from journal.web.manage.roster_import import views as roster_import
from journal.web.manage.staff import views as staff
from journal.web.manage.teaching import views as teaching
from journal.web.marks import views as marks
from journal.web.messaging import admin as messaging_admin
from journal.web.messaging import views as messaging
from journal.web.plan_import import views as plan_import
from journal.web.regulation import views as regulation
from journal.web.remarks import views as remarks
from journal.web.reports import jobs as report_jobs
from journal.web.reports import views as reports
from journal.web.substitutions import views as substitutions
from journal.web.teacher import views as teacher
from journal.web.yearend import views as yearend

app_name = "web"

LESSON = "lessons/<int:lesson_id>/"
CLASS = "manage/classes/<int:class_group_id>/"
STAFF = "manage/staff/<int:staff_id>/"
PUPIL = "manage/pupils/<int:pupil_id>/"

urlpatterns = [
    # the teacher
    path("teacher/today/", teacher.today, name="teacher-today"),
    path("teacher/timetable/", teacher.timetable, name="teacher-timetable"),
    path("journals/", teacher.journals, name="teacher-journals"),
    path("journals/<int:assignment_id>/", teacher.grid, name="teacher-grid"),
    path(LESSON, teacher.lesson, name="teacher-lesson"),
    path(f"{LESSON}save/", teacher.lesson_save, name="teacher-lesson-save"),
    path(
        f"{LESSON}files/upload/",
        teacher.homework_file_upload,
        name="teacher-homework-file-upload",
    ),
    path(
        f"{LESSON}files/<int:attachment_id>/remove/",
        teacher.homework_file_remove,
        name="teacher-homework-file-remove",
    ),
    path("marks/<int:mark_id>/correct/", teacher.mark_correct, name="teacher-mark-correct"),
    # the teacher: period, year, exam and final marks (MRK-3)
    path(
        "journals/<int:assignment_id>/periods/<int:period_id>/marks/",
        marks.period_marks,
        name="marks-period",
    ),
    path("journals/<int:assignment_id>/year/", marks.year_marks, name="marks-year"),
    path(
        "journals/<int:assignment_id>/year/final/",
        marks.final_marks_confirm,
        name="marks-final-confirm",
    ),
    # the director and deputies
    path("control/", control.control, name="control"),
    # the deputy: mark deadlines, remarks, substitutions, the control works schedule (issue #10)
    path("deadlines/", deadlines.deadlines, name="deadlines"),
    path("remarks/", remarks.remarks, name="remarks"),
    path("remarks/new/", remarks.remark_create, name="remarks-create"),
    path("remarks/<int:remark_id>/mend/", remarks.remark_mend, name="remarks-mend"),
    path("substitutions/", substitutions.substitutions, name="substitutions"),
    path(
        "substitutions/grant/",
        substitutions.substitution_grant,
        name="substitutions-grant",
    ),
    path("control-works/", control_works.control_works, name="control-works"),
    # the class teacher
    path("class/day/", class_teacher.class_day, name="class-day"),
    path(
        "class/attendance/<int:attendance_id>/reason/",
        class_teacher.attendance_reason,
        name="class-attendance-reason",
    ),
    path("class/pupils/", class_teacher.class_pupils, name="class-pupils"),
    path("class/pupils/<int:pupil_id>/", class_teacher.pupil_card, name="class-pupil-card"),
    path(
        "class/pupils/<int:pupil_id>/temporary-login/",
        class_teacher.temporary_login_issue,
        name="class-temporary-login-issue",
    ),
    path(
        "class/pupils/<int:pupil_id>/invitations/<int:user_id>/",
        class_teacher.invitation_issue,
        name="class-invitation-issue",
    ),
    path(
        "class/temporary-logins/<int:temporary_login_id>/revoke/",
        class_teacher.temporary_login_revoke,
        name="class-temporary-login-revoke",
    ),
    # the КТП upload
    path("manage/plans/import/", plan_import.plan_import, name="plan-import"),
    # administration: classes
    path("manage/classes/", classes.classes, name="manage-classes"),
    path(f"{CLASS}teacher/", classes.class_teacher, name="manage-class-teacher"),
    path(f"{CLASS}subgroups/", classes.subgroups, name="manage-subgroups"),
    # administration: staff
    path("manage/staff/", staff.staff, name="manage-staff"),
    path(f"{STAFF}deactivate/", staff.staff_deactivate, name="manage-staff-deactivate"),
    path(f"{STAFF}reactivate/", staff.staff_reactivate, name="manage-staff-reactivate"),
    path(f"{STAFF}password/", staff.staff_password, name="manage-staff-password"),
    # administration: people
    path("manage/pupils/", people.pupils, name="manage-pupils"),
    path("manage/parents/", people.parents, name="manage-parents"),
    path("manage/parents/link/", people.parent_link, name="manage-parent-link"),
    path("manage/movement/", movement.movement, name="manage-movement"),
    path(PUPIL, movement.pupil, name="manage-pupil"),
    path(f"{PUPIL}move/", movement.pupil_move, name="manage-pupil-move"),
    path(f"{PUPIL}consent/", movement.pupil_consent, name="manage-pupil-consent"),
    path(
        f"{PUPIL}consent/<int:consent_id>/revoke/",
        movement.pupil_consent_revoke,
        name="manage-pupil-consent-revoke",
    ),
    # administration: bringing the school's lists in (SET-6)
    path("manage/import/", roster_import.roster_import, name="manage-import"),
    path(
        "manage/import/template/",
        roster_import.roster_import_template,
        name="manage-import-template",
    ),
    path(
        "manage/import/confirm/",
        roster_import.roster_import_confirm,
        name="manage-import-confirm",
    ),
    # administration: the school calendar
    path("manage/years/", calendar.years, name="manage-years"),
    path("manage/years/<int:year_id>/periods/", calendar.year_periods, name="manage-year-periods"),
    path("manage/bells/", calendar.bells, name="manage-bells"),
    path("manage/breaks/", calendar.breaks, name="manage-breaks"),
    # administration: teaching
    path("manage/assignments/", teaching.assignments, name="manage-assignments"),
    path("manage/timetable/", teaching.timetable, name="manage-timetable"),
    # The whole school year (issue #10): closing the year, the class teacher's duties, the
    # public regulation with the user guides.
    path("manage/year-close/", yearend.year_close, name="yearend"),
    path("class/summary/", class_duties.class_summary, name="class-summary"),
    path("class/data-checks/", class_duties.data_checks, name="class-data-checks"),
    path("class/acknowledgements/", class_duties.acknowledgements, name="class-acknowledgements"),
    path("regulation/", regulation.regulation, name="regulation"),
    path("regulation/guides/<slug:slug>/", regulation.guide, name="regulation-guide"),
    # reports and paper copies (issue #12)
    path("reports/", reports.reports, name="reports"),
    path("reports/view/", reports.report, name="reports-view"),
    path("reports/download/", reports.report_download, name="reports-download"),
    path("reports/jobs/start/", report_jobs.report_job_start, name="reports-job-start"),
    path("reports/jobs/<int:job_id>/", report_jobs.report_job, name="reports-job"),
    path(
        "reports/jobs/<int:job_id>/files/<int:file_id>/",
        report_jobs.report_job_file,
        name="reports-job-file",
    ),
    # the class teacher's reports (issue #12, reports3): REP-4, REP-6, DIA-3, DIA-5
    path("class/certificates/", class_reports.certificates, name="class-certificates"),
    path(
        "class/summary/download/",
        class_reports.class_summary_download,
        name="class-summary-download",
    ),
    path("class/parent-reports/", class_reports.class_parent_reports, name="class-parent-reports"),
    path("class/printouts/", class_reports.class_printouts, name="class-printouts"),
    path(
        "class/printouts/<int:printout_id>/",
        class_reports.class_printout_download,
        name="class-printout-download",
    ),
    # the school's archive (issue #14): packages, verification, download
    path("archive/", archive.archive, name="archive"),
    path("archive/<int:package_id>/download/", archive.archive_download, name="archive-download"),
    # messages, announcements, notifications (issue #16, COM-1, COM-2); the learners'
    # names among them are listed in settings.LEARNER_READ_URL_NAMES / _WRITE_URL_NAMES
    path("messages/", messaging.inbox, name="messages"),
    path("messages/new/", messaging.compose, name="messages-new"),
    path("messages/<int:thread_id>/", messaging.thread, name="messages-thread"),
    path("messages/<int:thread_id>/reply/", messaging.thread_reply, name="messages-thread-reply"),
    path(
        "messages/message/<int:message_id>/report/",
        messaging.message_report,
        name="messages-report",
    ),
    path(
        "messages/message/<int:message_id>/files/<int:attachment_id>/",
        messaging.message_file,
        name="messages-file",
    ),
    path("messages/reports/", messaging_admin.reports, name="messages-reports"),
    path(
        "messages/reports/<int:report_id>/resolve/",
        messaging_admin.report_resolve,
        name="messages-report-resolve",
    ),
    path(
        "messages/announcements/",
        messaging_admin.announcements,
        name="messages-announcements",
    ),
    path(
        "messages/announcements/<int:announcement_id>/withdraw/",
        messaging_admin.announcement_withdraw,
        name="messages-announcement-withdraw",
    ),
    path("messages/settings/", messaging_admin.messaging_settings, name="messages-settings"),
    path("messages/deliveries/", messaging_admin.deliveries, name="messages-deliveries"),
    path(
        "messages/class-chat/<int:class_group_id>/",
        messaging_admin.class_chat,
        name="messages-class-chat",
    ),
    path(
        "messages/notifications/",
        messaging_admin.notification_settings,
        name="messages-notifications",
    ),
    path("push-worker.js", messaging_admin.push_worker, name="messages-push-worker"),
]
