"""The population-register port: what an adapter must do, and the registry of adapters.

After Open Forms' prefill plugins (``openforms.prefill.base`` / ``registry``): an adapter is a
subclass of :class:`PopulationRegister` registered under a code with ``@registry("code")``;
:func:`get_register` builds the one the configuration (:mod:`motcua.registers.conf`) names.
Only :mod:`motcua.registers.services` should call adapters; the rest of motcua calls
:func:`motcua.registers.services.prefill`.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from motcua.registers.conf import RegisterConf, get_conf

#: The register fields an e-form may ask for — the whole vocabulary of the port.
#:
#: Value formats: dates ISO ``"YYYY-MM-DD"``; ``sex`` ``"nam"``/``"nu"``; ``permanent_address``
#: and ``current_address`` ``{"province", "commune", "detail", "text"}``; ``household.members``
#: a list of ``{"full_name", "personal_id", "birth_date", "sex", "relation"}``; every other
#: value a string.
REGISTER_FIELDS: tuple[str, ...] = (
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "nationality",
    "personal_id",
    "permanent_address",
    "current_address",
    "father.full_name",
    "father.personal_id",
    "mother.full_name",
    "mother.personal_id",
    "spouse.full_name",
    "spouse.personal_id",
    "household.head_name",
    "household.members",
    "phone",
)

ADDRESS_KEYS = ("province", "commune", "detail", "text")
MEMBER_KEYS = ("full_name", "personal_id", "birth_date", "sex", "relation")


class RegisterUnavailable(Exception):
    """The register cannot answer now (down, timing out, refusing our credentials, garbled)."""


def check_fields(fields: Collection[str]) -> list[str]:
    """``fields`` without duplicates, in :data:`REGISTER_FIELDS` order. Unknown keys are a
    programming error: :class:`ValueError` naming them."""
    unknown = sorted(set(fields) - set(REGISTER_FIELDS))
    if unknown:
        raise ValueError(f"unknown register fields: {', '.join(unknown)}")
    wanted = set(fields)
    return [key for key in REGISTER_FIELDS if key in wanted]


class PopulationRegister(ABC):
    """A source of facts about residents, keyed by the 12-digit personal ID number."""

    code: str = ""
    label: str = ""

    @classmethod
    def from_conf(cls, conf: RegisterConf) -> PopulationRegister:
        """Build the adapter from the configuration. Adapters with settings override this."""
        return cls()

    @abstractmethod
    def lookup(self, personal_id: str, fields: Collection[str]) -> dict[str, Any] | None:
        """Only the requested fields; None when the person is not in the register;
        RegisterUnavailable when it cannot answer.

        A requested field the register has no value for (no spouse, a parent not in the
        register) is left out of the answer.
        """

    def register_birth(self, *, full_name: str, birth_date: str, sex: str, province_code: str) -> str:
        """Enter a newborn in the register and return the personal ID number it was given (cấp số
        định danh cá nhân) — what the civil-status officer's software asks for when a birth is
        registered. ``birth_date`` is ISO, ``sex`` "nam"/"nu" (or "M"/"F"), ``province_code`` the
        three digits of the registering province. RegisterUnavailable when it cannot answer."""
        raise RegisterUnavailable(f"the {self.code or 'configured'} register cannot register births")


class Registry:
    """Adapters by code. ``@registry("builtin")`` on a :class:`PopulationRegister` subclass
    registers it and sets its ``code``. Tests may build their own :class:`Registry`."""

    def __init__(self) -> None:
        self._adapters: dict[str, type[PopulationRegister]] = {}

    def __call__(self, code: str) -> Callable[[type[PopulationRegister]], type[PopulationRegister]]:
        def decorator(cls: type[PopulationRegister]) -> type[PopulationRegister]:
            if code in self._adapters and self._adapters[code] is not cls:
                raise ValueError(f"a population register adapter is already registered as {code!r}")
            cls.code = code
            self._adapters[code] = cls
            return cls

        return decorator

    def __getitem__(self, code: str) -> type[PopulationRegister]:
        return self._adapters[code]

    def __contains__(self, code: object) -> bool:
        return code in self._adapters

    def __iter__(self) -> Iterator[type[PopulationRegister]]:
        return iter(self._adapters.values())

    def codes(self) -> list[str]:
        return sorted(self._adapters)


registry = Registry()


def _load_adapters() -> None:
    # The adapter modules register themselves on import (also done in AppConfig.ready()).
    from motcua.registers.adapters import builtin, http  # noqa: F401


def get_register(code: str | None = None, *, conf: RegisterConf | None = None) -> PopulationRegister:
    """The adapter named by ``code`` or, by default, by ``MOTCUA_POPULATION_REGISTER``.

    Raises :class:`~django.core.exceptions.ImproperlyConfigured` for an unknown code or an
    adapter missing its settings.
    """
    _load_adapters()
    conf = conf or get_conf()
    code = code or conf.adapter
    if code not in registry:
        raise ImproperlyConfigured(
            f"MOTCUA_POPULATION_REGISTER={code!r} is not a population register adapter; "
            f"choose one of: {', '.join(registry.codes())}."
        )
    # One adapter per thread and configuration, so the HTTP adapter's connection pool is reused
    # across lookups (requests sessions are not guaranteed to be thread-safe).
    cache = _instances.__dict__.setdefault("by_conf", {})
    key = (code, conf)
    if key not in cache:
        cache.clear()  # the configuration changed: drop the old adapter
        cache[key] = registry[code].from_conf(conf)
    return cache[key]


_instances = threading.local()
