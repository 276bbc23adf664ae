from django.apps import AppConfig


class RollupSchoolConfig(AppConfig):
    """The school side of the department's rollups (issue #13): no models, one function
    that counts a school's figures for `department` (which may not import the journal)."""

    name = "journal.rollup"
    label = "rollup_school"
    verbose_name = "Сводные показатели школы"

    def ready(self) -> None:
        from department.school_side import register

        from journal.rollup.compute import school_figures

        register(school_figures)
