"""``impasse log``: record a crisis as it unfolds in an append-only event store (docs/store.md).

Each command parses its arguments (events from options and files: :mod:`engine.files.event_input`),
makes one call to the store (:mod:`engine.store.interface`), and renders the result
(:mod:`engine.report.log_text`). Every :class:`~engine.errors.ImpasseError` becomes one line on
stderr and exit code 2.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from engine.cli.completion import complete_packs, complete_readings, complete_streams
from engine.cli.follow import follow
from engine.cli.log_keys import check_signature, keygen, signature_for
from engine.cli.params import DATE, OneLineErrors
from engine.cli.vocabulary import old_spelling
from engine.crisis import check_stream_pack, scenario_from_store, scenario_metadata
from engine.errors import InputError, ScenarioError, StoreError
from engine.files.event_input import event_from_fields, events_from_yaml, replacement_from_fields
from engine.files.located_yaml import open_regular, read_file
from engine.report.log_text import entries_json, entries_text, history_json, history_text, streams_json, streams_text
from engine.store.interface import EventStore
from engine.store.jsonl import bounded_lines
from engine.store.opening import open_store
from engine.store.records import Head, strict_event

__all__ = ["log"]


_DATE = DATE
_STORE = click.argument("store", type=click.Path(dir_okay=False), metavar="STORE")
_STREAM = click.option("--stream", "-s", required=True, metavar="ID", shell_complete=complete_streams,
                       help="The stream (one per crisis).")
_EXPECTED = click.option("--expected-version", "-e", type=click.IntRange(min=0), metavar="N",
                         help="Refuse to write unless the stream is at version N (what you last read).")
_RECORDED = click.option("--recorded-at", metavar="WHEN",
                         help="Transaction time to record (ISO date or date-time, UTC); default: now. "
                              "For back-filling a record kept elsewhere; it can't precede the stream's last record.")
_FIELDS = click.option("--field", "-f", "fields", multiple=True, metavar="KEY=VALUE",
                       help="A field of the event (repeatable); VALUE is read as YAML: 68, true, {CPP: 68}.")
_SOURCES = click.option("--source", "sources", multiple=True, metavar="TEXT",
                        help="A source: URL or citation (repeatable).")


def _meta_options(func: Any) -> Any:
    options = [
        click.option("--constitution", metavar="PACK", shell_complete=complete_packs,
                     help="Stream metadata: the constitution pack (e.g. kh)."),
        click.option("--body", metavar="BODY", help="Stream metadata: the body (default: the pack's first)."),
        click.option("--interpretation", "-i", "interpretations", multiple=True, metavar="READING",
                     shell_complete=complete_readings,
                     help="Stream metadata: a reading to judge under (repeatable)."),
        click.option("--party", "parties", multiple=True, metavar="ID[=NAME]",
                     help="Stream metadata: a party (repeatable)."),
        click.option("--title", help="Stream metadata: a title."),
        click.option("--country", help="Stream metadata: the country."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _metadata(constitution: str | None, body: str | None, interpretations: tuple[str, ...],
              parties: tuple[str, ...], title: str | None, country: str | None) -> dict[str, Any]:
    given: dict[str, Any] = {"constitution": constitution, "body": body, "title": title, "country": country}
    if interpretations:
        given["interpretations"] = list(interpretations)
    if parties:
        given["parties"] = [dict(zip(("id", "name"), p.split("=", 1), strict=True)) if "=" in p
                            else {"id": p, "name": p} for p in parties]
    return {k: v for k, v in given.items() if v is not None}


def _open(path: str, *, create: bool = False) -> EventStore:
    return open_store(path, create=create)


@click.group(name="log", cls=OneLineErrors)
def log() -> None:
    """Record a crisis as it unfolds: an append-only event store.

    \b
    Start a stream, record an event, correct it, and see the stream as known on two days (the
    records' transaction times given with --recorded-at, to tell the story; by default: now):
      impasse log init crisis.db -s kh-2013 --constitution kh -i opposition-120-to-open \\
          --recorded-at 2013-09-08
      impasse log append crisis.db -s kh-2013 parliament_convened --at 2013-09-23 \\
          -f sitting=opening -f present=120 --source "wire report" --recorded-at 2013-09-23
      impasse log correct crisis.db -s kh-2013 --target 2 -f present=68 --source "Cambodia Daily" \\
          --recorded-at 2013-09-24
      impasse log show crisis.db -s kh-2013 --known-at 2013-09-23      (present=120)
      impasse log show crisis.db -s kh-2013                            (present=68)
      impasse log show crisis.db -s kh-2013 --history
    Move whole streams: 'import' a scenario file or JSON Lines, 'export' them back; 'verify'
    checks versions, checksums and schemas. See docs/store.md.
    """


@log.command()
@_STORE
@click.option("--stream", "-s", metavar="ID", shell_complete=complete_streams,
              help="Also record this stream's metadata (with the options below).")
@_RECORDED
@_meta_options
def init(store: str, stream: str | None, recorded_at: str | None, **meta: Any) -> None:
    """Make an event store in the file STORE: a new or empty file (a store already there is left as it is;
    any other file is refused, unchanged)."""
    metadata = _metadata(**meta)
    if metadata and not stream:
        msg = "stream metadata (--constitution, --interpretation, …) needs --stream ID"
        raise StoreError(msg)
    with _open(store, create=True) as opened:
        click.echo(f"event store {opened.name}: {len(opened.streams())} stream(s)")  # a URL without its password
        if stream and metadata:
            merged = {**opened.metadata(stream), **metadata}
            check_stream_pack(merged)
            version = opened.set_metadata(stream, merged, recorded_at=recorded_at)
            click.echo(f"stream {stream}: metadata recorded as version {version}")


@log.command()
@_STORE
@_STREAM
@click.argument("type_name", required=False, metavar="[TYPE]")
@click.option("--at", "-a", "at", type=_DATE, help="When the event happened (YYYY-MM-DD).")
@_SOURCES
@_FIELDS
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False), metavar="EVENTS.yaml",
              help="Append every event listed in this YAML file (a list, or a mapping with 'events').")
@_EXPECTED
@_RECORDED
@_meta_options
def append(store: str, stream: str, type_name: str | None, at: date | None, sources: tuple[str, ...],
           fields: tuple[str, ...], file: str | None, expected_version: int | None, recorded_at: str | None,
           **meta: Any) -> None:
    """Append one event (TYPE --at DATE -f KEY=VALUE…) or a file of events to a stream, all or none.

    \b
    Examples:
      impasse log append crisis.db -s kh-2013 boycott_declared --at 2013-09-17 -f party=CNRP --source AFP
      impasse log append crisis.db -s kh-2013 parliament_convened --at 2013-09-23 \\
          -f sitting=opening -f present=68 --source "Cambodia Daily" --expected-version 4
      impasse log append crisis.db -s kh-2013 --file new-events.yaml
    """
    if (type_name is None) == (file is None):
        msg = "give either an event TYPE (with --at and fields) or --file EVENTS.yaml, not both or neither"
        raise StoreError(msg)
    if file is not None:
        if at or sources or fields:
            msg = "--at, --source and --field go with a TYPE, not with --file"
            raise StoreError(msg)
        events = events_from_yaml(read_file(file, ScenarioError, "events file"), file, build=strict_event)
    elif type_name is not None:  # always, by the check above; said again for the type checker
        if at is None:
            msg = f"a {type_name} event needs --at DATE (when it happened)"
            raise StoreError(msg)
        events = [event_from_fields(type_name, at, sources, fields, build=strict_event)]
    with _open(store) as opened:
        metadata = _metadata(**meta)
        merged = {**opened.metadata(stream), **metadata} if metadata else None
        if merged:
            check_stream_pack(merged)
        version = opened.append(stream, events, expected_version, recorded_at=recorded_at, metadata=merged)
    first = version - len(events) + 1
    span = f"version {version}" if len(events) == 1 else f"versions {first}-{version}"
    click.echo(f"appended {len(events)} event(s) to {stream} as {span}"
               + (f", after its metadata (version {first - 1})" if metadata else ""))


@log.command()
@_STORE
@click.option("--stream", "-s", metavar="ID", shell_complete=complete_streams,
              help="The stream; without it, list the streams.")
@click.option("--at", "-a", "at", type=_DATE, help="Only events that happened by this date.")
@click.option("--known-at", metavar="WHEN", help="The stream as recorded by then (a date means its end, UTC).")
@click.option("--history", is_flag=True, help="Every record as written: events, corrections, retractions, metadata.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show(store: str, stream: str | None, at: date | None, known_at: str | None, history: bool, fmt: str) -> None:
    """Show a stream's events as now understood (corrections applied), or its whole history."""
    with _open(store) as opened:
        if stream is None:
            versions = opened.versions()
            click.echo(streams_json(store, versions) if fmt == "json" else streams_text(store, versions))
            return
        if not opened.version(stream):
            raise StoreError(f"{store} has no stream {stream!r}"
                             + (f" (streams: {', '.join(opened.streams())})" if opened.streams() else ""))
        if history:
            records = list(opened.history(stream, known_at=known_at))
            click.echo(history_json(store, stream, records, known_at=known_at) if fmt == "json"
                       else history_text(records))
            return
        entries = list(opened.entries(stream, at=at, known_at=known_at))
        meta = opened.metadata(stream, known_at=known_at)
        version = opened.version(stream)
    if fmt == "json":
        click.echo(entries_json(store, stream, entries, meta, version, at=at, known_at=known_at))
    else:
        click.echo(entries_text(stream, entries, meta, version, at=at, known_at=known_at))


@log.command(name="import")
@_STORE
@_STREAM
@click.argument("file", type=click.Path(exists=True, dir_okay=False), metavar="FILE")
@click.option("--expected-version", "-e", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="The stream's version now: 0 starts a new stream; N adds to one at version N.")
@_RECORDED
def import_(store: str, stream: str, file: str, expected_version: int, recorded_at: str | None) -> None:
    """Import FILE into a stream: a scenario file (YAML), or JSON Lines (an export, or one event per line).

    A scenario brings its metadata (pack, body, readings, parties) and its events. An export keeps
    every record's transaction time, corrections and retractions.
    """
    with _open(store) as opened:
        if _is_jsonl(file):
            # lines are read as bytes and decoded one by one, so a line that is not UTF-8 is named
            with open_regular(file, InputError, "JSON Lines file") as lines:
                version = opened.import_jsonl(stream, bounded_lines(lines, file), expected_version,
                                              recorded_at=recorded_at, path=file)
        else:
            from engine.files.scenarios import load_scenario

            scenario = load_scenario(file)
            metadata = scenario_metadata(scenario)
            check_stream_pack(metadata)
            version = opened.append(stream, scenario.events, expected_version, recorded_at=recorded_at,
                                    metadata=metadata)
    click.echo(f"imported {version - expected_version} record(s) into {stream}: now at version {version}")


@log.command()
@_STORE
@_STREAM
@click.option("--format", "fmt", type=click.Choice(["jsonl", "yaml"]), default="jsonl", show_default=True,
              help="jsonl: every record (the full history); yaml: a scenario file of the events as understood.")
@click.option("--at", "-a", "at", type=_DATE, help="yaml: only events that happened by this date.")
@click.option("--known-at", metavar="WHEN", help="yaml: the stream as recorded by then.")
def export(store: str, stream: str, fmt: str, at: date | None, known_at: str | None) -> None:
    """Write a stream to stdout: JSON Lines (lossless) or a scenario file (YAML)."""
    with _open(store) as opened:
        if not opened.version(stream):
            msg = f"{store} has no stream {stream!r}"
            raise StoreError(msg)
        if fmt == "jsonl":
            opened.export_jsonl(stream, sys.stdout)
            return
        import yaml

        from engine.files.scenarios import dump_scenario

        data = dump_scenario(scenario_from_store(opened, stream, at=at, known_at=known_at))
    click.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), nl=False)


