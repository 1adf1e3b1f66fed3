"""``add_eid_identity``: add (or update) one identity of the VNeID stand-in.

The number is not checked, on purpose: tests use it to make the provider vouch for a broken
personal ID number and see motcua refuse it.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from motcua.eid_provider.idp import demo


class Command(BaseCommand):
    help = "Add or update an identity of the VNeID stand-in (test data)."

    def add_arguments(self, parser):
        parser.add_argument("--personal-id", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--birthdate", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--gender", choices=["male", "female", ""], default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--password", default=demo.DEMO_PASSWORD)

    def handle(self, *args, personal_id, name, birthdate, gender, phone, password, **options):
        identity = demo.ensure_identity(
            demo.DemoIdentity(personal_id, name, birthdate, gender, phone), password=password
        )
        self.stdout.write(f"{identity.personal_id}  {identity.full_name}")
