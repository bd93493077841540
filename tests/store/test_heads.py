"""Published heads: what verify detects against a head kept outside the store, and what it can't
without one (docs/store.md, "What verify detects")."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli.main import cli
from engine.errors import StoreError
from engine.store.opening import open_store
from engine.store.records import Head, checksum
from tests.store.store_contract import talks


def _store(tmp_path: Path, n: int = 6) -> Path:
    path = tmp_path / "s.db"
    with open_store(path, create=True) as store:
        store.append("s", [talks(i) for i in range(n)])
    return path


def _behind_its_back(path: Path, *statements: tuple[str, tuple]) -> None:
    """Edit the file as a careful attacker with write access would: the triggers dropped, the edit
    made, the triggers put back."""
    db = sqlite3.connect(path)
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER {name}")
    for sql, args in statements:
        db.execute(sql, args)
    for _, sql in triggers:
        db.execute(sql)
    db.commit()
    db.close()


def _rechain(path: Path, stream: str) -> None:
    """Recompute every checksum of a stream in order, as a careful forger would."""
    db = sqlite3.connect(path)
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER {name}")
    rows = db.execute("SELECT version, kind, type, schema, valid, recorded_at, target, payload FROM records "
                      "WHERE stream = ? ORDER BY version", (stream,)).fetchall()
    previous = ""
    for row in rows:
        previous = checksum(*row, previous)
        db.execute("UPDATE records SET checksum = ? WHERE stream = ? AND version = ?", (previous, stream, row[0]))
    for _, sql in triggers:
        db.execute(sql)
    db.commit()
    db.close()


class TestHead:
    def test_the_head_is_the_last_record_and_its_chained_checksum(self, tmp_path: Path) -> None:
        """Six records: the head is version 6 and the checksum verify recomputes for it."""
        with open_store(_store(tmp_path)) as store:
            head = store.head("s")
            assert head.version == 6 and len(head.digest) == 64
            assert store.verify({"s": head}) == ()
            with pytest.raises(StoreError, match="no stream 'x'"):
                store.head("x")

    @pytest.mark.parametrize("text", ["6", "6:abc", "x:" + "0" * 64, "0:" + "0" * 64, "6:" + "g" * 64])
    def test_a_malformed_head_is_refused(self, text: str) -> None:
        with pytest.raises(StoreError, match="VERSION:DIGEST"):
            Head.parse(text)

    def test_a_head_reads_back_as_printed(self) -> None:
        head = Head(12, "ab" * 32)
        assert Head.parse(str(head)) == head and Head.parse(f" {str(head).upper()} ") == head


class TestWhatAHeadDetects:
    def test_truncation_passes_without_a_head_and_is_found_with_one(self, tmp_path: Path) -> None:
        """The last two records deleted: the chain still holds, but not the published head."""
        path = _store(tmp_path)
        with open_store(path) as store:
            head = store.head("s")
        _behind_its_back(path, ("DELETE FROM records WHERE stream = 's' AND version > 4", ()))
        with open_store(path) as store:
            assert store.verify() == ()  # what verify cannot know on its own
            (problem,) = store.verify({"s": head})
        assert problem.version == 6 and "truncated" in problem.reason and "ends at version 4" in problem.reason

    def test_a_rewrite_rechained_passes_without_a_head_and_is_found_with_one(self, tmp_path: Path) -> None:
        """A payload rewritten and every checksum recomputed: sound to verify alone, not against the head."""
        path = _store(tmp_path)
        with open_store(path) as store:
            head = store.head("s")
            payload = next(r.payload for r in store._records("s") if r.version == 2)
        forged = payload.replace('"CPP"', '"FUNCINPEC"')
        _behind_its_back(path, ("UPDATE records SET payload = ? WHERE stream = 's' AND version = 2", (forged,)))
        with open_store(path) as store:
            assert [p.version for p in store.verify()] == [2]  # its checksum no longer matches
        _rechain(path, "s")
        with open_store(path) as store:
            assert store.verify() == ()
            (problem,) = store.verify({"s": head})
        assert "rewritten" in problem.reason

    def test_a_stream_that_grew_still_holds_an_older_head(self, tmp_path: Path) -> None:
        """Appends after a head was published are fine: the head's record is still there, unchanged."""
        path = _store(tmp_path)
        with open_store(path) as store:
            head = store.head("s")
            store.append("s", [talks(10)])
            assert store.verify({"s": head}) == ()

    def test_a_deleted_stream_with_a_published_head_is_found(self, tmp_path: Path) -> None:
        path = _store(tmp_path)
        with open_store(path) as store:
            head = store.head("s")
        _behind_its_back(path, ("DELETE FROM records WHERE stream = 's'", ()))
        with open_store(path) as store:
            (problem,) = store.verify({"s": head})
        assert "no such stream" in problem.reason

    @settings(max_examples=15, deadline=None)
    @given(cut=st.integers(min_value=1, max_value=5))
    def test_any_cut_is_found_against_the_head(self, tmp_path_factory: pytest.TempPathFactory, cut: int) -> None:
        """Whatever number of last records is deleted, the published head reports the truncation."""
        path = _store(tmp_path_factory.mktemp("cut"))
        with open_store(path) as store:
            head = store.head("s")
        _behind_its_back(path, ("DELETE FROM records WHERE stream = 's' AND version > ?", (6 - cut,)))
        with open_store(path) as store:
            assert [p.reason.split(":")[0] for p in store.verify({"s": head})] == ["truncated"]


