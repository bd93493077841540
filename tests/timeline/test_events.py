"""Events: frozen attrs classes in one registry, strict (un)structuring, validated fields."""

from __future__ import annotations

from datetime import date, time

import attrs
import cattrs
import pytest

from engine.timeline.events import REGISTRY, ParliamentConvened, VoteHeld, converter, structure_event, unstructure_event


class TestRegistry:
    @pytest.mark.parametrize("name", sorted(REGISTRY))
    def test_every_class_is_frozen_with_a_source(self, name: str) -> None:
        """Every registered event is a frozen attrs class with date, source and its type name."""
        cls = REGISTRY[name]
        assert attrs.has(cls)
        assert name == cls.TYPE
        names = {a.name for a in attrs.fields(cls)}
        assert {"at", "source", "note", "id"} <= names
        event = cls.__new__(cls)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            event.at = date(2000, 1, 1)  # type: ignore[misc]


class TestStructuring:
    def test_round_trip(self) -> None:
        """A structured event unstructures to data that structures back to an equal event."""
        data = {"type": "parliament_convened", "at": "2013-09-23", "source": "x", "sitting": "opening",
                "present_by_party": {"CPP": 68}, "convened_by": "King"}
        event = structure_event(data)
        assert isinstance(event, ParliamentConvened)
        assert event.members_present == 68
        assert structure_event(unstructure_event(event)) == event

    def test_strings_are_not_numbers(self) -> None:
        """'70' is refused for a count, not silently converted."""
        with pytest.raises(cattrs.BaseValidationError):
            structure_event({"type": "vote", "at": "2013-09-24", "source": "x", "motion": "vote_of_confidence",
                             "yes": "70"})

    def test_votes_cannot_exceed_present(self) -> None:
        """yes + no + abstain above the members present is refused, naming 'present'."""
        with pytest.raises(ValueError, match="'present' \\(68\\) is less than yes \\+ no \\+ abstain \\+ invalid \\(70\\)"):
            VoteHeld(at=date(2013, 9, 24), source="x", motion="vote_of_confidence", yes=70, present=68)

    def test_present_by_party_must_add_up(self) -> None:
        """A per-party attendance that contradicts the total is refused."""
        with pytest.raises(ValueError, match="adds up to 68 but 'present' is 70"):
            ParliamentConvened(at=date(2013, 9, 23), source="x", present=70, present_by_party={"CPP": 68})

    def test_unknown_motion_suggests(self) -> None:
        """A misspelt motion gets a suggestion."""
        with pytest.raises(ValueError, match="did you mean 'vote_of_confidence'"):
            VoteHeld(at=date(2013, 9, 24), source="x", motion="vote_of_confidance", yes=1)

    def test_a_time_is_text_never_a_number(self) -> None:
        """A number is refused as a time of day, whether YAML 1.1 made it of an unquoted 10:30 (630) or it
        was written 1030: it used to be read as minutes, so 1030 became 17:10 without a word."""
        for minutes in (630, 1030):
            with pytest.raises(ValueError, match=f"must be a time of day written HH:MM \\(got {minutes}\\)"):
                converter.structure(minutes, time)
        assert converter.structure("10:30", time) == time(10, 30)


def test_recordable_types_are_the_registry_less_the_derived_ones() -> None:
    """Packs check deadline anchors against RECORDABLE_TYPES: every type a scenario may record, once."""
    from engine.timeline.events import DERIVED_TYPES, RECORDABLE_TYPES

    assert len(set(RECORDABLE_TYPES)) == len(RECORDABLE_TYPES)
    assert set(RECORDABLE_TYPES) == set(REGISTRY) - DERIVED_TYPES
    assert "deadline_expired" not in RECORDABLE_TYPES and "vote" in RECORDABLE_TYPES
