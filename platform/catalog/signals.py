"""What an adoption tells the school-side apps that build on the catalogue.

The school's own records follow an adoption (its years that have not started take the
adopted scheme's periods, TPL-2), but `catalog` is the municipality's control plane and
does not depend on a school's apps: it announces the adoption and `journal.structure`
receives it. Sent inside the adopting transaction: a receiver that raises adopts nothing.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `schema` (the school's) and `version_id` (the regulation version now in force)
# when a school's regulation version or period scheme changed.
school_adoption_changed = Signal()
