"""What provisioning tells the apps that build on the school registry.

`catalog` depends on `tenants` (its adoptions point at schools), so `school_create`
announces the new school instead of calling it; `catalog` receives the signal and
adopts the operator's default templates (TPL). Sent inside the creating transaction:
a receiver that raises leaves no school behind.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `school_create` with `school` once its schema, host and first admin exist.
school_created = Signal()
