"""factory_boy factories shared by the whole suite.

Codes never clash with real data loaded by ``load_units`` or the demo: factory provinces use
four-character codes ``9nnn``, communes six-character ``9nnnnn``, agencies the letter ``Z``
(``nnn.nn.99.Z99``). ``UserFactory`` users have the password ``demo12345``, hashed once per
hasher configuration (hashing takes a third of a second with the default hasher).
"""

from __future__ import annotations

import datetime
import functools

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from motcua.accounts.models import OfficerRole, User
from motcua.org.models import AdministrativeUnit, Agency

REFORM_DATE = datetime.date(2025, 7, 1)
DEMO_PASSWORD = "demo12345"


@functools.cache
def _hashed(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def demo_password_hash() -> str:
    return _hashed(DEMO_PASSWORD, tuple(settings.PASSWORD_HASHERS))


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"9{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    division_type = "tỉnh"
    level = AdministrativeUnit.Level.PROVINCE
    parent = None
    valid_from = REFORM_DATE
    valid_to = None


class UnitFactory(DjangoModelFactory):
    """A commune (level ``commune``) under a fresh province unless ``parent`` is given."""

    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"9{n % 100000:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    division_type = "xã"
    level = AdministrativeUnit.Level.COMMUNE
    parent = factory.SubFactory(ProvinceFactory)
    valid_from = REFORM_DATE
    valid_to = None


class AgencyFactory(DjangoModelFactory):
    """An agency; ``path`` is maintained by ``Agency.save``. Pass ``parent=`` to nest it."""

    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"{(n // 100) % 1000:03d}.{n % 100:02d}.99.Z99")
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm {n}")
    kind = Agency.Kind.OTHER
    unit = factory.SubFactory(UnitFactory)
    parent = None
    is_active = True


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_officer = False
    password = factory.LazyFunction(demo_password_hash)


class OfficerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"officer{n}")
    is_officer = True


class CitizenFactory(UserFactory):
    """A citizen whose username is a structurally valid personal ID (Tây Ninh, male, 1990)."""

    personal_id = factory.Sequence(lambda n: f"072090{n % 1000000:06d}")
    username = factory.SelfAttribute("personal_id")


class OfficerRoleFactory(DjangoModelFactory):
    class Meta:
        model = OfficerRole

    user = factory.SubFactory(OfficerFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = OfficerRole.Role.DESK_OFFICER
