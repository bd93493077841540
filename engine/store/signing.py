"""Signed heads: a stream's head signed with an Ed25519 key its publisher holds (optional extra ``sign``).

A head (:class:`~engine.store.records.Head`) vouches for every record before it, but only as far as
the place it was kept: anyone who can write there can put another head in its place. A signature
says who published the head: whoever holds the private key. It is made over the stream, the version
and the digest together (:func:`signed_bytes`), so a signature can't be moved to another stream or
another version. Keys and signatures are bytes in and out here: the command line reads and writes
the files. ``cryptography`` is imported only when a key is made or used, so that the rest of the
engine needs none of it.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from engine.errors import StoreError
from engine.store.records import Head

__all__ = ["generate_key", "public_key_of", "sign_head", "signed_bytes", "verify_head"]

#: names what is signed, so that a signature over a head is never one over anything else
_PURPOSE = "impasse stream head"
_FORMAT = 1
_SIGNATURE_BYTES = 64


def _crypto() -> Any:
    """The ``cryptography`` primitives this module uses, or one line naming the extra to install."""
    try:
        from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        msg = "signed heads need the cryptography library: pip install 'impasse-engine[sign]'"
        raise StoreError(msg) from None
    return InvalidSignature, UnsupportedAlgorithm, serialization, ed25519


def signed_bytes(stream: str, head: Head) -> bytes:
    """What a signature covers: the purpose, the format, the stream, the version and the digest, as
    compact JSON (a stream name can hold any character; JSON keeps the fields apart)."""
    return json.dumps([_PURPOSE, _FORMAT, stream, head.version, head.digest], separators=(",", ":"),
                      ensure_ascii=False).encode()


def generate_key() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as PEM: (private key, unencrypted PKCS#8; public key, SubjectPublicKeyInfo)."""
    _, _, serialization, ed25519 = _crypto()
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return private, _public_pem(key.public_key())


def _public_pem(key: Any) -> bytes:
    serialization = _crypto()[2]
    return bytes(key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def _private_key(pem: bytes, name: str) -> Any:
    _, unsupported, serialization, ed25519 = _crypto()
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError:  # the key is encrypted
        msg = f"{name}: the private key is encrypted; impasse reads the unencrypted PEM 'impasse log keygen' writes"
        raise StoreError(msg) from None
    except (ValueError, unsupported):
        key = None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        msg = f"{name}: not an Ed25519 private key in PEM (make one with 'impasse log keygen')"
        raise StoreError(msg)
    return key


def public_key_of(private_pem: bytes, name: str = "private key") -> bytes:
    """The public key, as PEM, of a private key in PEM.

    Raises:
        StoreError: not an unencrypted Ed25519 private key, or ``cryptography`` not installed.
    """
    return _public_pem(_private_key(private_pem, name).public_key())


def sign_head(private_pem: bytes, stream: str, head: Head, name: str = "private key") -> str:
    """The signature of ``stream``'s ``head`` with the private key, in base64 (88 characters).

    Raises:
        StoreError: not an unencrypted Ed25519 private key, or ``cryptography`` not installed.
    """
    signature = _private_key(private_pem, name).sign(signed_bytes(stream, head))
    return base64.b64encode(signature).decode()


def verify_head(public_pem: bytes, stream: str, head: Head, signature: str, name: str = "public key") -> None:
    """Check that ``signature`` was made over ``stream``'s ``head`` with the private key of ``public_pem``.

    Raises:
        StoreError: the key is not an Ed25519 public key in PEM, the signature is not 64 bytes in
            base64, or it does not verify: another key signed it, or the stream, version, digest or
            signature was changed.
    """
    invalid, unsupported, serialization, ed25519 = _crypto()
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError, unsupported):
        key = None
    if not isinstance(key, ed25519.Ed25519PublicKey):
        msg = f"{name}: not an Ed25519 public key in PEM (the .pub file 'impasse log keygen' writes)"
        raise StoreError(msg)
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _SIGNATURE_BYTES:
        msg = (f"--signature: write the {_SIGNATURE_BYTES}-byte signature in base64, as 'impasse log head --sign' "
               f"prints it (got {signature[:100]!r})")
        raise StoreError(msg)
    try:
        key.verify(raw, signed_bytes(stream, head))
    except invalid:
        msg = (f"--signature: the signature of {stream}={head} does not verify with {name}: another key signed "
               "it, or the head or the signature was changed")
        raise StoreError(msg) from None
