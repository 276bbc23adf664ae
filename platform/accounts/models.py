"""One user model for both sides.

In the public schema its rows are operator and department staff; in a school's schema
they are that school's staff, pupils and parents. The same id in two schemas is two
different people: nothing ever joins them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models, router
from django.db.models.deletion import Collector


class SchemaCollector(Collector):
    """A deletion collector that follows only relations stored in the current schema.

    The user model lives in public and in every school, and models on both sides point
    at it. Django's cascade would otherwise reach public tables from a school (through
    search_path: deleting school user 5 would null the operator 5's references) and
    look for school-only tables from public (which fails). django-tenants' router knows
    which apps the current schema holds.
    """

    def related_objects(self, related_model: Any, related_fields: Any, objs: Any) -> Any:
        if not router.allow_migrate_model(self.using, related_model):
            return related_model._base_manager.using(self.using).none()
        return super().related_objects(related_model, related_fields, objs)


class UserQuerySet(models.QuerySet["User"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        """Schema-aware like `User.delete` (users are few: one collector for all)."""
        collector = SchemaCollector(using=self.db, origin=self)
        collector.collect(list(self))
        return collector.delete()


class SchemaUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    patronymic = models.CharField("отчество", max_length=150, blank=True)
    must_change_password = models.BooleanField("сменить пароль при входе", default=False)

    objects: ClassVar[SchemaUserManager] = SchemaUserManager()

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def delete(self, using: Any = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Delete in the current schema only (see `SchemaCollector`)."""
        collector = SchemaCollector(
            using=using or router.db_for_write(self.__class__, instance=self), origin=self
        )
        collector.collect([self], keep_parents=keep_parents)
        return collector.delete()
