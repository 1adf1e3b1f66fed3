"""Where the signing key comes from: a real certificate by configuration, or the demo CA.

Configuration (environment, or the same names in Django settings):

``MOTCUA_SIGNING_PKCS12``
    path of a PKCS#12 (.p12/.pfx) file holding the agency's signing key and certificate
    (and, ideally, its chain). When set, the demo CA is never used.
``MOTCUA_SIGNING_PASSPHRASE``
    its passphrase.
``MOTCUA_SIGNING_TRUST_ROOTS``
    optional PEM file with one or more root certificates that verification trusts (e.g. the
    national root CA, plus the demo CA to keep old demo results verifiable). Without it the
    self-signed certificates inside the PKCS#12 are trusted.
``MOTCUA_SIGNING_DIR``
    where the demo CA lives (default ``<VAR_DIR>/signing``). Never commit this folder.

The demo material — a root "motcua Demo CA (Tây Ninh)" and a signing certificate for
"UBND tỉnh Tây Ninh (demo)" in a passphrase-protected PKCS#12 — is made with ``cryptography``
by ``motcua setup_signing`` (run by ``motcua demo``) or lazily on first use. It is idempotent:
existing material is reused, never replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CA_NAME = "motcua Demo CA (Tây Ninh)"
SIGNER_NAME = "UBND tỉnh Tây Ninh (demo)"
CA_CERT_FILE = "demo-ca.pem"
CA_KEY_FILE = "demo-ca.key.pem"
SIGNER_FILE = "signer.p12"
PASSPHRASE_FILE = "passphrase.txt"


class SigningConfigError(Exception):
    """The signing key cannot be loaded (missing file, wrong passphrase, …)."""


@dataclass(frozen=True)
class SigningConfig:
    pkcs12_path: Path
    passphrase: bytes
    trust_roots_pem: Path | None = None
    demo: bool = False


def _setting(name: str) -> str:
    return os.environ.get(name) or str(getattr(settings, name, "") or "")


def signing_dir() -> Path:
    configured = _setting("MOTCUA_SIGNING_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "signing"


def signing_config() -> SigningConfig:
    """The configured certificate, or the demo CA (made now if it does not exist yet)."""
    p12 = _setting("MOTCUA_SIGNING_PKCS12")
    if p12:
        roots = _setting("MOTCUA_SIGNING_TRUST_ROOTS")
        return SigningConfig(
            pkcs12_path=Path(p12),
            passphrase=_setting("MOTCUA_SIGNING_PASSPHRASE").encode(),
            trust_roots_pem=Path(roots) if roots else None,
        )
    directory = ensure_demo_ca()
    return SigningConfig(
        pkcs12_path=directory / SIGNER_FILE,
        passphrase=(directory / PASSPHRASE_FILE).read_text().strip().encode(),
        trust_roots_pem=directory / CA_CERT_FILE,
        demo=True,
    )


@contextmanager
def _locked(directory: Path):
    """Serialise first-time creation across processes (two workers may start at once)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover — not POSIX
        yield
        return
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _complete(directory: Path) -> bool:
    return all((directory / name).exists() for name in (CA_CERT_FILE, SIGNER_FILE, PASSPHRASE_FILE))


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def ensure_demo_ca(directory: Path | None = None) -> Path:
    """Make the demo CA and signer in ``directory`` unless they are there; return the folder.

    Idempotent: a complete set of files is reused as it is.
    """
    directory = Path(directory or signing_dir())
    if _complete(directory):
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    with _locked(directory):
        if _complete(directory):
            return directory
        _create_demo_material(directory)
    return directory


def _create_demo_material(directory: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    passphrase = secrets.token_urlsafe(24)

    def name(common: str, org: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Tây Ninh"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                x509.NameAttribute(NameOID.COMMON_NAME, common),
            ]
        )

    def usage(**flags: bool) -> x509.KeyUsage:
        keys = (
            "digital_signature content_commitment key_encipherment data_encipherment key_agreement "
            "key_cert_sign crl_sign encipher_only decipher_only"
        ).split()
        return x509.KeyUsage(**{k: flags.get(k, False) for k in keys})

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name(CA_NAME, "motcua (demo)")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(SIGNER_NAME, SIGNER_NAME))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CODE_SIGNING]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(passphrase.encode())
    p12 = pkcs12.serialize_key_and_certificates(b"motcua-signer", key, cert, [ca_cert], encryption)
    ca_key_pem = ca_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    # Written under the lock, the PKCS#12 last: a set that passes _complete() is whole.
    _write_private(directory / PASSPHRASE_FILE, passphrase.encode() + b"\n")
    _write_private(directory / CA_KEY_FILE, ca_key_pem)
    (directory / CA_CERT_FILE).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    _write_private(directory / SIGNER_FILE, p12)
    (directory / "README.txt").write_text(
        "Demo signing material made by motcua (setup_signing). NOT for production; never commit.\n"
        "Configure a real certificate with MOTCUA_SIGNING_PKCS12 / MOTCUA_SIGNING_PASSPHRASE.\n"
    )
