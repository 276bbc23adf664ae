"""Register the configured clients and demo people in the stub's database (idempotent)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from oauth2_provider.models import get_application_model

from esia_stub.people import config


class Command(BaseCommand):
    help = "Load the clients and people of ESIA_STUB_CONFIG"

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        application = get_application_model()
        cfg = config()
        for client in cfg.clients:
            app = application.objects.filter(client_id=client.client_id).first() or application(
                client_id=client.client_id
            )
            app.name = client.name
            app.client_type = application.CLIENT_CONFIDENTIAL
            app.authorization_grant_type = application.GRANT_AUTHORIZATION_CODE
            app.redirect_uris = " ".join(client.redirect_uris)
            app.algorithm = application.RS256_ALGORITHM
            # Every client asks for consent (the screen before the code), like ЕСИА.
            app.skip_authorization = False
            # A signed-secret (ЕСИА) client never presents this one.
            app.client_secret = client.secret or secrets.token_urlsafe(32)
            app.save()
        for person in cfg.people:
            user, _ = User.objects.get_or_create(username=person.oid)
            user.first_name = person.first_name
            user.last_name = person.last_name
            user.email = person.email
            user.set_password(person.password)
            user.save()
        User.objects.exclude(username__in=[p.oid for p in cfg.people]).update(is_active=False)
        self.stdout.write(f"stub: {len(cfg.clients)} clients, {len(cfg.people)} people")
