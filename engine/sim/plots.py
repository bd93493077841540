"""Figures for ensembles (matplotlib, an optional dependency: ``pip install 'impasse-engine[plot]'``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from engine.errors import ImpasseError

__all__ = ["plot_ensemble", "plot_sweep", "require"]


def require(path: str) -> None:
    """Fail early, before a long ensemble, if a figure can't be written to ``path``.

    Raises:
        ImpasseError: matplotlib is not installed, the suffix is not .png / .svg, or the folder
            the figure goes in does not exist or cannot be written to.
    """
    folder = Path(path).parent
    if not folder.is_dir():
        msg = f"--plot: cannot write {path!r}: there is no folder {str(folder)!r}"
        raise ImpasseError(msg)
    if not os.access(folder, os.W_OK):
        msg = f"--plot: cannot write {path!r}: the folder {str(folder)!r} is not writable"
        raise ImpasseError(msg)
    _pyplot(path)


def _pyplot(path: str):
    if Path(path).suffix.lower() not in (".png", ".svg"):
        msg = f"--plot: {path!r} must end in .png or .svg"
        raise ImpasseError(msg)
    try:
        # an optional extra, often not installed where the types are checked: both cases pass
        import matplotlib  # type: ignore[import-not-found, unused-ignore]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        msg = "--plot needs matplotlib: pip install 'impasse-engine[plot]'"
        raise ImpasseError(msg) from None
    return plt


def plot_ensemble(data: dict[str, Any], path: str) -> None:
    """Write a two-panel figure: outcome probabilities per reading with 95 % intervals, and the
    distribution of the impasse's length. The format follows the suffix (``.png`` or ``.svg``).

    Raises:
        ImpasseError: matplotlib is not installed, or the suffix is not .png / .svg.
    """
    plt = _pyplot(path)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    labels = {"opened_by_deadline": "opens lawfully by deadline", "opened_ever": "opens lawfully at all",
              "government_lawful": "government lawful"}
    width = 0.8 / max(1, len(data["outcomes"]))
    for i, row in enumerate(data["outcomes"]):
        xs = [k + i * width for k in range(len(labels))]
        ps = [row[key]["p"] for key in labels]
        errs = [[row[key]["p"] - row[key]["low"] for key in labels],
                [row[key]["high"] - row[key]["p"] for key in labels]]
        left.bar(xs, ps, width, yerr=errs, capsize=3, label=row["interpretation"] or "pack")
    left.set_xticks([k + 0.4 - width / 2 for k in range(len(labels))], list(labels.values()), fontsize=8)
    left.set_ylim(0, 1.05)
    left.set_ylabel("probability (95 % Wilson interval)")
    left.legend(fontsize=7)
    hist = data.get("histogram") or []
    right.bar([(lo + hi) / 2 for lo, hi, _ in hist], [n for _, _, n in hist],
              width=[hi - lo + 1 for lo, hi, _ in hist] or 1, edgecolor="white")
    fallback = _fallback_bars(data)
    if fallback:
        right.bar([(lo + hi) / 2 for lo, hi, _ in fallback], [n for _, _, n in fallback],
                  width=[hi - lo + 1 for lo, hi, _ in fallback], color="none", edgecolor="black", hatch="//",
                  label="no way out in the run: ended as recorded")
        right.legend(fontsize=7)
    right.set_xlabel("days from the poll to resolution")
    right.set_ylabel("runs")
    fig.suptitle(f"{data['scenario']}: {data['runs']} runs, seed {data['seed']}")
    fig.tight_layout()
    try:
        fig.savefig(path)
    except OSError as exc:  # the folder went away during the run, the disk is full...
        msg = f"--plot: cannot write {path!r}: {exc.strerror or exc}"
        raise ImpasseError(msg) from None
    finally:
        plt.close(fig)


def _fallback_bars(data: dict[str, Any]) -> list[tuple[int, int, int]]:
    """The part of each histogram bar made of runs that fell back on the recorded history, as
    ``(low, high, runs)``: an event whose runs all ended on one day lies in one bar, and is drawn
    hatched over it; one spread over several days is left to the text, which names its bars."""
    bars = []
    for low, high, _ in data.get("histogram") or []:
        runs = sum(e["runs"] for e in (data.get("recorded_fallback") or {}).get("events", ())
                   if e["days"][0] == e["days"][1] and low <= e["days"][0] <= high)
        if runs:
            bars.append((low, high, runs))
    return bars


_OUTCOMES = {"opened_by_deadline": "opens lawfully by deadline", "opened_ever": "opens lawfully at all",
             "government_lawful": "government lawful"}


def plot_sweep(data: dict[str, Any], path: str) -> None:
    """Write a sweep's figure: a panel per outcome, its probability against the first ``--vary`` path,
    a line per reading (and per value of the other paths), the 95 % interval shaded around it.

    Raises:
        ImpasseError: matplotlib is not installed, or the suffix is not .png / .svg.
    """
    plt = _pyplot(path)
    first, *others = [axis["path"] for axis in data["vary"]]
    xs_all = data["vary"][0]["values"]
    numeric = all(isinstance(x, int | float) for x in xs_all)
    fig, panels = plt.subplots(1, len(_OUTCOMES), figsize=(5 * len(_OUTCOMES), 4.2), sharey=True)
    lines: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for point in data["points"]:
        lines.setdefault(tuple(point["values"][p] for p in others), []).append(point)
    for panel, (outcome, words) in zip(panels, _OUTCOMES.items(), strict=True):
        for rest, points in lines.items():
            xs = [point["values"][first] if numeric else xs_all.index(point["values"][first]) for point in points]
            for r, reading in enumerate(data["interpretations"]):
                cells = [point["outcomes"][r][outcome] for point in points]
                label = ", ".join([reading or "pack", *(f"{p}={v}" for p, v in zip(others, rest, strict=True))])
                drawn = panel.plot(xs, [c["p"] for c in cells], marker=".", label=label)
                panel.fill_between(xs, [c["low"] for c in cells], [c["high"] for c in cells],
                                   color=drawn[0].get_color(), alpha=0.15)
        if not numeric:
            panel.set_xticks(range(len(xs_all)), [str(x) for x in xs_all], fontsize=8)
        panel.set_title(words, fontsize=10)
        panel.set_xlabel(first, fontsize=8)
        panel.set_ylim(-0.02, 1.02)
    panels[0].set_ylabel("probability (95 % Wilson interval)")
    panels[-1].legend(fontsize=6, loc="best")
    fig.suptitle(f"{data['scenario']}: {len(data['points'])} points, {data['runs']} runs each, seed {data['seed']}")
    fig.tight_layout()
    try:
        fig.savefig(path)
    except OSError as exc:
        msg = f"--plot: cannot write {path!r}: {exc.strerror or exc}"
        raise ImpasseError(msg) from None
    finally:
        plt.close(fig)
