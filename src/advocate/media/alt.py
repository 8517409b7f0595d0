"""Alt text, checked like post text: present, and within each network's limit."""

from __future__ import annotations

from .limits import LIMITS, limits_for


def alt_length(alt: str, unit: str) -> int:
    if unit == "graphemes":
        import regex

        return len(regex.findall(r"\X", alt))
    return len(alt)


def alt_problem(alt: str | None, network: str) -> str | None:
    """Why this alt text cannot go to `network`, or None when it can."""
    if alt is None or not alt.strip():
        return "the photo has no alt text"
    limits = limits_for(network)
    length = alt_length(alt, limits.alt_unit)
    if length > limits.alt_max:
        return (f"the photo's alt text has {length:,} {limits.alt_unit}; "
                f"{network} allows {limits.alt_max:,}")
    return None


def alt_problems(alt: str | None, networks) -> list[str]:
    """One line per network the alt text does not suit (deduplicated, in order)."""
    named = dict.fromkeys("x" if n == "dryrun" else n for n in networks)  # a rehearsal stands for X
    lines = [alt_problem(alt, n) for n in named if n in LIMITS]
    return list(dict.fromkeys(line for line in lines if line))
