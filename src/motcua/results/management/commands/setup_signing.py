"""``motcua setup_signing``: make the demo CA and signing certificate (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.results import ca


class Command(BaseCommand):
    help = "Create the demo CA and the province's demo signing certificate unless they exist."

    def handle(self, *args, **options):
        config = ca.signing_config()
        if not config.demo:
            self.stdout.write(
                f"Using the configured certificate {config.pkcs12_path} (MOTCUA_SIGNING_PKCS12)."
            )
            return
        from motcua.results.signing import _signer

        signer = _signer(config)
        subject = signer.signing_cert.subject.human_friendly
        self.stdout.write(self.style.SUCCESS(f"Demo signing material in {ca.signing_dir()}: {subject}"))
