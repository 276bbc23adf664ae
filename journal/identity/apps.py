from django.apps import AppConfig


class IdentitySchoolConfig(AppConfig):
    """The school side of identity. It lives with the journal's apps but keeps the label
    it was born with, so its migrations, tables and django_migrations rows stay as they are."""

    name = "journal.identity"
    label = "identity_school"
    verbose_name = "Вход и учётные записи школы"

    def ready(self) -> None:
        from accounts.learners import LearnerAccounts
        from accounts.learners import register as register_learner_accounts
        from catalog.selectors import current_rules
        from identity.school_side import SchoolSide, register
        from journal.identity import audit, selectors, services
        from journal.roster.signals import consent_revoked

        audit.connect()
        consent_revoked.connect(services.on_consent_revoked, dispatch_uid="identity_consent")
        # The SSO portal reaches the school's records through these (identity.school_side).
        register(
            SchoolSide(
                invitation_redeem=services.invitation_redeem,
                link_by_attribute=services.identity_link_by_attribute,
                linked_user_id=selectors.linked_user_id,
            )
        )
        # Sign-in on a school host asks these about parents and pupils (accounts.learners).
        register_learner_accounts(
            LearnerAccounts(
                sso_session_allowed=selectors.sso_session_allowed,
                temporary_login_in_force=selectors.temporary_login_in_force,
                pupil_signed_in=lambda user: services.temporary_login_signed_in(user=user),
                password_changed=lambda user: services.temporary_login_password_changed(user=user),
                sign_in_methods=lambda: current_rules().sign_in,
            )
        )
