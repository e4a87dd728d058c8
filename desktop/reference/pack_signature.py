"""Ed25519 signatures on shared reference packs (PyNaCl, i.e. libsodium; no Qt).

A pack's checksums are made by whoever writes the pack, so a share anyone can write to
could carry a forged pack with matching checksums. A clinic that wants only its own
packs used gives each workstation the clinic's **public** key:

* the setting ``pack_public_key`` in the user folder's ``settings.json``, or
* ``$QUICKREF_PACK_PUBKEY`` (wins over the setting);

either the PEM text itself, the path of a PEM file, or the 32-byte raw key in base64.
Then a pack is used only when ``<pack>.json.sig`` beside its metadata is a valid
Ed25519 signature, by that key, over the exact bytes of the metadata JSON (which
carries the database's SHA-256 and size, so the signature covers the database too).
A key that is configured but cannot be read means no pack is used (fail closed).

IT signs with the private key, kept off the share::

    openssl genpkey -algorithm ed25519 -out clinic-pack-key.pem     # once
    openssl pkey -in clinic-pack-key.pem -pubout -out clinic-pack-key.pub.pem
    quickref db export-pack /srv/share/quickref
    quickref db sign-pack /srv/share/quickref --key clinic-pack-key.pem

The ``.sig`` file is the base64 of the 64-byte signature (raw 64 bytes are accepted too).
Keys are read from PEM as OpenSSL writes them (SubjectPublicKeyInfo and PKCS#8, RFC 8410);
the DER of an Ed25519 key is fixed apart from its 32 key bytes, so it is checked byte for
byte here rather than parsed by a general ASN.1 reader.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop import safe_io, userdirs

if TYPE_CHECKING:
    from nacl.signing import SigningKey

ENV_PUBKEY = "QUICKREF_PACK_PUBKEY"
SETTING = "pack_public_key"
SIG_SUFFIX = ".sig"
MAX_KEY_BYTES = 16 * 1024
MAX_SIG_BYTES = 1024


class SignatureError(Exception):
    """A key or signature that cannot be used. ``str(exc)`` is meant for a person."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    raw: bytes  # the 32 key bytes
    origin: str  # where it was configured, for messages

    @property
    def fingerprint(self) -> str:
        import hashlib

        return "ed25519:" + hashlib.sha256(self.raw).hexdigest()[:16]


def configured_key_text() -> tuple[str, str] | None:
    """(the configured value, where it came from), or None when no key is configured."""
    env = os.environ.get(ENV_PUBKEY, "").strip()
    if env:
        return env, f"${ENV_PUBKEY}"
    value = userdirs.read_settings().get(SETTING)
    if isinstance(value, str) and value.strip():
        return value.strip(), f"the {SETTING} setting"
    if value is not None and not isinstance(value, str):
        return repr(value)[:80], f"the {SETTING} setting"
    return None


# RFC 8410: the DER of an Ed25519 SubjectPublicKeyInfo and of a PKCS#8 private key (v1,
# OpenSSL's output; v2 "OneAsymmetricKey" adds the public key after the seed).
_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
_PKCS8_V1_PREFIX = bytes.fromhex("302e020100300506032b657004220420")
_PKCS8_V2_HEAD = bytes.fromhex("3051020101300506032b657004220420")


def _pem_body(data: bytes, label: str) -> bytes | None:
    """The DER inside ``-----BEGIN <label>-----`` ... ``-----END <label>-----``, or None."""
    text = data.decode("ascii", "replace")
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    if begin not in text or end not in text:
        return None
    body = text.split(begin, 1)[1].split(end, 1)[0]
    try:
        return base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _raw_from_pem(data: bytes, origin: str) -> bytes:
    der = _pem_body(data, "PUBLIC KEY")
    if der is None:
        raise SignatureError(f"{origin}: not a PEM public key")
    if len(der) != len(_SPKI_PREFIX) + 32 or not der.startswith(_SPKI_PREFIX):
        raise SignatureError(f"{origin}: the public key is not an Ed25519 key")
    return der[len(_SPKI_PREFIX) :]


def parse_public_key(value: str, origin: str) -> PublicKey:
    """The key from a configured value (PEM text, a PEM file's path, or base64 raw)."""
    if "-----BEGIN" in value:
        return PublicKey(_raw_from_pem(value.encode("ascii", "replace"), origin), origin)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 32:
        return PublicKey(raw, origin)
    path = Path(value).expanduser()
    try:
        data = safe_io.read_bounded(path, MAX_KEY_BYTES)
    except (OSError, ValueError) as exc:
        raise SignatureError(
            f"{origin}: {safe_io.echo(value, 120)} is neither a public key nor a readable "
            f"key file ({exc})"
        ) from None
    return PublicKey(_raw_from_pem(data, f"{origin} ({safe_io.echo(path)})"), origin)


