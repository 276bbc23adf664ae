from django.apps import AppConfig


class IdentitySchoolConfig(AppConfig):
    """The school side of identity. It lives with the journal's apps but keeps the label
    it was born with, so its migrations, tables and django_migrations rows stay as they are."""

    name = "journal.identity"
    label = "identity_school"
    verbose_name = "Вход и учётные записи школы"

    def ready(self) -> None:
        from identity.school_side import SchoolSide, register
        from journal.identity import audit, selectors, services

        audit.connect()
        # The SSO portal reaches the school's records through these (identity.school_side).
        register(
            SchoolSide(
                invitation_redeem=services.invitation_redeem,
                link_by_attribute=services.identity_link_by_attribute,
                linked_user_id=selectors.linked_user_id,
            )
        )
