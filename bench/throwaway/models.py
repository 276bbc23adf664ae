from django.db import models


class Note(models.Model):
    """A small table like most new features add: a few columns and an index."""

    pupil_id = models.BigIntegerField(db_index=True)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title
