"""engine.store.records' pure pieces: transaction-time stamps and bounds, checksums, the schema registry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from engine.errors import StoreError
from engine.store.records import SCHEMAS, checksum, known_bound, utc_stamp


class TestStamps:
    @pytest.mark.parametrize(("given", "stamp"), [
        ("2013-09-10", "2013-09-10T00:00:00.000000Z"),
        ("2013-09-10T08:30Z", "2013-09-10T08:30:00.000000Z"),
        ("2013-09-10T15:30:00+07:00", "2013-09-10T08:30:00.000000Z"),
        ("2013-09-10 08:30:00.5", "2013-09-10T08:30:00.500000Z"),
        (date(2013, 9, 10), "2013-09-10T00:00:00.000000Z"),
        (datetime(2013, 9, 10, 8, 30), "2013-09-10T08:30:00.000000Z"),
    ])
    def test_one_way_of_writing_a_moment(self, given: object, stamp: str) -> None:
        """Dates, naive and aware times all become one UTC form, so text order is time order."""
        assert utc_stamp(given) == stamp  # type: ignore[arg-type]

    def test_bad_text(self) -> None:
        with pytest.raises(StoreError, match="recorded time must be an ISO date"):
            utc_stamp("10 Sep 2013")

    @given(st.datetimes(), st.datetimes())
    @example(datetime(999, 1, 1), datetime(2013, 1, 1))  # strftime wrote year 999 as '999', after '2013'
    def test_text_order_is_time_order(self, a: datetime, b: datetime) -> None:
        """Comparing stamps as text compares the moments, in any year."""
        assert (utc_stamp(a) < utc_stamp(b)) == (a < b)

    def test_known_at_a_date_covers_the_day(self) -> None:
        """Known at 10 September: everything recorded before 11 September, 00:00 UTC."""
        assert known_bound("2013-09-10") == known_bound(date(2013, 9, 10)) == "2013-09-11T00:00:00.000000Z"
        assert known_bound(None) is None

    def test_known_at_a_moment_includes_it(self) -> None:
        moment = datetime(2013, 9, 10, 8, 30, tzinfo=UTC)
        assert known_bound(moment) == utc_stamp(moment + timedelta(microseconds=1))


    @pytest.mark.parametrize(("given", "match"), [
        ("2013-02-30", "known-at must be a real date"),
        ("0001-01-01T00:00+01:00", "falls off the calendar"),
        ("9999-12-31T23:59-01:00", "falls off the calendar"),
    ])
    def test_moments_the_calendar_lacks_are_store_errors(self, given: str, match: str) -> None:
        """A day that does not exist, or a moment that leaves the calendar in UTC, is refused in one
        StoreError (they used to be ValueError and OverflowError tracebacks)."""
        with pytest.raises(StoreError, match=match):
            known_bound(given)

    @pytest.mark.parametrize("given", ["9999-12-31", "9999-12-31T23:59:59.999999Z", date.max])
    def test_known_at_the_end_of_the_calendar_is_everything(self, given: object) -> None:
        assert known_bound(given) is None  # type: ignore[arg-type]

    @given(st.datetimes(timezones=st.timezones()) | st.dates())
    def test_any_moment_gives_a_bound_or_a_store_error(self, moment: object) -> None:
        """Whatever the moment, the bound is a stamp, None (everything), or a StoreError; never another error."""
        try:
            bound = known_bound(moment)  # type: ignore[arg-type]
        except StoreError:
            return
        assert bound is None or bound.endswith("Z")


class TestChecksum:
    def test_every_part_counts(self) -> None:
        """Changing any part of a record, or the record before it, changes the checksum."""
        parts = [3, "event", "vote", 1, "2013-09-24", "2013-09-25T00:00:00.000000Z", None, '{"yes":68}', "abc"]
        base = checksum(*parts)  # type: ignore[arg-type]
        changed = [4, "correction", "rally", 2, "2013-09-23", "2013-09-25T00:00:00.000001Z", 2, '{"yes":69}', "abd"]
        for i, other in enumerate(changed):
            assert checksum(*[*parts[:i], other, *parts[i + 1:]]) != base  # type: ignore[arg-type]


class TestSchemas:
    def test_everything_is_at_version_one(self) -> None:
        """No stored payload needs upcasting yet: the engine's registry is empty."""
        assert SCHEMAS.current("vote") == 1
        assert SCHEMAS.upcast("vote", 1, {"yes": 1}) == {"yes": 1}

    def test_chain(self) -> None:
        """Upcasters run in order from the stored version to the current one."""
        schemas = SCHEMAS.register("vote", 1, lambda p: {**p, "a": 1}).register("vote", 2, lambda p: {**p, "b": 2})
        assert schemas.current("vote") == 3
        assert schemas.upcast("vote", 1, {}) == {"a": 1, "b": 2}
        assert schemas.upcast("vote", 2, {}) == {"b": 2}
        assert SCHEMAS.current("vote") == 1  # registering makes a new registry

    def test_future_versions(self) -> None:
        with pytest.raises(StoreError, match="newer than this impasse knows"):
            SCHEMAS.upcast("vote", 2, {})
