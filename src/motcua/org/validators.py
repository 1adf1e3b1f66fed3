"""Validators for organisation codes."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Unit identifier code (mã định danh đơn vị) as used in dossier codes, QCVN 102:2016/BTTTT:
#: ``000.00.30.H53`` — level-3, level-2 and level-1 parts, then the province letter and number.
UNIT_IDENTIFIER_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")

UNIT_IDENTIFIER_CODE_MESSAGE = _(
    "Enter the unit identifier code in the form 000.00.00.H53: three digits, two digits, two digits "
    "and a capital letter followed by two digits, separated by dots."
)


def validate_unit_identifier_code(value: str) -> None:
    """Raise :class:`ValidationError` (code ``unit_identifier_code``) unless ``value`` matches
    ``^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}$``."""
    if not isinstance(value, str) or not UNIT_IDENTIFIER_CODE_RE.match(value):
        raise ValidationError(UNIT_IDENTIFIER_CODE_MESSAGE, code="unit_identifier_code")
