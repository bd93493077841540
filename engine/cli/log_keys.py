"""``impasse log keygen`` and the key files behind ``log head --sign`` and ``log verify --signature``.

The signing itself is :mod:`engine.store.signing`'s; this module reads and writes the key files: a
private key is written once, readable by its owner only, and never overwritten; key files are read
as regular files of bounded size, like every other file the command line reads.
"""

from __future__ import annotations

import os

import click

from engine.errors import InputError, StoreError
from engine.files.located_yaml import read_file
from engine.store.records import Head
from engine.store.signing import generate_key, sign_head, verify_head

__all__ = ["check_signature", "keygen", "signature_for"]

_KEY_BYTES = 64 * 1024  # an Ed25519 key in PEM is about 120 bytes: anything far larger is not one


def _write_new(path: str, data: bytes, mode: int) -> None:
    """Write a new file with ``mode``; an existing file is never replaced (a key overwritten is lost)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:
        msg = f"cannot create the key file: {exc.strerror or exc}"
        raise InputError(msg, path=path) from None
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), mode)  # the umask may have taken bits off the public key's mode
        f.write(data)


@click.command()
@click.argument("private_key", type=click.Path(dir_okay=False), metavar="PRIVATE_KEY_FILE")
def keygen(private_key: str) -> None:
    """Make an Ed25519 key pair to sign stream heads with (needs the 'sign' extra).

    The private key goes to PRIVATE_KEY_FILE (PEM, mode 0600: keep it to yourself), the public key
    beside it to PRIVATE_KEY_FILE.pub, and is printed: give it to whoever checks your heads with
    'impasse log verify --signature ... --public-key ...'. Existing files are never overwritten.

    \b
    Example:
      impasse log keygen heads.pem
    """
    public_path = private_key + ".pub"
    for path in (private_key, public_path):
        if os.path.lexists(path):
            msg = "exists: a key file is never overwritten (remove it, or pick another name)"
            raise InputError(msg, path=path)
    private, public = generate_key()
    _write_new(private_key, private, 0o600)
    _write_new(public_path, public, 0o644)
    click.echo(f"private key: {private_key} (mode 0600: keep it to yourself)")
    click.echo(f"public key: {public_path}")
    click.echo(public.decode(), nl=False)


def signature_for(key_file: str, stream: str, head: Head) -> str:
    """The signature of ``stream``'s ``head`` with the private key in ``key_file`` (base64)."""
    return sign_head(read_file(key_file, InputError, "private key", limit=_KEY_BYTES), stream, head, key_file)


def check_signature(heads: dict[str, Head], signature: str | None, public_key: str | None) -> str:
    """Check ``--signature`` over the one ``--head`` given, with ``--public-key``; the words to add to
    verify's report, empty when no signature was given.

    Raises:
        StoreError: a signature without a public key or the other way round, not exactly one head,
            or a signature that does not verify.
    """
    if signature is None and public_key is None:
        return ""
    if signature is None or public_key is None:
        msg = "--signature and --public-key go together: the signature 'log head --sign' printed, and the key's .pub"
        raise StoreError(msg)
    if len(heads) != 1:
        msg = f"--signature checks one head: give exactly one --head STREAM=VERSION:DIGEST (got {len(heads)})"
        raise StoreError(msg)
    ((stream, head),) = heads.items()
    verify_head(read_file(public_key, InputError, "public key", limit=_KEY_BYTES), stream, head, signature,
                public_key)
    return f"; the head's signature verified with {public_key}"
