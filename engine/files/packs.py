"""Loading constitution packs (YAML) into :class:`engine.rules.constitution.Constitution`.

Built-in packs live in ``engine/constitutions/<id>.yaml``; any other path to a YAML file works too.
The format is documented in ``docs/constitutions.md``. Every error names file, line and field;
nothing but :class:`PackError` (or :class:`UnknownNameError` for an unknown built-in name) escapes.
"""

from __future__ import annotations

import difflib
import itertools
from importlib import resources
from pathlib import Path as FsPath
from typing import Any

import attrs

from engine.errors import PackError, ThresholdSyntaxError, UnknownNameError
from engine.files.keys import (
    AMENDMENT,
    BODY,
    CONSEQUENCE_RULE,
    INTERPRETATION,
    OVERRIDE,
    PACK,
    RULE,
    SIZE,
    VERSION,
    names,
    required,
)
from engine.files.located_yaml import Located, Path, load_located, read_file
from engine.files.pack_conditions import read_conditions
from engine.files.pack_deadlines import DeadlineReader
from engine.files.pack_decisions import read_decision
from engine.rules.constitution import (
    AFTER_DISSOLUTION,
    Amendment,
    Body,
    BodySize,
    Constitution,
    Interpretation,
    Rule,
    RuleKind,
    sides_named,
)
from engine.rules.thresholds import Subject, parse_threshold
from engine.rules.vocabulary import ADOPT, CONFIRMS_GOVERNMENT, DIRECTIONS, EFFECTS, MOTIONS, REJECT, SITTINGS

__all__ = ["builtin_packs", "load_pack", "parse_pack"]

# the keys of each mapping, from the tables the schema is written from (engine/files/keys.py)
_TOP = names(PACK)
_BODY = names(BODY)
_SIZE = names(SIZE)
_AMENDMENT = names(AMENDMENT)
_VERSION = names(VERSION)
_RULE = names(RULE)
_CONSEQUENCE = names(CONSEQUENCE_RULE)
_INTERP = names(INTERPRETATION)
_OVERRIDE = names(OVERRIDE)


