"""What every event store must do, whatever holds the records: subclass and define ``make_store``.

As in eventsourcing's ``tests/persistence.py``: append-only, atomic batches, stale expected
versions refused, corrections and retractions applied on read with the history kept, both time
axes, and a model-based property that reads always agree with a plain-list oracle.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.crisis import check_stream_pack
from engine.errors import StaleVersionError, StoreError
from engine.store.interface import EventStore
from engine.store.records import CORRECTION, EVENT, METADATA, RETRACTION
from engine.timeline.events import BoycottDeclared, DeadlineExpired, Event, ParliamentConvened, TalksHeld, VoteHeld

D = date(2013, 9, 1)


def talks(day: int, note: str | None = None) -> TalksHeld:
    """A talks_held event on 1 Sep 2013 + ``day`` days."""
    return TalksHeld(at=D + timedelta(days=day), source=("s",), parties=("CPP", "CNRP"), note=note)


def sitting(day: int, present: int) -> ParliamentConvened:
    return ParliamentConvened(at=D + timedelta(days=day), source=("s",), sitting="opening", present=present)


class Clock:
    """A settable clock for transaction times."""

    def __init__(self, start: datetime = datetime(2013, 9, 1, 12, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class EventStoreContract:
    """The behaviour of :class:`engine.store.interface.EventStore`. Subclasses provide ``make_store``."""

    def make_store(self, **kwargs: Any) -> EventStore:
        raise NotImplementedError

    @pytest.fixture(autouse=True)
    def _paths(self, tmp_path: Any) -> None:
        self.tmp_path = tmp_path

    @pytest.fixture
    def clock(self) -> Clock:
        return Clock()

    @pytest.fixture
    def store(self, clock: Clock) -> Any:
        store = self.make_store(clock=clock)
        yield store
        store.close()

    # --- appending ----------------------------------------------------------------

    def test_new_store_is_empty(self, store: EventStore) -> None:
        """A new store has no streams, and an unknown stream is at version 0."""
        assert store.streams() == ()
        assert store.version("nothing") == 0
        assert list(store.read("nothing")) == []

    def test_append_numbers_records_without_gaps(self, store: EventStore) -> None:
        """Each append returns the stream's new version; versions run 1, 2, 3… per stream."""
        assert store.append("a", [talks(0), talks(1)], 0) == 2
        assert store.append("a", [talks(2)], 2) == 3
        assert store.append("b", [talks(0)], 0) == 1
        assert store.versions() == {"a": 3, "b": 1}
        assert [r.version for r in store.history("a")] == [1, 2, 3]
        assert store.streams() == ("a", "b")

    def test_events_read_back_equal(self, store: EventStore) -> None:
        """What was appended reads back as equal events."""
        events = [talks(0, "x"), sitting(1, 68), VoteHeld(at=D + timedelta(days=2), source=("s",),
                                                           motion="vote_of_confidence", yes=68, present=68)]
        store.append("a", events, 0)
        assert list(store.read("a")) == events

    def test_stale_expected_version_is_refused(self, store: EventStore) -> None:
        """An append that expects an old version is refused whole; nothing is written or merged."""
        store.append("a", [talks(0)], 0)
        store.append("a", [talks(1)], 1)
        before = list(store.history("a"))
        with pytest.raises(StaleVersionError, match="at version 2, not 1") as info:
            store.append("a", [talks(2), talks(3)], 1)
        assert (info.value.expected, info.value.actual, info.value.stream) == (1, 2, "a")
        assert list(store.history("a")) == before

    def test_expected_version_ahead_is_refused(self, store: EventStore) -> None:
        """Expecting a version the stream has not reached is refused too (0 means a new stream)."""
        with pytest.raises(StaleVersionError):
            store.append("a", [talks(0)], 3)
        store.append("a", [talks(0)], 0)
        with pytest.raises(StaleVersionError):
            store.append("a", [talks(1)], 0)

    def test_no_expected_version_appends_at_the_end(self, store: EventStore) -> None:
        """Without an expected version the batch goes at the end, whatever the version."""
        store.append("a", [talks(0)])
        assert store.append("a", [talks(1)]) == 2

    def test_batch_is_all_or_nothing(self, store: EventStore) -> None:
        """A batch with one event that can't be recorded writes none of them."""
        derived = DeadlineExpired(at=D, source=("engine",), rule="r", due=D)
        with pytest.raises(StoreError, match="made by the engine"):
            store.append("a", [talks(0), derived], 0)
        with pytest.raises(StoreError, match="only events"):
            store.append("a", [talks(0), {"type": "talks_held"}], 0)  # type: ignore[list-item]
        assert store.version("a") == 0

    def test_bad_stream_names_are_refused(self, store: EventStore) -> None:
        """A stream is named with letters, digits, '.', '_', ':' and '-'."""
        for name in ("", " a", "a b", "-a", "a/b"):
            with pytest.raises(StoreError, match="stream name"):
                store.append(name, [talks(0)])

    def test_reads_are_streamed(self, store: EventStore) -> None:
        """read() returns an iterator, not a list: a long stream is never held whole."""
        store.append("a", [talks(i) for i in range(3)])
        reader = store.read("a")
        assert iter(reader) is reader
        assert next(reader) == talks(0)

    # --- order and time -----------------------------------------------------------

    def test_events_are_read_in_date_order(self, store: EventStore) -> None:
        """A fact recorded late takes its place by date; events of one day keep the order recorded."""
        store.append("a", [talks(5, "a"), talks(9, "b")])
        store.append("a", [talks(5, "c"), talks(1, "d")])
        assert [e.note for e in store.read("a")] == ["d", "a", "c", "b"]
        assert [e.version for e in store.entries("a")] == [4, 1, 3, 2]

    def test_read_at_a_valid_date(self, store: EventStore) -> None:
        """read(at=D) keeps the events that happened on or before D."""
        store.append("a", [talks(0), talks(3), talks(7)])
        assert [e.at for e in store.read("a", at=D + timedelta(days=3))] == [D, D + timedelta(days=3)]

    def test_transaction_times_come_from_the_clock(self, store: EventStore, clock: Clock) -> None:
        """Records are stamped with the injected clock, in UTC, to the microsecond."""
        store.append("a", [talks(0)])
        assert next(store.history("a")).recorded_at == "2013-09-01T12:00:00.000000Z"

    def test_a_clock_stepping_back_never_reorders(self, store: EventStore, clock: Clock) -> None:
        """If the clock goes back, records keep the last stamp: transaction time never decreases."""
        store.append("a", [talks(0)])
        clock.advance(hours=-5)
        store.append("a", [talks(1)])
        stamps = [r.recorded_at for r in store.history("a")]
        assert stamps == sorted(stamps)

    def test_given_transaction_time_cannot_go_back(self, store: EventStore) -> None:
        """An explicit recorded time before the stream's last one is refused."""
        store.append("a", [talks(0)], recorded_at="2013-09-10")
        with pytest.raises(StoreError, match="only moves forward"):
            store.append("a", [talks(1)], recorded_at="2013-09-09T23:59Z")

    def test_known_at_leaves_out_later_records(self, store: EventStore, clock: Clock) -> None:
        """read(known_at=D) uses only records made by the end of D (UTC)."""
        store.append("a", [talks(0, "first")])
        clock.advance(days=2)
        store.append("a", [talks(1, "second")])
        assert [e.note for e in store.read("a", known_at=date(2013, 9, 1))] == ["first"]
        assert [e.note for e in store.read("a", known_at="2013-09-03")] == ["first", "second"]
        assert [e.note for e in store.read("a", known_at=datetime(2013, 9, 1, 12, tzinfo=UTC))] == ["first"]
        assert [e.note for e in store.read("a", known_at="2013-09-01T11:59:59Z")] == []

    # --- corrections and retractions ----------------------------------------------

    def test_correction_is_applied_and_history_keeps_both(self, store: EventStore, clock: Clock) -> None:
        """Readers see the corrected event at the original's place; the history keeps the original."""
        store.append("a", [talks(0), sitting(1, 120), talks(2)])
        clock.advance(days=3)
        version = store.correct("a", 2, sitting(1, 68))
        assert version == 4
        assert [getattr(e, "present", None) for e in store.read("a")] == [None, 68, None]
        entries = list(store.entries("a"))
        assert (entries[1].version, entries[1].corrected_by) == (2, 4)
        kinds = [(r.kind, r.target) for r in store.history("a")]
        assert kinds == [(EVENT, None), (EVENT, None), (EVENT, None), (CORRECTION, 2)]
        assert store.event("a", 2).present == 68  # type: ignore[attr-defined]

    def test_correction_recorded_later_is_not_known_before(self, store: EventStore, clock: Clock) -> None:
        """As known before the correction was recorded, the stream reads as first recorded."""
        store.append("a", [sitting(1, 120)])
        clock.advance(days=3)
        store.correct("a", 1, sitting(1, 68))
        assert [e.present for e in store.read("a", known_at="2013-09-02")] == [120]  # type: ignore[attr-defined]
        assert [e.present for e in store.read("a", known_at="2013-09-04")] == [68]  # type: ignore[attr-defined]
        assert store.event("a", 1, known_at="2013-09-02").present == 120  # type: ignore[attr-defined]

    def test_the_last_correction_wins(self, store: EventStore) -> None:
        """Two corrections of one event: readers see the later."""
        store.append("a", [sitting(1, 120)])
        store.correct("a", 1, sitting(1, 68))
        store.correct("a", 1, sitting(1, 70))
        assert [e.present for e in store.read("a")] == [70]  # type: ignore[attr-defined]

    def test_correction_can_move_an_event(self, store: EventStore) -> None:
        """A corrected date moves the event to its new place, and in or out of an ``at`` window."""
        store.append("a", [talks(0, "a"), talks(5, "b"), talks(9, "c")])
        store.correct("a", 1, talks(7, "a"))
        assert [e.note for e in store.read("a")] == ["b", "a", "c"]
        assert [e.note for e in store.read("a", at=D + timedelta(days=6))] == ["b"]
        store.correct("a", 3, talks(1, "c"))
        assert [e.note for e in store.read("a", at=D + timedelta(days=6))] == ["c", "b"]

    def test_correction_can_change_the_type(self, store: EventStore) -> None:
        """A fact recorded as talks that were in fact a boycott is corrected to a boycott."""
        store.append("a", [talks(0)])
        boycott = BoycottDeclared(at=D, source=("s",), party="CNRP")
        store.correct("a", 1, boycott)
        assert list(store.read("a")) == [boycott]

    def test_retraction_hides_and_history_keeps(self, store: EventStore) -> None:
        """A retracted event is gone from reads, and still in the history."""
        store.append("a", [talks(0, "a"), talks(1, "b")])
        store.retract("a", 1, reason="duplicate", source=["editor"])
        assert [e.note for e in store.read("a")] == ["b"]
        last = list(store.history("a"))[-1]
        assert (last.kind, last.target, last.data()) == (RETRACTION, 1, {"reason": "duplicate", "source": ["editor"]})
        with pytest.raises(StoreError, match="retracted"):
            store.event("a", 1)

    def test_correction_after_retraction_reinstates(self, store: EventStore) -> None:
        """Retracted, then corrected: the last word is the correction."""
        store.append("a", [talks(0, "a")])
        store.retract("a", 1)
        store.correct("a", 1, talks(0, "again"))
        assert [e.note for e in store.read("a")] == ["again"]

    def test_corrections_must_name_an_event(self, store: EventStore) -> None:
        """A correction or retraction naming no record, or a record that is no event, is refused."""
        store.append("a", [talks(0)])
        store.correct("a", 1, talks(0, "x"))
        for version in (0, 3, 2, 99):
            with pytest.raises(StoreError, match="must name an event record"):
                store.correct("a", version, talks(0))
            with pytest.raises(StoreError, match="must name an event record"):
                store.retract("a", version)
        assert store.version("a") == 2

    def test_corrections_take_expected_versions(self, store: EventStore) -> None:
        """A correction made on a stale reading is refused like any append."""
        store.append("a", [talks(0)])
        store.append("a", [talks(1)])
        with pytest.raises(StaleVersionError):
            store.correct("a", 1, talks(0, "x"), 1)
        with pytest.raises(StaleVersionError):
            store.retract("a", 1, expected_version=1)

    # --- metadata -----------------------------------------------------------------

    def test_metadata_latest_wins_and_is_bitemporal(self, store: EventStore, clock: Clock) -> None:
        """The last metadata recorded is the stream's; as known at a date, the last by then."""
        store.set_metadata("a", {"constitution": "kh", "interpretations": ["cpp-majority-suffices"]})
        clock.advance(days=2)
        store.append("a", [talks(0)], metadata={"constitution": "kh", "title": "T"})
        assert store.metadata("a") == {"constitution": "kh", "title": "T"}
        assert store.metadata("a", known_at="2013-09-01")["interpretations"] == ["cpp-majority-suffices"]
        assert [r.kind for r in store.history("a")] == [METADATA, METADATA, EVENT]

    def test_bad_metadata_is_refused(self, store: EventStore) -> None:
        """Unknown keys, packs, bodies and readings are refused before anything is written.

        The store refuses unknown keys itself; packs, bodies and readings are checked by
        :func:`engine.crisis.check_stream_pack`, which whoever records metadata from a user calls
        first (the store sits below the packs), so they are exercised through that path.
        """
        def record(metadata: dict[str, Any]) -> None:
            check_stream_pack(metadata)
            store.set_metadata("a", metadata)

        with pytest.raises(StoreError, match="unknown stream metadata"):
            store.set_metadata("a", {"constitutoin": "kh"})
        with pytest.raises(StoreError, match="no body"):
            record({"constitution": "kh", "body": "senate"})
        with pytest.raises(LookupError):
            record({"constitution": "kh", "interpretations": ["nope"]})
        with pytest.raises(LookupError):
            record({"constitution": "kx"})
        assert store.version("a") == 0

    # --- checking and moving ------------------------------------------------------

    def test_verify_passes_on_a_sound_store(self, store: EventStore) -> None:
        """Everything the interface writes verifies."""
        store.set_metadata("a", {"constitution": "kh"})
        store.append("a", [talks(0), sitting(1, 120)])
        store.correct("a", 3, sitting(1, 68))
        store.retract("a", 2)
        store.append("b", [talks(4)])
        assert store.verify() == ()

    def test_jsonl_round_trip_keeps_the_history(self, store: EventStore, clock: Clock) -> None:
        """Export then import into a new stream: the same records, times, checksums and reading."""
        store.set_metadata("a", {"constitution": "kh"})
        store.append("a", [talks(0), sitting(1, 120)])
        clock.advance(days=1)
        store.correct("a", 3, sitting(1, 68))
        store.retract("a", 2)
        out = io.StringIO()
        assert store.export_jsonl("a", out) == 5
        store.import_jsonl("b", out.getvalue().splitlines(), 0)
        strip = [attrs.evolve(r, stream="") for r in store.history("a")]
        assert [attrs.evolve(r, stream="") for r in store.history("b")] == strip
        assert list(store.read("b")) == list(store.read("a"))
        assert store.verify() == ()

    # --- a model-based property ---------------------------------------------------

    # one method, run by each storage's subclass: Hypothesis sees two executors, which is the point
    # here (each example makes its own store, so no state leaks between them)
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.differing_executors])
    @given(st.lists(st.one_of(
        st.tuples(st.just("append"), st.lists(st.integers(0, 9), min_size=1, max_size=3)),
        st.tuples(st.just("correct"), st.integers(1, 12), st.integers(0, 9)),
        st.tuples(st.just("retract"), st.integers(1, 12)),
        st.tuples(st.just("tick"), st.integers(0, 30)),
    ), max_size=12), st.integers(0, 12), st.integers(0, 9))
    def test_reads_agree_with_a_list_model(self, ops: list, known_step: int, at_day: int) -> None:
        """After any operations, read(at, known_at) equals replaying a plain list of what was recorded."""
        clock = Clock()
        store = self.make_store(clock=clock)
        try:
            model: list[tuple[str, int | None, Event | None, datetime]] = []  # kind, target, event, recorded
            cut = None
            for step, op in enumerate(ops):
                if op[0] == "append":
                    events = [talks(day, f"{step}.{i}") for i, day in enumerate(op[1])]
                    store.append("s", events, len(model))
                    model += [(EVENT, None, e, clock.now) for e in events]
                elif op[0] in ("correct", "retract"):
                    target = op[1]
                    ok = target <= len(model) and model[target - 1][0] == EVENT
                    try:
                        if op[0] == "correct":
                            store.correct("s", target, talks(op[2], f"fix{step}"), len(model))
                        else:
                            store.retract("s", target, expected_version=len(model))
                    except StoreError:
                        assert not ok
                        continue
                    assert ok
                    model.append((CORRECTION if op[0] == "correct" else RETRACTION, target,
                                  talks(op[2], f"fix{step}") if op[0] == "correct" else None, clock.now))
                else:
                    clock.advance(days=op[1])
                if step == known_step:
                    cut = clock.now
            at = D + timedelta(days=at_day)
            known = [m for m in model if cut is None or m[3] <= cut]
            current: dict[int, Event | None] = {}
            for version, (kind, target, event, _) in enumerate(known, 1):
                if kind == EVENT:
                    current[version] = event
                else:
                    current[target] = event  # type: ignore[index]
            expected = sorted(((e.at, v), e) for v, e in current.items() if e is not None and e.at <= at)
            got = list(store.read("s", at=at, known_at=cut))
            assert got == [e for _, e in expected]
            assert store.verify() == ()
        finally:
            store.close()