@log.command()
@_STORE
@_STREAM
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: STREAM VERSION:DIGEST; json: an object.")
@click.option("--sign", "key_file", type=click.Path(dir_okay=False), metavar="PRIVATE_KEY_FILE",
              help="Sign the head with this Ed25519 key ('log keygen'); the signature follows the head.")
def head(store: str, stream: str, fmt: str, key_file: str | None) -> None:
    """Print a stream's head (its last version and chained checksum) to publish or keep elsewhere.

    With the head kept outside the store, 'impasse log verify STORE --head STREAM=VERSION:DIGEST'
    detects a stream cut short or rewritten and re-chained since (docs/store.md).

    \b
    Example:
      impasse log head crisis.db -s kh-2013
    """
    with _open(store) as opened:
        found = opened.head(stream)
    signed = {} if key_file is None else {"signature": signature_for(key_file, stream, found)}
    if fmt == "json":
        click.echo(json.dumps({"stream": stream, "version": found.version, "digest": found.digest,
                               "head": str(found), **signed}, indent=2))
    else:
        click.echo(" ".join([stream, str(found), *signed.values()]))


def _heads(given: tuple[str, ...]) -> dict[str, Head]:
    heads: dict[str, Head] = {}
    for text in given:
        stream, sep, value = text.rpartition("=")
        if not sep or not stream:
            msg = f"--head: write STREAM=VERSION:DIGEST, as 'impasse log head' prints it (got {text!r})"
            raise StoreError(msg)
        heads[stream] = Head.parse(value)
    return heads


