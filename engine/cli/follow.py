"""``impasse log follow``: print a stream's new events as they are appended, with the findings each
draws and the deadlines running, until interrupted (docs/scale.md).

The store waits (:meth:`engine.store.interface.EventStore.wait`: LISTEN/NOTIFY on PostgreSQL, a look
at the stream's version every 0.2 s on SQLite); :class:`engine.report.follow.Follower` replays and
words. Ctrl-C ends it quietly, exit code 0, as does the reader of its output going away.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

import click

from engine.errors import StoreError

__all__ = ["follow"]

#: how long one wait lasts before the loop looks again (it wakes at once when a record comes): also how
#: long Ctrl-C may take to be heard while nothing is appended
_WAIT = 0.5


@click.command()
@click.argument("given", metavar="[STORE]", required=False)
@click.option("--store", "store", metavar="STORE",
              help="The store (or give it first, as the other 'log' commands take it): a SQLite file or a "
                   "postgresql:// URL. Default: $IMPASSE_STORE.")
@click.option("--stream", "-s", required=True, metavar="ID", help="The stream to follow.")
@click.option("--from-start", is_flag=True,
              help="First print every event the stream holds, judged; default: only a summary of where it stands.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one JSON object per line (JSON Lines), each with a 'kind': start, step, refused, "
                   "record, unjudged, rejudged or now; 'impasse schema follow' gives the schema of a line.")
def follow(given: str | None, store: str | None, stream: str, from_start: bool, fmt: str) -> None:
    """Follow a stream live: print each event appended, the findings it draws and the deadlines running.

    Starts with where the stream stands (its version, the impasse, the deadlines running; every event
    with --from-start), then waits. An event appended from anywhere is printed within a second: at
    once on PostgreSQL (LISTEN/NOTIFY), within 0.2 s on SQLite (which is polled). A correction, a
    retraction or an event dated before the last replays the stream from the start. Ctrl-C stops.

    With --format json each line is one JSON object, flushed as it is written, for a dashboard or
    a script to read as the events come (a step's object is the one 'impasse replay --format json'
    writes in its steps; the state's, the one 'impasse state --format json' writes).

    \b
    Examples:
      impasse log follow crisis.db --stream kh-2013
      impasse log follow --store postgresql://desk@db.example/crisis --stream kh-2013 --from-start
      impasse log follow crisis.db -s kh-2013 --format json | jq -c 'select(.kind == "step")'
    """
    from engine.report.follow import Follower, json_lines, text_lines
    from engine.store.opening import ENV, open_store, store_location

    if given is not None and store is not None and given != store:
        msg = f"two stores given ({given!r} and --store {store!r}): give one"
        raise StoreError(msg)
    location = store_location(given if given is not None else store)
    if location is None:
        msg = f"give the store to follow: STORE (or --store STORE), or set {ENV}"
        raise StoreError(msg)
    stop: list[int] = []
    # Ctrl-C is the way to stop following, not an error: it is noted, and heard between two calls to the
    # store, never in the middle of one (a transaction cut short would leave the driver complaining)
    installed = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda number, frame: stop.append(number)) if installed else None
    try:
        with open_store(location) as opened:
            follower = Follower(opened, stream)
            words = json_lines if fmt == "json" else text_lines
            _echo(words(follower.start_entries(from_start=from_start)))
            while not stop:
                if opened.wait(stream, follower.seen, _WAIT) > follower.seen and not stop:
                    _echo(words(follower.update_entries()))
    except KeyboardInterrupt:  # where no handler could be set (not the main thread)
        return
    except BrokenPipeError:  # the reader went away (follow … | head): stop as quietly
        # nothing more reaches the closed pipe, not even the interpreter's last flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    finally:
        if installed:
            signal.signal(signal.SIGINT, previous)


def _echo(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)  # flushed: a reader at the other end of a pipe gets each line as it comes