def configured_key() -> PublicKey | None:
    """The clinic's public key if one is configured; SignatureError if it is unusable."""
    found = configured_key_text()
    if found is None:
        return None
    return parse_public_key(*found)


def signature_path(meta_path: Path) -> Path:
    return meta_path.with_name(meta_path.name + SIG_SUFFIX)


def _decode_signature(data: bytes) -> bytes:
    if len(data) == 64:
        return data
    try:
        sig = base64.b64decode(data.strip(), validate=True)
    except (binascii.Error, ValueError):
        sig = b""
    if len(sig) != 64:
        raise SignatureError("the signature file is not an Ed25519 signature (64 bytes, base64)")
    return sig


def verify(meta_bytes: bytes, meta_path: Path, key: PublicKey) -> None:
    """Raise SignatureError unless ``meta_path``'s .sig signs ``meta_bytes`` with ``key``."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    sig_path = signature_path(meta_path)
    try:
        data = safe_io.read_bounded(sig_path, MAX_SIG_BYTES)
    except safe_io.NotRegularFileError as exc:
        if exc.reason == "does not exist":
            raise SignatureError(
                f"not signed ({sig_path.name} is missing) and this workstation accepts "
                f"only packs signed with the clinic's key {key.fingerprint}"
            ) from None
        raise SignatureError(f"signature {exc}") from None
    except (OSError, ValueError) as exc:
        raise SignatureError(f"signature unreadable ({exc})") from None
    sig = _decode_signature(data)
    try:
        VerifyKey(key.raw).verify(meta_bytes, sig)
    except BadSignatureError:
        raise SignatureError(
            f"the signature does not match the clinic's key {key.fingerprint} "
            "(signed by another key, or the metadata was changed)"
        ) from None


def _private_key(key_path: Path) -> SigningKey:
    from nacl.signing import SigningKey

    try:
        data = safe_io.read_bounded(key_path, MAX_KEY_BYTES)
    except (OSError, ValueError) as exc:
        raise SignatureError(f"the private key cannot be read: {exc}") from None
    der = _pem_body(data, "PRIVATE KEY")
    if der is None:
        raise SignatureError(
            f"{safe_io.echo(key_path)}: not an unencrypted PEM private key"
            " (-----BEGIN PRIVATE KEY-----)"
        )
    v1 = len(der) == len(_PKCS8_V1_PREFIX) + 32 and der.startswith(_PKCS8_V1_PREFIX)
    v2 = len(der) > len(_PKCS8_V2_HEAD) + 32 and der.startswith(_PKCS8_V2_HEAD)
    if not (v1 or v2):
        raise SignatureError(f"{safe_io.echo(key_path)}: not an Ed25519 private key")
    seed = der[len(_PKCS8_V1_PREFIX) : len(_PKCS8_V1_PREFIX) + 32]
    return SigningKey(seed)


def sign_file(meta_path: Path, key_path: Path) -> Path:
    """Write ``<meta>.sig`` for the pack metadata ``meta_path``; return its path."""
    key = _private_key(key_path)
    try:
        data = safe_io.read_bounded(meta_path, safe_io.JSON_MAX_BYTES)
    except (OSError, ValueError) as exc:
        raise SignatureError(f"the pack metadata cannot be read: {exc}") from None
    sig = base64.b64encode(key.sign(data).signature) + b"\n"
    out = signature_path(meta_path)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(sig)
    os.replace(tmp, out)
    return out


def sign_packs(target: Path, key_path: Path) -> list[tuple[Path, str]]:
    """Sign one pack (its ``.json``) or every valid pack in a folder; [(metadata, what)].

    Only a pack that passes every check a workstation makes (its database whole, its
    checksums matching) is signed, so a pack dropped on the share by someone else and
    damaged on the way is not blessed. Look at what is listed: signing vouches for it.
    """
    from desktop.reference import paths

    target = Path(target)
    _private_key(key_path)  # fail before anything else on a bad key
    metas = sorted(target.glob("quickref-*.json")) if target.is_dir() else [target]
    if not metas:
        raise SignatureError(f"{safe_io.echo(target)}: no pack (quickref-*.json) to sign")
    out: list[tuple[Path, str]] = []
    problems: list[str] = []
    for meta in metas:
        result = paths.check_pack(meta)
        if isinstance(result, str):
            problems.append(result)
            continue
        sign_file(meta, key_path)
        out.append((meta, f"data version {result.data_version}, database {result.db.name}"))
    if not out:
        raise SignatureError("no valid pack to sign: " + "; ".join(problems))
    return out
