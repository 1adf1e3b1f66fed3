"""``seed_eid_demo``: motcua's OpenID Connect client and the demo identities (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.eid_provider.idp import demo


class Command(BaseCommand):
    help = "Create or update the motcua-demo OIDC client and the demo identities of the VNeID stand-in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            dest="redirect_uris",
            help="allow this callback URL as well (repeatable); also EID_PROVIDER_REDIRECT_URIS",
        )
        parser.add_argument(
            "--reset-redirect-uris", action="store_true", help="forget redirect URIs registered before"
        )
        parser.add_argument(
            "--client-secret", default=None, help="default: EID_PROVIDER_CLIENT_SECRET or the demo secret"
        )

    def handle(self, *args, redirect_uris, reset_redirect_uris, client_secret, **options):
        app, identities = demo.seed(
            redirect_uris=redirect_uris, reset_redirect_uris=reset_redirect_uris, client_secret=client_secret
        )
        self.stdout.write(f"client {app.client_id}: redirect URIs {app.redirect_uris}")
        for identity in identities:
            self.stdout.write(
                f"  {identity.personal_id}  {identity.full_name}  (mật khẩu {demo.DEMO_PASSWORD})"
            )
