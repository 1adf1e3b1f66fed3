"""Secrets the demo provider makes for itself on first start and keeps under ``var/``.

Nothing here is committed: the RSA key that signs the ID tokens and the Django secret key are
generated with ``cryptography``/``secrets`` when absent. Creation is atomic (write a temporary
file, then hard-link it into place), so several gunicorn workers starting together agree on
one key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The content of ``path``; when the file is missing, ``make()`` it first (mode 0600)."""
    if path.exists() and path.stat().st_size:
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(make())
        with contextlib.suppress(FileExistsError):  # another process won the race: use its file
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_bytes()


def new_rsa_private_key_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def new_secret_key() -> bytes:
    return secrets.token_urlsafe(50).encode()
