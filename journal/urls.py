"""The journal's API routes, included under /api/v1/ on a school's host."""

from __future__ import annotations

from django.urls import path

from journal.attestation import api as att
from journal.audit.api import AccessLogListApi
from journal.control import api as ctl
from journal.messaging import api as msg
from journal.planning.api import CurriculumLineSaveApi, PlanImportApi
from journal.register import api as reg
from journal.reports import api as rep
from journal.roster import api as ros
from journal.structure import api as st
from journal.transfer.api import TransferExportApi, TransferImportApi, TransferRecordsApi
from journal.yearend import api as ye

app_name = "journal"

urlpatterns = [
    # structure (SET-1..3)
    path("structure/classes/", st.ClassListApi.as_view(), name="class-list"),
    path("structure/classes/create/", st.ClassCreateApi.as_view(), name="class-create"),
    path("structure/subjects/create/", st.SubjectCreateApi.as_view(), name="subject-create"),
    path("structure/staff/create/", st.StaffCreateApi.as_view(), name="staff-create"),
    path(
        "structure/assignments/create/", st.AssignmentCreateApi.as_view(), name="assignment-create"
    ),
    path("structure/timetable/", st.TimetableListApi.as_view(), name="timetable"),
    path(
        "structure/timetable/create/",
        st.TimetableEntryCreateApi.as_view(),
        name="timetable-create",
    ),
    path("structure/breaks/create/", st.ScheduleBreakCreateApi.as_view(), name="break-create"),
    path("structure/orders/", st.SchoolOrderListApi.as_view(), name="order-list"),
    path(
        "structure/orders/regulation/create/",
        st.RegulationOrderCreateApi.as_view(),
        name="regulation-order-create",
    ),
    path(
        "structure/orders/schedule/create/",
        st.ScheduleOrderCreateApi.as_view(),
        name="schedule-order-create",
    ),
    path(
        "structure/years/<int:year_id>/periods/rederive/",
        st.AcademicYearPeriodsRederiveApi.as_view(),
        name="year-periods-rederive",
    ),
    path("structure/years/", st.AcademicYearListApi.as_view(), name="year-list"),
    path("structure/years/create/", st.AcademicYearCreateApi.as_view(), name="year-create"),
    path(
        "structure/years/<int:year_id>/bells/",
        st.BellScheduleSetApi.as_view(),
        name="bell-schedule-set",
    ),
    path(
        "structure/classes/<int:class_group_id>/class-teacher/",
        st.ClassTeacherSetApi.as_view(),
        name="class-teacher-set",
    ),
    path(
        "structure/classes/<int:class_group_id>/subgroups/",
        st.SubgroupListApi.as_view(),
        name="subgroup-list",
    ),
    path(
        "structure/classes/<int:class_group_id>/subgroups/split/",
        st.SubgroupSplitApi.as_view(),
        name="subgroup-split",
    ),
    path("structure/subgroups/create/", st.SubgroupCreateApi.as_view(), name="subgroup-create"),
    # people (SET-4, SET-5)
    path("roster/pupils/", ros.PupilListApi.as_view(), name="pupil-list"),
    path("roster/guardians/create/", ros.GuardianCreateApi.as_view(), name="guardian-create"),
    path("roster/pupils/create/", ros.PupilCreateApi.as_view(), name="pupil-create"),
    path("roster/pupils/<int:pupil_id>/", ros.PupilDetailApi.as_view(), name="pupil-detail"),
    path(
        "roster/pupils/<int:pupil_id>/consent/",
        ros.ConsentCreateApi.as_view(),
        name="consent-create",
    ),
    path(
        "roster/pupils/<int:pupil_id>/guardians/",
        ros.GuardianLinkCreateApi.as_view(),
        name="guardian-link",
    ),
    path(
        "roster/pupils/<int:pupil_id>/movements/",
        ros.MovementCreateApi.as_view(),
        name="movement-create",
    ),
    path(
        "roster/classes/<int:class_group_id>/list/",
        ros.ClassListOnDateApi.as_view(),
        name="class-list-on",
    ),
    # planning (PLAN-1..3)
    path("planning/curriculum/", CurriculumLineSaveApi.as_view(), name="curriculum-save"),
    path(
        "planning/assignments/<int:assignment_id>/plan/import/",
        PlanImportApi.as_view(),
        name="plan-import",
    ),
    path(
        "planning/assignments/<int:assignment_id>/coverage/",
        reg.CoverageApi.as_view(),
        name="coverage",
    ),
    # lessons, marks, attendance (LES, MRK, ATT)
    path(
        "register/periods/<int:period_id>/lessons/generate/",
        reg.LessonsGenerateApi.as_view(),
        name="lessons-generate",
    ),
    path(
        "register/assignments/<int:assignment_id>/lessons/",
        reg.LessonListApi.as_view(),
        name="lesson-list",
    ),
    path(
        "register/lessons/<int:lesson_id>/update/",
        reg.LessonUpdateApi.as_view(),
        name="lesson-update",
    ),
    path(
        "register/lessons/<int:lesson_id>/substitution/",
        reg.SubstitutionGrantApi.as_view(),
        name="substitution-grant",
    ),
    path(
        "register/lessons/<int:lesson_id>/files/",
        reg.HomeworkFileListApi.as_view(),
        name="homework-file-list",
    ),
    path(
        "register/lessons/<int:lesson_id>/files/upload/",
        reg.HomeworkFileUploadApi.as_view(),
        name="homework-file-upload",
    ),
    path("register/lessons/<int:lesson_id>/marks/", reg.MarksSaveApi.as_view(), name="marks-save"),
    path(
        "register/lessons/<int:lesson_id>/attendance/",
        reg.AttendanceSaveApi.as_view(),
        name="attendance-save",
    ),
    path(
        "register/marks/<int:mark_id>/correct/", reg.MarkCorrectApi.as_view(), name="mark-correct"
    ),
    path(
        "register/attendance/<int:attendance_id>/reason/",
        reg.AttendanceReasonApi.as_view(),
        name="attendance-reason",
    ),
    path("register/grid/", reg.JournalGridApi.as_view(), name="grid"),
    path("register/work-kinds/", reg.WorkKindListApi.as_view(), name="work-kind-list"),
    path("register/work-kinds/save/", reg.WorkKindSaveApi.as_view(), name="work-kind-save"),
    path(
        "register/pupils/<int:pupil_id>/progress/",
        reg.PupilProgressApi.as_view(),
        name="pupil-progress",
    ),
    path("register/accumulation/", reg.AccumulationApi.as_view(), name="accumulation"),
    path(
        "register/classes/<int:class_group_id>/attendance/",
        reg.AttendanceDailyApi.as_view(),
        name="attendance-daily",
    ),
    path(
        "register/period-marks/create/",
        reg.PeriodMarkCreateApi.as_view(),
        name="period-mark-create",
    ),
    path(
        "register/pe-exemptions/create/",
        reg.PeExemptionCreateApi.as_view(),
        name="pe-exemption-create",
    ),
    # period, year, exam and final marks (MRK-3); the diary by year (DIA-2, DIA-6)
    path("register/period-sheet/", reg.PeriodSheetApi.as_view(), name="period-sheet"),
    path("register/period-sheet/save/", reg.PeriodMarksSaveApi.as_view(), name="period-marks-save"),
    path("register/year-sheet/", reg.YearSheetApi.as_view(), name="year-sheet"),
    path(
        "register/assignments/<int:assignment_id>/final-marks/confirm/",
        reg.FinalMarksConfirmApi.as_view(),
        name="final-marks-confirm",
    ),
    path(
        "register/years/<int:year_id>/mark-deadlines/",
        reg.MarkDeadlineListApi.as_view(),
        name="mark-deadline-list",
    ),
    path(
        "register/years/<int:year_id>/mark-deadlines/set/",
        reg.MarkDeadlineSetApi.as_view(),
        name="mark-deadline-set",
    ),
    path(
        "register/pupils/<int:pupil_id>/year-marks/",
        reg.PupilYearMarksApi.as_view(),
        name="pupil-year-marks",
    ),
    # the substitution journal (ROLE-5)
    path(
        "register/substitutions/",
        reg.SubstitutionJournalApi.as_view(),
        name="substitution-journal",
    ),
    # closing the year (YEAR-1)
    path(
        "yearend/years/<int:year_id>/check/",
        ye.YearCloseCheckApi.as_view(),
        name="year-close-check",
    ),
    path("yearend/years/<int:year_id>/close/", ye.YearCloseApi.as_view(), name="year-close"),
    path("yearend/years/<int:year_id>/closing/", ye.YearClosingApi.as_view(), name="year-closing"),
    # remarks on keeping the journal (CTL-1)
    path("control/remarks/", ctl.RemarkListApi.as_view(), name="remark-list"),
    path("control/remarks/create/", ctl.RemarkCreateApi.as_view(), name="remark-create"),
    path("control/remarks/<int:remark_id>/mend/", ctl.RemarkMendApi.as_view(), name="remark-mend"),
    path("control/remarks/summary/", ctl.RemarkSummaryApi.as_view(), name="remark-summary"),
    # intermediate attestation and the control works schedule (YEAR-2)
    path(
        "attestation/control-works/", att.ControlWorkCheckApi.as_view(), name="control-work-check"
    ),
    path(
        "attestation/control-works/create/",
        att.ControlWorkCreateApi.as_view(),
        name="control-work-create",
    ),
    path("attestation/events/", att.AttestationEventListApi.as_view(), name="attestation-list"),
    path(
        "attestation/events/create/",
        att.AttestationEventCreateApi.as_view(),
        name="attestation-create",
    ),
    path(
        "attestation/events/<int:event_id>/",
        att.AttestationEventDetailApi.as_view(),
        name="attestation-detail",
    ),
    path(
        "attestation/events/<int:event_id>/results/",
        att.AttestationResultsSaveApi.as_view(),
        name="attestation-results-save",
    ),
    path(
        "attestation/pupils/<int:pupil_id>/results/",
        att.PupilAttestationResultsApi.as_view(),
        name="pupil-attestation-results",
    ),
    # reports (REP-1, REP-3, REP-5; issue #12): forms, JSON rows, files, long reports
    path("reports/forms/", rep.ReportFormListApi.as_view(), name="report-form-list"),
    path("reports/run/", rep.ReportRunApi.as_view(), name="report-run"),
    path("reports/pdf/", rep.ReportPdfApi.as_view(), name="report-pdf"),
    path("reports/xlsx/", rep.ReportXlsxApi.as_view(), name="report-xlsx"),
    path("reports/jobs/", rep.ReportJobListApi.as_view(), name="report-job-list"),
    path("reports/jobs/create/", rep.ReportJobCreateApi.as_view(), name="report-job-create"),
    path("reports/jobs/<int:job_id>/", rep.ReportJobDetailApi.as_view(), name="report-job-detail"),
    path(
        "reports/jobs/<int:job_id>/files/<int:file_id>/",
        rep.ReportJobFileApi.as_view(),
        name="report-job-file",
    ),
    # audit (ROLE-4) and transfer (TEN-4)
    path("audit/log/", AccessLogListApi.as_view(), name="access-log"),
    path(
        "transfer/pupils/<int:pupil_id>/export/",
        TransferExportApi.as_view(),
        name="transfer-export",
    ),
    path(
        "transfer/pupils/<int:pupil_id>/import/",
        TransferImportApi.as_view(),
        name="transfer-import",
    ),
    path(
        "transfer/pupils/<int:pupil_id>/records/",
        TransferRecordsApi.as_view(),
        name="transfer-records",
    ),
    # messages, announcements, notification settings (issue #16, COM-1, COM-2)
    path("messages/threads/", msg.ThreadListApi.as_view(), name="messages-thread-list"),
    path("messages/threads/start/", msg.ThreadStartApi.as_view(), name="messages-thread-start"),
    path(
        "messages/threads/<int:thread_id>/",
        msg.ThreadDetailApi.as_view(),
        name="messages-thread-detail",
    ),
    path(
        "messages/threads/<int:thread_id>/reply/",
        msg.ThreadReplyApi.as_view(),
        name="messages-thread-reply",
    ),
    path(
        "messages/threads/<int:thread_id>/read/",
        msg.ThreadReadApi.as_view(),
        name="messages-thread-read",
    ),
    path("messages/unread/", msg.UnreadApi.as_view(), name="messages-unread"),
    path("messages/contacts/", msg.ContactListApi.as_view(), name="messages-contacts"),
    path(
        "messages/messages/<int:message_id>/report/",
        msg.MessageReportApi.as_view(),
        name="messages-report",
    ),
    path("messages/reports/", msg.ReportListApi.as_view(), name="messages-report-list"),
    path(
        "messages/reports/<int:report_id>/resolve/",
        msg.ReportResolveApi.as_view(),
        name="messages-report-resolve",
    ),
    path("announcements/", msg.AnnouncementListApi.as_view(), name="announcement-list"),
    path("announcements/create/", msg.AnnouncementCreateApi.as_view(), name="announcement-create"),
    path(
        "notifications/preferences/",
        msg.NotificationPreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path(
        "notifications/preferences/set/",
        msg.NotificationPreferencesSetApi.as_view(),
        name="notification-preferences-set",
    ),
    path(
        "notifications/push/subscribe/",
        msg.PushSubscribeApi.as_view(),
        name="notification-push-subscribe",
    ),
    path(
        "notifications/push/unsubscribe/",
        msg.PushUnsubscribeApi.as_view(),
        name="notification-push-unsubscribe",
    ),
]
