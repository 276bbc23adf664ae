"""The first municipal operator (or a department user) on the public host, from the command
line: what an installation does right after `platform_migrate` (helm NOTES.txt)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import roles
from accounts.services import password_issue, school_account_create, username_taken
from core.tenancy import db


class Command(BaseCommand):
    help = (
        "Create an operator (or --role department) in the public schema; prints a one-time "
        "password that must be changed at the first sign-in (TOTP is set up then)"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--last-name", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--role", choices=sorted(roles.PUBLIC_ROLES), default=roles.OPERATOR)

    def handle(self, *args: Any, **options: Any) -> None:
        db.set_schema_to_public()
        username = options["username"].strip()
        if not username:
            raise CommandError("username: give a login name")
        if username_taken(username):
            raise CommandError(f"username: {username!r} is taken in the public schema")
        with transaction.atomic():
            user = school_account_create(
                last_name=options["last_name"] or roles.PUBLIC_ROLES[options["role"]],
                first_name=options["first_name"],
                email=options["email"],
                username=username,
                role_names=[options["role"]],
            )
            password = password_issue(user=user)
        self.stdout.write(f"user:     {user.username} ({roles.PUBLIC_ROLES[options['role']]})")
        self.stdout.write(f"password: {password}  (shown once; change at first login)")