@log.command()
@_STORE
@click.option("--head", "heads", multiple=True, metavar="STREAM=VERSION:DIGEST",
              help="A head published earlier (repeatable): the stream must still hold it, unchanged.")
@click.option("--signature", metavar="SIG", help="The head's signature ('log head --sign'), checked first.")
@click.option("--public-key", "public_key", type=click.Path(dir_okay=False), metavar="FILE",
              help="The signer's public key (the .pub 'log keygen' wrote), to check --signature with.")
def verify(store: str, heads: tuple[str, ...], signature: str | None, public_key: str | None) -> None:
    """Check every record: versions without gaps, checksums, schema versions, payloads.

    The checksums are chained, so a record changed alone is found; a stream cut short, or rewritten
    with its checksums chained again, is found only against a head kept outside the store (--head).

    Exit code 0 when the store is sound; 2, with one line per problem, when it is not.
    """
    published = _heads(heads)
    signed = check_signature(published, signature, public_key)
    with _open(store) as opened:
        problems = opened.verify(published)
        versions = opened.versions()
        store = opened.name  # a URL without its password
    if problems:
        for problem in problems:
            click.echo(f"{store}: {problem}")
        msg = f"{store}: {len(problems)} problem(s) found"
        raise StoreError(msg)
    against = f"; {len(published)} published head(s) found unchanged" if published else ""
    click.echo(f"ok: {store}: {len(versions)} stream(s), {sum(versions.values())} record(s); versions contiguous, "
               f"checksums chained, schema versions known, payloads valid{against}{signed}")


