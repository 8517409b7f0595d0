"""The review loop: one screen per waiting post, one key per decision, a summary at the end.

The terminal is passed in (terminal.py has the real one), so the loop is
plain code; the clock is a function, read at each decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .. import models as m
from ..errors import AdvocateError
from . import actions
from .screen import Place, render, when_text
from .waiting import Selection, unknown_count, waiting_ids, why_it_waits

HELP = "press a to approve, e to edit, r to reject, m to move, s to skip, q to quit"


class Terminal(Protocol):
    def width(self) -> int: ...
    def show(self, lines: list[str]) -> None: ...
    def key(self, prompt: str) -> str: ...            # one lower-case key; '' at the end of input
    def line(self, prompt: str) -> str | None: ...    # None at the end of input
    def edit(self, text: str) -> str | None: ...      # None: unchanged


@dataclass
class Summary:
    waiting: int = 0
    approved: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)       # changed by someone else meanwhile
    still_waiting: int = 0
    unknown: int = 0

    def lines(self) -> list[str]:
        decided = len(self.approved) + len(self.rejected)
        out = [f"Reviewed {decided + len(self.skipped)} of {self.waiting} waiting posts: "
               f"{len(self.approved)} approved, {len(self.rejected)} rejected, {len(self.skipped)} skipped "
               f"({len(self.edited)} edited, {len(self.moved)} moved)."]
        for label, ids in (("approved", self.approved), ("rejected", self.rejected), ("edited", self.edited),
                           ("moved", self.moved), ("skipped", self.skipped), ("changed meanwhile by another command", self.gone)):
            if ids:
                out.append(f"  {label}: posts {', '.join(map(str, ids))}")
        if self.still_waiting:
            out.append(f"{self.still_waiting} post{'s' if self.still_waiting != 1 else ''} still wait: "
                       "'advocate review' shows them again.")
        else:
            out.append("Nothing else waits for review.")
        if self.unknown:
            out.append(f"{self.unknown} post{'s' if self.unknown != 1 else ''} with an unknown outcome: look on the network, "
                       "then 'advocate queue confirm ID' (it is there) or 'advocate queue retry ID' (it is not); "
                       "'advocate queue --status unknown' lists them.")
        return out


def run(db, config, now: Callable, selection: Selection, term: Terminal, zone: str) -> Summary:
    ids = waiting_ids(db, selection)
    summary = Summary(waiting=len(ids))
    for index, post_id in enumerate(ids, 1):
        if not _review_one(db, config, now, post_id, Place(index, len(ids)), term, zone, summary):
            break
    summary.still_waiting = len(waiting_ids(db, selection))
    summary.unknown = unknown_count(db, selection)
    return summary


def _review_one(db, config, now, post_id, place, term, zone, summary) -> bool:
    """Show one post until a decision moves on; False when the reviewer quits."""
    from ..cases import get_case
    from ..queue import get_post

    note = ""
    while True:
        post = get_post(db, post_id)
        if post["status"] != m.DRAFT:
            summary.gone.append(post_id)
            return True
        case = get_case(db, post["case_id"])
        term.show(render(post, case, zone, place, term.width(), why_it_waits(post), note))
        key = term.key("> ")
        if key in ("q", ""):
            return False
        if key == "s":
            summary.skipped.append(post_id)
            return True
        try:
            done, note = _act(db, config, now, post, key, term, zone, summary)
        except AdvocateError as exc:
            done, note = False, f"! {exc}"
        if done:
            return True


def _act(db, config, now, post, key, term, zone, summary) -> tuple[bool, str]:
    """(whether to move on, a note for the next screen)."""
    post_id = post["id"]
    if key == "a":
        actions.approve(db, now(), post_id)
        summary.approved.append(post_id)
        return True, ""
    if key == "r":
        actions.reject(db, now(), post_id)
        summary.rejected.append(post_id)
        return True, ""
    if key == "e":
        text = term.edit(post["text"])
        if text is None or text.strip() == post["text"].strip():
            return False, "text unchanged"
        size = actions.edit(db, config, now(), post_id, text)
        _once(summary.edited, post_id)
        return False, f"edited: {size}; press a to approve it"
    if key == "m":
        text = term.line("move to (+2h from its time, 'tomorrow 10:00', 2019-04-12 10:00; empty: keep): ")
        if not text or not text.strip():
            return False, "not moved"
        moment = actions.move(db, now(), post_id, text, zone)
        _once(summary.moved, post_id)
        return False, f"moved to {when_text(moment, zone)}; press a to approve it"
    return False, HELP


def _once(ids: list[int], post_id: int) -> None:
    if post_id not in ids:
        ids.append(post_id)
