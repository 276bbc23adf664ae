"""Create (or drop) a synthetic municipality for load tests and benchmarks (#17).

    python platform/manage.py municipality_synth --schools 1000 [--prefix synth]
        [--pupils-per-school 20]
    python platform/manage.py municipality_synth --drop [--prefix synth]

Idempotent: only the missing schools `<prefix>0001…` are created. Not part of the demo;
never run it against a real deployment. Logins in every school: admin, synth_deputy,
synth_teacher1..4, synth_pupil, synth_parent, all with the password `synth-2026`.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from demo.synth import municipality_synth, municipality_synth_drop


class Command(BaseCommand):
    help = "Create N synthetic schools cloned with a small journal each (or --drop them)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schools", type=int, default=0, help="how many schools in all")
        parser.add_argument("--prefix", default="synth", help="slug prefix (default synth)")
        parser.add_argument(
            "--pupils-per-school",
            type=int,
            default=20,
            help="pupils of the seed school (two classes); clones copy the seed",
        )
        parser.add_argument("--drop", action="store_true", help="remove the synthetic schools")

    def handle(self, *args: Any, **options: Any) -> None:
        prefix = options["prefix"]
        verbosity = int(options.get("verbosity", 1))
        started = time.perf_counter()
        count = 0

        def progress(slug: str) -> None:
            nonlocal count
            count += 1
            if verbosity >= 2 or (verbosity and count % 50 == 0):
                rate = count / (time.perf_counter() - started)
                self.stdout.write(f"  {slug}  ({count} done, {rate:.1f}/s)")

        if options["drop"]:
            dropped = municipality_synth_drop(prefix=prefix, progress=progress)
            self.stdout.write(f"dropped {dropped} schools {prefix}NNNN")
            return
        if options["schools"] < 1:
            raise CommandError("give --schools N (N >= 1) or --drop")
        if options["pupils_per_school"] < 2:
            raise CommandError("--pupils-per-school: at least 2")
        try:
            result = municipality_synth(
                schools=options["schools"],
                prefix=prefix,
                pupils=options["pupils_per_school"],
                progress=progress,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{len(result.created)} created, {result.existing} already there, "
            f"{elapsed:.1f} s ({elapsed / max(1, len(result.created)) * 1000:.0f} ms a school)"
        )