@log.command()
@_STORE
@_STREAM
@click.option("--target", "-t", "version", type=click.IntRange(min=1), required=True, metavar="N",
              help="The stream version of the event to correct (see 'log show').")
@old_spelling("--version", "-v", now="--target", dest="version")
@click.option("--at", "-a", "at", type=_DATE, help="Correct the date the event happened.")
@_SOURCES
@_FIELDS
@_EXPECTED
@_RECORDED
def correct(store: str, stream: str, version: int, at: date | None, sources: tuple[str, ...],
            fields: tuple[str, ...], expected_version: int | None, recorded_at: str | None) -> None:
    """Record a correction of the event at version N: the fields given change, the rest stay.

    The original stays in the history. --source replaces the event's sources with the ones that
    support the correction.

    \b
    Example:
      impasse log correct crisis.db -s kh-2013 --target 7 -f present=68 --source "NEC, 24 Sep 2013"
    """
    if not (at or sources or fields):
        msg = "a correction needs at least one of --field, --at or --source"
        raise StoreError(msg)
    with _open(store) as opened:
        # read the version first: a concurrent correction of the same event is refused, not overwritten
        expected = opened.version(stream) if expected_version is None else expected_version
        replacement = replacement_from_fields(opened.event(stream, version), at, sources, fields, build=strict_event)
        new = opened.correct(stream, version, replacement, expected, recorded_at=recorded_at)
    click.echo(f"corrected version {version} of {stream}: correction recorded as version {new}")


@log.command()
@_STORE
@_STREAM
@click.option("--target", "-t", "version", type=click.IntRange(min=1), required=True, metavar="N",
              help="The stream version of the event to retract (see 'log show').")
@old_spelling("--version", "-v", now="--target", dest="version")
@click.option("--reason", help="Why it should not have been recorded.")
@_SOURCES
@_EXPECTED
@_RECORDED
def retract(store: str, stream: str, version: int, reason: str | None, sources: tuple[str, ...],
            expected_version: int | None, recorded_at: str | None) -> None:
    """Record that the event at version N should not have been recorded (it stays in the history)."""
    with _open(store) as opened:
        expected = opened.version(stream) if expected_version is None else expected_version
        opened.event(stream, version)  # refuse a version that is no event, or is already retracted
        new = opened.retract(stream, version, reason=reason, source=sources, expected_version=expected,
                             recorded_at=recorded_at)
    click.echo(f"retracted version {version} of {stream}: retraction recorded as version {new}")


log.add_command(follow)


# --------------------------------------------------------------------------- helpers


def _is_jsonl(path: str) -> bool:
    if path.endswith((".jsonl", ".ndjson", ".json")):
        return True
    if path.endswith((".yaml", ".yml")):
        return False
    with open_regular(path, InputError) as f:
        return f.read(64).lstrip().startswith(b"{")


log.add_command(keygen)