class TestCommands:
    def test_head_then_verify_against_it(self, runner, tmp_path: Path) -> None:
        """'log head' prints STREAM VERSION:DIGEST; 'log verify --head STREAM=...' reports a truncation, exit 2."""
        path = _store(tmp_path)
        printed = runner.invoke(cli, ["log", "head", str(path), "-s", "s"])
        assert printed.exit_code == 0
        stream, head = printed.stdout.split()
        assert stream == "s" and head.startswith("6:")
        ok = runner.invoke(cli, ["log", "verify", str(path), "--head", f"s={head}"])
        assert ok.exit_code == 0 and "1 published head(s) found unchanged" in ok.stdout
        _behind_its_back(path, ("DELETE FROM records WHERE stream = 's' AND version = 6", ()))
        bad = runner.invoke(cli, ["log", "verify", str(path), "--head", f"s={head}"])
        assert bad.exit_code == 2 and "s@6: truncated" in bad.stdout
        wrong = runner.invoke(cli, ["log", "verify", str(path), "--head", head])
        assert wrong.exit_code == 2 and "STREAM=VERSION:DIGEST" in wrong.stderr


@pytest.fixture(scope="module")
def keys() -> tuple[bytes, bytes]:
    """An Ed25519 key pair (PEM), made once for the module."""
    pytest.importorskip("cryptography")
    from engine.store.signing import generate_key

    return generate_key()


HEAD = Head(30, "a3" * 32)


class TestSignedHeads:
    """A head signed with the publisher's key: the signature covers stream, version and digest together."""

    def test_a_signature_verifies_with_the_public_key(self, keys: tuple[bytes, bytes]) -> None:
        from engine.store.signing import public_key_of, sign_head, verify_head

        private, public = keys
        signature = sign_head(private, "kh-2013", HEAD)
        assert len(signature) == 88 and public_key_of(private) == public
        verify_head(public, "kh-2013", HEAD, signature)

    @pytest.mark.parametrize(("stream", "head"), [("kh-2014", HEAD), ("kh-2013", Head(29, HEAD.digest)),
                                                  ("kh-2013", Head(30, "b3" + HEAD.digest[2:]))])
    def test_a_changed_stream_version_or_digest_is_refused(self, keys: tuple[bytes, bytes], stream: str,
                                                          head: Head) -> None:
        from engine.store.signing import sign_head, verify_head

        private, public = keys
        signature = sign_head(private, "kh-2013", HEAD)
        with pytest.raises(StoreError, match="does not verify"):
            verify_head(public, stream, head, signature)

    def test_a_tampered_signature_is_refused(self, keys: tuple[bytes, bytes]) -> None:
        import base64

        from engine.store.signing import sign_head, verify_head

        private, public = keys
        raw = bytearray(base64.b64decode(sign_head(private, "kh-2013", HEAD)))
        raw[10] ^= 1
        with pytest.raises(StoreError, match="does not verify"):
            verify_head(public, "kh-2013", HEAD, base64.b64encode(bytes(raw)).decode())
        for text in ("", "not base64!", base64.b64encode(bytes(raw[:63])).decode()):
            with pytest.raises(StoreError, match="64-byte signature in base64"):
                verify_head(public, "kh-2013", HEAD, text)

    def test_another_key_is_refused(self, keys: tuple[bytes, bytes]) -> None:
        from engine.store.signing import generate_key, sign_head, verify_head

        private, _ = keys
        _, other = generate_key()
        with pytest.raises(StoreError, match="another key signed it"):
            verify_head(other, "kh-2013", HEAD, sign_head(private, "kh-2013", HEAD))

    def test_keys_that_are_not_ed25519_pem_are_refused(self, keys: tuple[bytes, bytes]) -> None:
        """A public key given as the private one, text that is no key, an encrypted key: one message each."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519

        from engine.store.signing import sign_head, verify_head

        private, public = keys
        for wrong in (public, b"hello", b""):
            with pytest.raises(StoreError, match="not an Ed25519 private key"):
                sign_head(wrong, "s", HEAD)
        with pytest.raises(StoreError, match="not an Ed25519 public key"):
            verify_head(private, "s", HEAD, "A" * 88)
        locked = ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"))
        with pytest.raises(StoreError, match="encrypted"):
            sign_head(locked, "s", HEAD)

    def test_without_cryptography_one_line_names_the_extra(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import sys

        from engine.store.signing import generate_key

        for name in [m for m in sys.modules if m == "cryptography" or m.startswith("cryptography.")]:
            monkeypatch.setitem(sys.modules, name, None)
        with pytest.raises(StoreError, match=r"pip install 'impasse-engine\[sign\]'"):
            generate_key()

    @settings(max_examples=25, deadline=None)
    @given(stream=st.text(min_size=1, max_size=30), version=st.integers(1, 10**9),
           digest=st.text("0123456789abcdef", min_size=64, max_size=64), other=st.text(min_size=1, max_size=30))
    def test_a_signature_holds_for_its_own_head_only(self, keys: tuple[bytes, bytes], stream: str, version: int,
                                                     digest: str, other: str) -> None:
        """Any stream name (JSON keeps it apart from the version): the signature verifies for the head
        it was made over, and for no other stream's."""
        from engine.store.signing import sign_head, signed_bytes, verify_head

        private, public = keys
        head = Head(version, digest)
        signature = sign_head(private, stream, head)
        verify_head(public, stream, head, signature)
        if other != stream:
            assert signed_bytes(other, head) != signed_bytes(stream, head)
            with pytest.raises(StoreError, match="does not verify"):
                verify_head(public, other, head, signature)
