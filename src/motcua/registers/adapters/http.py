"""A population register reached over a data-exchange platform (NDXP / a provincial LGSP).

Contract (docs/registers.md, "HTTP contract")::

    POST {base}/citizens/lookup
    Authorization: Bearer {token}
    Content-Type: application/json
    {"personal_id": "080195000002", "fields": ["full_name", "birth_date"]}

    200 {"personal_id": "080195000002", "data": {"full_name": "…", "birth_date": "1995-03-12"}}
    404 the person is not in the register
    other 4xx: our request or credentials are wrong — not retried
    5xx, connection failure: retried with backoff, then "unavailable"
    read timeout: not retried (the citizen is waiting), "unavailable"

The answer is trimmed to the fields asked for, whatever the platform sends.

Birth registration (the civil-status software asking for a newborn's personal ID number)::

    POST {base}/citizens/births
    {"full_name": "…", "birth_date": "2026-11-20", "sex": "nu", "province_code": "072"}

    201 {"personal_id": "072326000123"}
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection
from typing import Any

import requests
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from motcua.registers.conf import RegisterConf
from motcua.registers.ports import PopulationRegister, RegisterUnavailable, check_fields, registry

logger = logging.getLogger(__name__)

LOOKUP_PATH = "/citizens/lookup"
BIRTHS_PATH = "/citizens/births"
RETRY_STATUSES = frozenset({500, 502, 503, 504})


def _session(retries: int, backoff: float) -> requests.Session:
    retry = Retry(
        total=retries,
        connect=retries,
        read=0,  # a read timeout is not retried: the citizen is waiting
        status=retries,
        other=0,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"POST"}),  # a lookup reads; repeating it is harmless
        raise_on_status=False,
        respect_retry_after_header=False,  # keep the wait bounded
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@registry("http")
class HttpRegister(PopulationRegister):
    label = _("National population database through the data-exchange platform (HTTP JSON)")

    def __init__(
        self,
        *,
        base_url: str,
        token: str = "",
        connect_timeout: float = 3.0,
        read_timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.3,
    ) -> None:
        if not base_url:
            raise ImproperlyConfigured(
                "MOTCUA_POPULATION_REGISTER=http needs MOTCUA_POPULATION_REGISTER_URL, the base URL "
                "of the data-exchange platform."
            )
        self.url = base_url.rstrip("/") + LOOKUP_PATH
        self.births_url = base_url.rstrip("/") + BIRTHS_PATH
        self.token = token
        self.timeout = (connect_timeout, read_timeout)
        self.session = _session(retries, backoff)

    @classmethod
    def from_conf(cls, conf: RegisterConf) -> HttpRegister:
        return cls(
            base_url=conf.url,
            token=conf.token,
            connect_timeout=conf.connect_timeout,
            read_timeout=conf.read_timeout,
            retries=conf.retries,
            backoff=conf.backoff,
        )

    def lookup(self, personal_id: str, fields: Collection[str]) -> dict[str, Any] | None:
        wanted = check_fields(fields)
        request_id = str(uuid.uuid4())
        headers = {"Accept": "application/json", "X-Request-ID": request_id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.session.post(
                self.url,
                json={"personal_id": personal_id, "fields": wanted},
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            # Never log the exception text: some carry the request body.
            logger.warning("population register: %s (request %s)", type(exc).__name__, request_id)
            raise RegisterUnavailable(f"no answer from the register ({type(exc).__name__})") from exc

        if response.status_code == 404:
            return None
        if response.status_code != 200:
            logger.warning("population register: HTTP %s (request %s)", response.status_code, request_id)
            raise RegisterUnavailable(f"the register answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise RegisterUnavailable("the register's answer is not JSON") from exc
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise RegisterUnavailable("the register's answer has no 'data' object")
        if body.get("personal_id") not in (None, personal_id):
            # An answer about somebody else is worse than none.
            raise RegisterUnavailable("the register answered about another personal ID")
        return {key: data[key] for key in wanted if data.get(key) not in (None, "", [])}

    def register_birth(self, *, full_name: str, birth_date: str, sex: str, province_code: str) -> str:
        from motcua.accounts.personal_id import parse_personal_id

        request_id = str(uuid.uuid4())
        headers = {"Accept": "application/json", "X-Request-ID": request_id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.session.post(
                self.births_url,
                json={
                    "full_name": full_name,
                    "birth_date": birth_date,
                    "sex": sex,
                    "province_code": province_code,
                },
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            logger.warning("population register (births): %s (request %s)", type(exc).__name__, request_id)
            raise RegisterUnavailable(f"no answer from the register ({type(exc).__name__})") from exc
        if response.status_code not in (200, 201):
            raise RegisterUnavailable(f"the register answered HTTP {response.status_code}")
        try:
            number = str(response.json().get("personal_id", ""))
        except (ValueError, AttributeError) as exc:
            raise RegisterUnavailable("the register's answer is not a JSON object") from exc
        if not parse_personal_id(number).valid:
            raise RegisterUnavailable("the register answered with an invalid personal ID number")
        return number