def builtin_packs() -> tuple[str, ...]:
    """Ids of the packs shipped inside the package."""
    folder = resources.files("engine") / "constitutions"
    return tuple(sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")))


def load_pack(name_or_path: str) -> Constitution:
    """Load a built-in pack by id (``kh``) or a pack file by path.

    Raises:
        PackError: the file is malformed (file, line and field named).
        UnknownNameError: no built-in pack has that id and no such file exists.
    """
    candidate = FsPath(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.is_file():
            msg = f"no constitution pack file {name_or_path!r}"
            raise UnknownNameError(msg)
        data = read_file(candidate, PackError, "constitution pack file")
        try:
            return parse_pack(data, str(candidate))
        except PackError:
            _refuse_other_file(data, str(candidate))
            raise
    resource = resources.files("engine") / "constitutions" / f"{name_or_path}.yaml"
    if not resource.is_file():
        known = builtin_packs()
        hint = difflib.get_close_matches(name_or_path, known, n=1, cutoff=0.5)
        extra = f" Did you mean {hint[0]!r}?" if hint else ""
        msg = (f"unknown constitution pack {name_or_path!r}.{extra} Built-in packs: {', '.join(known)}; "
               "or give a path to a .yaml file.")
        raise UnknownNameError(msg)
    return parse_pack(resource.read_bytes(), f"engine/constitutions/{name_or_path}.yaml")


def _refuse_other_file(data: bytes, path: str) -> None:
    """Say that a file named as a pack is not one, echoing none of it (it may be any file at all)."""
    top = load_located(data, path, PackError).data  # a YAML error names the line and echoes nothing
    if not isinstance(top, dict) or not {"bodies", "rules"} & set(top):
        msg = ("is not a constitution pack: a pack is a YAML mapping with id, name, country, bodies and rules "
               "(docs/constitutions.md)")
        raise PackError(msg, path=path)


def parse_pack(text: str | bytes, path: str = "<pack>") -> Constitution:
    """Parse pack text; ``path`` is used in messages."""
    doc = load_located(text, path, PackError)
    return _PackReader(doc).read()


@attrs.define
class _PackReader:
    doc: Located
    uncited: list[tuple[Path, str]] = attrs.Factory(list)
    deadlines: DeadlineReader = attrs.field(init=False)
    #: the pack's bodies, for the chambers a decision rule names
    body_ids: list[str] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        self.deadlines = DeadlineReader(self.doc)

    def read(self) -> Constitution:
        d = self.doc
        d.mapping((), _TOP, required=required(PACK))
        bodies = tuple(self.body(("bodies", i)) for i in range(len(d.items(("bodies",)))))
        body_ids = [b.id for b in bodies]
        self.unique(body_ids, "bodies")
        amendments = tuple(self.amendment(("amendments", i)) for i in range(len(d.items(("amendments",)))))
        self.unique([a.id for a in amendments], "amendments")
        amendment_ids = {a.id for a in amendments}
        rules: list[Rule] = []
        rule_ids: list[str] = []
        for i in range(len(d.items(("rules",)))):
            where = ("rules", i)
            d.mapping(where, _RULE, required=required(RULE))
            rule_ids.append(d.text((*where, "id")))  # type: ignore[arg-type]
            rules.extend(self.rule(where, body_ids, amendment_ids, base=None))
        self.unique(rule_ids, "rules")
        for i in range(len(d.items(("consequences",)))):  # what the law brings about: rules of their own kind
            where = ("consequences", i)
            d.mapping(where, _CONSEQUENCE, required=required(CONSEQUENCE_RULE))
            if d.text((*where, "id")) in rule_ids:
                raise d.fail((*where, "id"), f"id {d.text((*where, 'id'))!r} is used twice in rules and consequences")
            rule_ids.append(d.text((*where, "id")))  # type: ignore[arg-type]
            rules.extend(self.rule(where, body_ids, amendment_ids, base=None, kind=RuleKind.CONSEQUENCE))
        by_id = {r.id: r for r in rules}
        interps = tuple(
            self.interpretation(("interpretations", i), by_id, body_ids, amendment_ids)
            for i in range(len(d.items(("interpretations",)))))
        self.unique([x.id for x in interps], "interpretations")
        self.deadlines.check_chains(rules)
        if self.uncited:
            names = [f"{name} ({dotted_line})" for dotted_line, name in self._describe_uncited()]
            first = self.uncited[0][0]
            raise d.fail(first, "every rule needs an article and a source. These have none: " + ", ".join(names))
        return Constitution(
            id=d.text(("id",)),  # type: ignore[arg-type]
            name=d.text(("name",)),  # type: ignore[arg-type]
            country=d.text(("country",)),  # type: ignore[arg-type]
            bodies=bodies,
            rules=tuple(rules),
            amendments=amendments,
            interpretations=interps,
            source=d.texts(("source",)),
            missing=d.texts(("missing",)),
        )

    def _describe_uncited(self) -> list[tuple[str, str]]:
        out = []
        for where, name in self.uncited:
            line, _ = self.doc.position(where)
            out.append((f"line {line}", name))
        return out

    def unique(self, ids: list[str], section: str) -> None:
        seen: set[str] = set()
        for i, x in enumerate(ids):
            if x in seen:
                raise self.doc.fail((section, i, "id"), f"id {x!r} is used twice in {section}")
            seen.add(x)

    def body(self, where: Path) -> Body:
        d = self.doc
        d.mapping(where, _BODY, required=required(BODY))
        sizes = []
        for i in range(len(d.items((*where, "sizes")))):
            w = (*where, "sizes", i)
            d.mapping(w, _SIZE, required=required(SIZE))
            sizes.append(BodySize(
                since=d.day((*w, "since")),  # type: ignore[arg-type]
                seats=d.integer((*w, "seats"), minimum=1),  # type: ignore[arg-type]
                legislature=d.text((*w, "legislature"), required=False),
                source=d.texts((*w, "source")),
                note=d.text((*w, "note"), required=False),
            ))
            if len(sizes) > 1 and sizes[-1].since <= sizes[-2].since:
                msg = f"sizes must be in date order ({sizes[-1].since} is not after {sizes[-2].since})"
                raise d.fail((*w, "since"), msg)
        if not sizes and "sizes" in d.get(where):
            raise d.fail((*where, "sizes"), "needs at least one size (leave 'sizes' out if no source gives it)")
        return Body(
            id=d.text((*where, "id")),  # type: ignore[arg-type]
            name=d.text((*where, "name")),  # type: ignore[arg-type]
            sizes=tuple(sizes),
            minimum=d.integer((*where, "minimum"), required=False, minimum=1),
            article=d.text((*where, "article"), required=False),
            source=d.texts((*where, "source")),
            **self.after_dissolution(where),
        )

    def after_dissolution(self, where: Path) -> dict[str, Any]:
        """What a body does once dissolved: ``stops`` unless the pack says it ``sits``, which, being
        a fact about the constitution, needs its source."""
        d = self.doc
        at = (*where, "after_dissolution")
        raw = d.text(at, required=False)
        choice = AFTER_DISSOLUTION[0] if raw is None else self.deadlines.one_of(at, raw, AFTER_DISSOLUTION)
        source = d.texts((*where, "after_dissolution_source"))
        if choice == "sits" and not source:
            raise d.fail(at, "a body that sits after a dissolution needs after_dissolution_source")
        return {"after_dissolution": choice, "after_dissolution_source": source,
                "after_dissolution_article": d.text((*where, "after_dissolution_article"), required=False)}

    def amendment(self, where: Path) -> Amendment:
        d = self.doc
        d.mapping(where, _AMENDMENT, required=required(AMENDMENT))
        return Amendment(
            id=d.text((*where, "id")),  # type: ignore[arg-type]
            title=d.text((*where, "title")),  # type: ignore[arg-type]
            in_force=d.day((*where, "in_force")),  # type: ignore[arg-type]
            adopted=d.day((*where, "adopted"), required=False),
            articles=d.texts((*where, "articles")),
            source=d.texts((*where, "source")),
            note=d.text((*where, "note"), required=False),
        )

    def rule(self, where: Path, bodies: list[str], amendments: set[str], base: Rule | None,
             interpretation: str | None = None, kind: RuleKind | None = None) -> list[Rule]:
        """All versions of one rule (or one interpretation's override of ``base``)."""
        d = self.doc
        id_key = "id" if interpretation is None else "rule"
        rule_id = d.text((*where, id_key))
        kind_text = None if kind is not None else d.text((*where, "kind"), required=base is None)
        if kind is not None:
            pass  # a consequence: the pack's section says it
        elif kind_text is None:
            kind = base.kind  # type: ignore[union-attr]
        else:
            try:
                kind = RuleKind(kind_text)
                if kind is RuleKind.CONSEQUENCE:
                    raise ValueError(kind_text)
            except ValueError:
                options = ", ".join(k.value for k in RuleKind if k is not RuleKind.CONSEQUENCE)
                extra = "; a consequence goes in the pack's 'consequences' list" if kind_text == "consequence" else ""
                raise d.fail((*where, "kind"), f"must be one of {options} (got {kind_text!r}){extra}") from None
        body = d.text((*where, "body"), required=base is None) or (base.body if base else "")
        self.body_ids = bodies
        if body not in bodies:
            raise d.fail((*where, "body"), f"unknown body {body!r} (bodies: {', '.join(bodies)})")
        title = d.text((*where, "title"), required=base is None) or (base.title if base else None)
        if not title:
            raise d.fail((*where, "title"), "must not be empty")
        raw_versions = d.get(where).get("versions")
        if raw_versions is None:
            version_paths = [where]
        else:
            if not isinstance(raw_versions, list) or not raw_versions:
                raise d.fail((*where, "versions"), "must be a non-empty list of versions")
            version_paths = [(*where, "versions", i) for i in range(len(raw_versions))]
        defaults = where if raw_versions is not None else None
        out: list[Rule] = []
        for vp in version_paths:
            if vp != where:
                d.mapping(vp, _VERSION)
            out.append(self.version(vp, defaults, rule_id, kind, body, title, amendments, base, interpretation))  # type: ignore[arg-type]
        for earlier, later in itertools.pairwise(out):
            if earlier.since is None or later.since is None or later.since <= earlier.since:
                msg = f"versions of rule {rule_id!r} need 'since' dates in increasing order"
                raise d.fail(version_paths[out.index(later)], msg)
        # each version runs until the next one starts, unless it says otherwise
        fixed = []
        for i, v in enumerate(out):
            if v.until is None and i + 1 < len(out):
                v = attrs.evolve(v, until=out[i + 1].since)
            fixed.append(v)
        return fixed

    def version(self, vp: Path, defaults: Path | None, rule_id: str, kind: RuleKind, body: str, title: str,
                amendments: set[str], base: Rule | None, interpretation: str | None) -> Rule:
        d = self.doc

        def pick(key: str) -> tuple[Path, Any]:
            own = d.get(vp).get(key)
            if own is not None or defaults is None:
                return (*vp, key), own
            return (*defaults, key), d.get(defaults).get(key)

        def text(key: str) -> str | None:
            p, _ = pick(key)
            return d.text(p, required=False)

        article = text("article") or (base.article if base else None)
        source = d.texts(pick("source")[0]) or (base.source if base else ())
        if not article or not source:
            self.uncited.append((vp, f"{interpretation + ': ' if interpretation else ''}{rule_id}"))
        threshold = None
        applies = d.texts(pick("applies_to")[0])
        if not applies and base is not None:
            applies = tuple(base.applies_to)
        vocabularies = {RuleKind.QUORUM: SITTINGS, RuleKind.CONVOCATION: SITTINGS, RuleKind.DECISION: MOTIONS}
        vocabulary = vocabularies.get(kind, ())
        for i, name in enumerate(applies):
            if vocabulary and name not in vocabulary:
                hint = difflib.get_close_matches(name, vocabulary, n=1)
                extra = f"; did you mean {hint[0]!r}?" if hint else f"; known: {', '.join(vocabulary)}"
                p = pick("applies_to")[0]
                what = "motion" if kind is RuleKind.DECISION else "sitting"
                raise d.fail((*p, i) if isinstance(d.lookup(p), list) else p, f"unknown {what} {name!r}{extra}")
        if kind in (RuleKind.QUORUM, RuleKind.DECISION):
            p, raw = pick("threshold")
            inherited = defaults is not None and "threshold" in d.get(defaults)
            if raw is None and "threshold" not in d.get(vp) and not inherited:
                raise d.fail(vp, f"a {kind.value} rule needs 'threshold' (text, or null for no requirement)",
                             field=_dotted((*vp, "threshold")))
            if raw is not None:
                if not isinstance(raw, str):
                    raise d.fail(p, f"must be threshold text (got {raw!r})")
                try:
                    threshold = parse_threshold(raw)
                except ThresholdSyntaxError as exc:
                    raise d.fail(p, str(exc)) from None
        convened_by = None
        deadline: dict[str, Any] = {}
        if kind is RuleKind.DEADLINE:
            if pick("threshold")[1] is not None:  # it would be ignored, silently
                raise d.fail(pick("threshold")[0], "only a quorum or decision rule has a threshold")
            deadline = self.deadlines.read(vp, pick, base, applies)
            applies = deadline.pop("applies_to")
        elif kind is RuleKind.CONSEQUENCE:
            deadline = self.deadlines.consequence(vp, pick, base)
        self.deadlines.check_keys(kind, pick)
        if kind is RuleKind.CONVOCATION:
            convened_by = text("convened_by") or (base.convened_by if base else None)
            if convened_by is None:
                raise d.fail(vp, "a convocation rule needs 'convened_by'")
        effect = text("effect") or (base.effect if base else None)
        if effect is not None:
            if kind is not RuleKind.DECISION:
                raise d.fail(pick("effect")[0], "only a decision rule has an effect (what adopting its motion does)")
            if effect not in EFFECTS:
                hint = difflib.get_close_matches(effect, EFFECTS, n=1)
                extra = f"; did you mean {hint[0]!r}?" if hint else f" (effects: {', '.join(EFFECTS)})"
                raise d.fail(pick("effect")[0], f"unknown effect {effect!r}{extra}")
        direction, attempts, attempts_article = self.decision(pick, text, kind, threshold, effect, base)
        contest = read_decision(d, pick, kind, threshold, body, self.body_ids, base)
        amendment = text("amendment")
        if amendment is not None and amendment not in amendments:
            known = ", ".join(sorted(amendments)) or "none"
            raise d.fail(pick("amendment")[0], f"unknown amendment {amendment!r} (amendments: {known})")
        return Rule(
            id=rule_id,
            kind=kind,
            body=body,
            title=title,
            article=article or "",
            source=source,
            text=text("text") or (base.text if base else None),
            note=text("note"),
            since=d.day(pick("since")[0], required=False),
            until=d.day((*vp, "until"), required=False),
            applies_to=frozenset(applies),
            threshold=threshold,
            convened_by=convened_by,
            amendment=amendment,
            interpretation=interpretation,
            effect=effect,
            direction=direction,
            attempts=attempts,
            attempts_article=attempts_article,
            **contest,
            **deadline,
            **read_conditions(d, pick, kind, base),
        )

    def decision(self, pick: Any, text: Any, kind: RuleKind, threshold: Any, effect: str | None,
                 base: Rule | None) -> tuple[str, int | None, str | None]:
        """A decision version's direction and its count of failed attempts, checked against its threshold.

        A threshold that counts the side the direction does not (votes against in a rule that adopts,
        votes in favour in one that rejects) is refused here: judged, it would say the opposite of
        what the pack means.
        """
        d = self.doc
        inherited = base if base is not None and base.kind is RuleKind.DECISION else None
        direction = text("direction") or (inherited.direction if inherited else ADOPT)
        attempts = d.integer(pick("attempts")[0], required=False, minimum=1)
        if attempts is None and inherited is not None:
            attempts = inherited.attempts
        attempts_article = text("attempts_article") or (inherited.attempts_article if inherited else None)
        if kind is not RuleKind.DECISION:
            for key in ("direction", "attempts", "attempts_article"):
                if pick(key)[1] is not None:
                    raise d.fail(pick(key)[0], f"only a decision rule has '{key}'")
            return ADOPT, None, None
        if direction not in DIRECTIONS:
            hint = difflib.get_close_matches(direction, DIRECTIONS, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else f" (directions: {', '.join(DIRECTIONS)})"
            raise d.fail(pick("direction")[0], f"unknown direction {direction!r}{extra}")
        if attempts is not None and effect != CONFIRMS_GOVERNMENT:
            raise d.fail(pick("attempts")[0], f"only a rule with effect {CONFIRMS_GOVERNMENT} counts failed attempts")
        if threshold is not None:
            if direction == ADOPT and Subject.NO in sides_named(threshold):
                msg = (f"a rule that adopts its motion can't count votes against: say 'direction: {REJECT}' if the "
                       "motion stands unless the threshold is reached against it")
                raise d.fail(pick("threshold")[0], msg)
            if direction == REJECT and Subject.YES in sides_named(threshold):
                msg = (f"a rule that rejects its motion can't count votes in favour: say 'direction: {ADOPT}' "
                       "(the default) if the motion needs the threshold to carry")
                raise d.fail(pick("threshold")[0], msg)
        return direction, attempts, attempts_article

    def interpretation(self, where: Path, rules: dict[str, Rule], bodies: list[str],
                       amendments: set[str]) -> Interpretation:
        d = self.doc
        d.mapping(where, _INTERP, required=required(INTERPRETATION))
        interp_id = d.text((*where, "id"))
        source = d.texts((*where, "source"))
        if not source:
            self.uncited.append((where, f"interpretation {interp_id}"))
        overrides: list[Rule] = []
        for i in range(len(d.items((*where, "overrides")))):
            ow = (*where, "overrides", i)
            d.mapping(ow, _OVERRIDE, required=required(OVERRIDE))
            rule_id = d.text((*ow, "rule")) or ""
            base = rules.get(rule_id)
            if base is None and d.get(ow).get("kind") is None:
                hint = difflib.get_close_matches(rule_id, list(rules), n=1)
                extra = f" Did you mean {hint[0]!r}?" if hint else " (a new rule needs 'kind', 'body' and 'title')"
                raise d.fail((*ow, "rule"), f"no rule {rule_id!r} to override.{extra}")
            overrides.extend(self.rule(ow, bodies, amendments, base=base, interpretation=interp_id))
        return Interpretation(
            id=interp_id,  # type: ignore[arg-type]
            name=d.text((*where, "name")),  # type: ignore[arg-type]
            holder=d.text((*where, "holder")),  # type: ignore[arg-type]
            claim=d.text((*where, "claim")),  # type: ignore[arg-type]
            source=source,
            overrides=tuple(overrides),
            note=d.text((*where, "note"), required=False),
        )


def _dotted(where: Path) -> str:
    from engine.files.located_yaml import dotted

    return dotted(where)
