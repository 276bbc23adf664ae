"""What the roster tells the apps that build on it.

The roster sits below the school-side identity app (which reads pupils and guardians),
so it announces a revoked consent instead of calling that app: `journal.identity`
receives it and ends the sign-ins the consent allowed (SET-5). Sent inside the
revoking transaction; a receiver that raises rolls the revocation back.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `consent_revoke` with `pupil` and `by` once the consent row is saved.
consent_revoked = Signal()
