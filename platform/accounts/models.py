"""One user model for both sides.

In the public schema its rows are operator and department staff; in a school's schema
they are that school's staff, pupils and parents. The same id in two schemas is two
different people: nothing ever joins them.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    patronymic = models.CharField("отчество", max_length=150, blank=True)
    must_change_password = models.BooleanField("сменить пароль при входе", default=False)

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)
