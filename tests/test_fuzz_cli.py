"""A fuzz suite of our own: malformed CLI values, configs and templates, as a careless or hostile user writes them.

For every input: no traceback, a non-zero exit (unless the value happens to
be valid), at most 3 lines of output, the database's content unchanged (a
full SQL dump compared), and a time limit. A table of known-nasty values runs
first; hypothesis then generates more around them (derandomized, so CI
sees the same inputs every run). Documents are fuzzed by the ingest tests.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advocate.cli import cli

NOW = ["--now", "2019-04-10T09:00+05:00"]
SEEDS = Path(__file__).resolve().parents[1] / "examples" / "ua-46-19"
LIMIT_SECONDS = 2.0  # per input
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TIMES: list[tuple[float, str]] = []  # (seconds, input) of every input run, for the figures in the report


class Campaign:
    """A campaign folder with the seed case planned; each input runs against it."""

    def __init__(self, root: Path):
        self.root, self.config = root, root / "config.toml"
        self.runner = CliRunner()

    def invoke(self, args: list[str], config: Path | None = None):
        return self.runner.invoke(cli, ["--config", str(config or self.config), *args])

    def config_text(self, text: str) -> str:
        """A config for the campaign's database, with `text` in it (its [advocate] table keeps its other keys)."""
        database = f'database = "{self.root / "advocate.db"}"\n'
        if "[advocate]\n" in text:
            return text.replace("[advocate]\n", "[advocate]\n" + database, 1)
        return "[advocate]\n" + database + text

    def dump(self) -> str:
        with sqlite3.connect(self.root / "advocate.db") as db:
            return "\n".join(db.iterdump())

    def refuses(self, args: list[str], *, config: Path | None = None, may_succeed: bool = False):
        """Run one input and check the promises; returns the result."""
        before = self.dump()
        start = time.monotonic()
        result = self.invoke(args, config)
        took = time.monotonic() - start
        TIMES.append((took, " ".join(map(repr, args))[:120]))
        shown = f"advocate {args!r} -> exit {result.exit_code}:\n{result.output}"
        assert result.exception is None or isinstance(result.exception, SystemExit), shown + repr(result.exception)
        assert "Traceback" not in result.output, shown
        assert took < LIMIT_SECONDS, f"{took:.2f} s: {shown}"
        if may_succeed and result.exit_code == 0:
            return result
        assert result.exit_code != 0, shown
        assert len([line for line in result.output.splitlines() if line.strip()]) <= 3, shown
        assert self.dump() == before, f"the database changed: {shown}"
        return result


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Campaign:
    root = tmp_path_factory.mktemp("fuzz") / "campaign"
    root.mkdir()
    space = Campaign(root)
    for args in (["init"], [*NOW, "ingest", str(SEEDS / "ua-46-19-initial.txt")], [*NOW, "schedule"]):
        assert space.invoke(args).exit_code == 0
    return space


@pytest.fixture(scope="module", autouse=True)
def report_slowest():
    yield
    if TIMES:
        took, slowest = max(TIMES)
        print(f"\nfuzz: {len(TIMES)} inputs, slowest {took:.2f} s: {slowest}")


# --- 1. CLI values: a table of known-nasty ones -----------------------------------------

NASTY_IDS = ["9223372036854775808", "99999999999999999999999999999", "0", "-1", "1e3", "1.0", "", " ", "0x10",
             "1\x00", "NaN", "+-1", "1 2", "\u0663\u0663\u0663\u0663\u0663\u0663"]  # the last: Arabic-Indic 333333
NASTY_TIMES = ["", " ", "0001-01-01T00:00+00:00", "9999-12-31T23:59+00:00", "1969-12-31T23:59:59+00:00",
               "2201-01-01T00:00+00:00", "+99999999999999999999d", "+0x10h", "tomorrow 25:00", "monday 13pm",
               "2019-02-30T10:00", "2019-04-10T10:00+25:00", "nan", "inf", "\x00", "2019-04-10\x00T10:00+05:00",
               "x" * 10_000, "next " * 2_000, "\udcff", "2019-04-10T10:00+05:00[Asia/Almaty]"]
NASTY_TEXTS = ["\x00", "Free him\x00 now", "\x1b[31mred", "bell\x07", "\udcff\udcfe", "a\u0085b"]
ID_COMMANDS = [["queue", "show"], ["queue", "approve"], ["queue", "reject"], ["queue", "cancel"], ["queue", "retry"],
               ["queue", "confirm"], ["queue", "post-now"], ["case", "show"], ["case", "close"], ["case", "keep"],
               ["case", "pause"], ["case", "resume"], ["messages", "preview"]]
CASE_OPTIONS = [["schedule", "--case"], ["queue", "--case"], ["queue", "approve", "--case"], ["history", "--case"],
                ["export", "--json", "out.json", "--case"], ["queue", "pause", "--case"]]
NUMBER_OPTIONS = [["queue", "--page"], ["queue", "--per-page"], ["queue", "--limit"], ["history", "--limit"],
                  ["calendar", "--days"], ["messages", "preview", "1", "--days-left"]]


@pytest.mark.parametrize("command", ID_COMMANDS, ids=" ".join)
def test_nasty_ids(campaign, command):
    for value in NASTY_IDS:
        campaign.refuses([*NOW, *command, value])


@pytest.mark.parametrize("option", CASE_OPTIONS, ids=" ".join)
def test_nasty_case_options(campaign, option):
    for value in [*NASTY_IDS, "999999"]:
        campaign.refuses([*NOW, *option, value])


@pytest.mark.parametrize("option", NUMBER_OPTIONS, ids=" ".join)
def test_nasty_number_options(campaign, option):
    for value in [*NASTY_IDS, "-5", "99999999999999"]:
        campaign.refuses([*NOW, *option, value], may_succeed=value == "0" and option[-1] == "--days-left")


@pytest.mark.parametrize("value", NASTY_TIMES, ids=range(len(NASTY_TIMES)))
def test_nasty_times(campaign, value):
    for args in (["--now", value, "status"], ["--now", value, "calendar"], [*NOW, "queue", "move", "1", value],
                 [*NOW, "daemon", "--simulate", "--until", value], [*NOW, "queue", "--from", value]):
        campaign.refuses(args)


@pytest.mark.parametrize("value", NASTY_TEXTS, ids=range(len(NASTY_TEXTS)))
def test_nasty_texts(campaign, value):
    for args in (["queue", "edit", "1", "--text", value], ["case", "edit", "1", "--set", f"person={value}"],
                 ["case", "close", "1", "--reason", value], ["queue", "confirm", "1", "--url", value],
                 ["ingest", "--set", f"person={value}", str(SEEDS / "ua-46-19-initial.txt")]):
        campaign.refuses([*NOW, *args])


def test_nasty_import_files(campaign, tmp_path):
    header = "case_id,account,scheduled_at,text\n"
    rows = ["1,rehearsal,2019-04-12T10:00+05:00,Free him\x00 now", "1,rehearsal,0001-01-01T00:00+00:00,x",
            "9223372036854775808,rehearsal,2019-04-12T10:00+05:00,x", "1,rehearsal,2019-04-12T10:00+05:00," + "x" * 100_000,
            "1,re\x00hearsal,2019-04-12T10:00+05:00,x", "-1,rehearsal,2019-04-12T10:00+05:00,x",
            "1,rehearsal,2019-04-12T10:00+05:00,x,extra"]
    for number, row in enumerate(rows):
        path = tmp_path / f"posts{number}.csv"
        path.write_text(header + row + "\n", encoding="utf-8")
        campaign.refuses([*NOW, "import", str(path)])
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x00" * 100)
    campaign.refuses([*NOW, "import", str(binary)])


# --- 2. CLI values: generated --------------------------------------------------------------

@FUZZ
@given(value=st.one_of(st.text(max_size=40), st.integers().map(str), st.from_regex(r"[+-]?\d{1,25}", fullmatch=True)))
def test_generated_ids(campaign, value):
    for command in (["queue", "show"], ["case", "close"], ["queue", "approve", "--case"]):
        campaign.refuses([*NOW, *command, value], may_succeed=True)


TIME_PIECES = st.sampled_from(["2019", "-", "04", "10", "T", ":", "+", "Z", "00", "99", "tomorrow", "next", "monday",
                               " ", "at", "10pm", "+2h", "d", "\x00", "9999", "0001", "13", "25:00", "."])


@FUZZ
@given(value=st.one_of(st.text(max_size=30), st.lists(TIME_PIECES, max_size=8).map("".join)))
def test_generated_times(campaign, value):
    campaign.refuses(["--now", value, "status"], may_succeed=True)
    campaign.refuses([*NOW, "queue", "--from", value], may_succeed=True)


@FUZZ
@given(value=st.text(alphabet=st.characters(max_codepoint=0x3000), min_size=1, max_size=30).filter(
    lambda v: any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or 0xD800 <= ord(c) < 0xE000 for c in v.replace("\n", ""))))
def test_generated_texts_with_control_characters(campaign, value):
    campaign.refuses([*NOW, "case", "edit", "1", "--set", f"person={value}"])
    campaign.refuses([*NOW, "queue", "edit", "1", "--text", f"Free him {value}"])


# --- 3. configs -----------------------------------------------------------------------------

NASTY_CONFIGS = [
    "[daemon]\npoll_seconds = -5\n", "[daemon]\npoll_seconds = 0\n", '[daemon]\nlock_file = ""\n',
    "[posting]\nlanguages = [1, 2]\n", "[posting]\nmin_spacing_minutes = -90\n", "[posting]\njitter_minutes = -7\n",
    "[posting]\nstale_after_minutes = -1\n", "[posting]\nlast_call_days = -2\n", "[guard]\nmax_hashtags = -1\n",
    "[daemon]\nmax_attempts = 0\n", "[daemon]\nreconcile_minutes = -1\n", "[posting]\nposts_per_day = inf\n",
    "[posting]\nposts_per_day = nan\n", "[posting]\ndaily_cap = 9223372036854775807\n",
    '[posting]\nwindow_start = "21:00"\nwindow_end = "09:00"\n', '[posting]\ntimezone = "../../etc/passwd"\n',
    "x = " + "[" * 100_000 + "\n", "x = {" + "a={" * 50_000 + "\n", "[posting\n", "\ufeff[posting]\nreview = 1\n",
    "[advocate]\norg = \"A\\u0000B\"\n", "[advocate]\naccounts = [\"nobody\"]\n", "[feeds]\ninterval_minutes = -1\n",
    '[notify]\nurls_env = "A B"\n', "[ingest]\nmax_pages = 0\n", "posting = 3\n", "[posting.timezone]\n",
]


@pytest.mark.parametrize("text", NASTY_CONFIGS, ids=range(len(NASTY_CONFIGS)))
def test_nasty_configs(campaign, tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(campaign.config_text(text), encoding="utf-8")
    result = campaign.refuses(["status"], config=path)
    assert str(path) in result.output


VALUES = st.one_of(st.integers(min_value=-2**63, max_value=2**63 - 1), st.text(max_size=12), st.booleans(),
                   st.floats(allow_nan=False), st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3))
KEYS = st.sampled_from(["posting.timezone", "posting.window_start", "posting.window_end", "posting.posts_per_day",
                        "posting.min_spacing_minutes", "posting.jitter_minutes", "posting.daily_cap", "posting.languages",
                        "posting.stale_after_minutes", "posting.last_call_days", "guard.max_mentions",
                        "daemon.poll_seconds", "daemon.max_attempts", "daemon.reconcile_minutes", "daemon.lock_file",
                        "daemon.deadline_grace_hours", "feeds.interval_minutes", "notify.digest_time", "ingest.max_depth"])


def _toml(value) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else "0.5"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


@FUZZ
@given(entries=st.dictionaries(KEYS, VALUES, min_size=1, max_size=3))
def test_generated_configs(campaign, tmp_path, entries):
    sections: dict[str, list[str]] = {}
    for key, value in entries.items():
        section, name = key.split(".")
        sections.setdefault(section, []).append(f"{name} = {_toml(value)}")
    path = tmp_path / "config.toml"
    text = "".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items())
    path.write_text(campaign.config_text(text), encoding="utf-8")
    result = campaign.refuses(["status"], config=path, may_succeed=True)
    if result.exit_code != 0:
        assert result.output.startswith(f"Error: {path}: "), result.output


# --- 4. templates ------------------------------------------------------------------------

NASTY_TEMPLATES = [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{{ range(100000)|join }}{% endfor %}",
    "{% for i in range(100000) %}{{ range(100000)|sum }}{% endfor %}",
    "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "{{ range(100000)|map('string')|join('x' * 10000) }}",
    "{% for i in range(100000) %}{{ 'x' * 10000 }}{% endfor %}",
    "{% set big = 'x' * 10000 %}{% set y %}{% for i in range(100000) %}{{ big }}{% endfor %}{% endset %}{{ y }}",
    "{% set l = [1] %}{% for i in range(100) %}{{ l.extend(l) }}{% endfor %}",
    "{{ ('x' * 10000)|replace('x', 'y' * 10000) }}", "{{ ('\\n' * 10000)|indent(100000) }}",
    "{{ ('\\t' * 10000).expandtabs(100000) }}", "{{ range(50000)|batch(1)|sum(start=[]) }}",
    "{{ 'x'.center(10**9) }}", "{{ 9 ** 999999 }}", "{{ '%9999999d' % 1 }}", "{{ ''.__class__.__mro__ }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% include 'x' %}", "{{ " + "(" * 50_000 + " }}",
    "{% for i in range(10) recursive %}{{ loop(range(10)) }}{% endfor %}", "{{ lipsum(10**6) }}",
    "{{ case.person|wordwrap(1, wrapstring='y' * 10000) }}", "{{ range(100000)|list|string|length }}",
    "{{ [('x' * 10000)] * 10000 }}", "{{ \x00 }}", "{{ case.person|replace('', 'x' * 10000) }}",
]


@pytest.mark.parametrize("body", NASTY_TEMPLATES, ids=range(len(NASTY_TEMPLATES)))
def test_nasty_templates(campaign, tmp_path, body):
    messages = tmp_path / "messages"
    shutil.copytree(campaign.root / "messages", messages)
    path = messages / "en" / "nasty.j2"
    path.write_text('+++\nkind = "appeal"\n+++\nFree {{ case.person }}!\n' + body + "\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(campaign.config_text(f'[advocate]\nmessages = "{messages}"\n'))
    result = campaign.refuses([*NOW, "messages", "check"], config=config)
    assert str(path) in result.output


@FUZZ
@given(parts=st.lists(st.sampled_from([
    "{% for i in range(N) %}", "{% endfor %}", "{{ range(N)|join }}", "{{ 'x' * N }}", "{{ case.person * N }}",
    "{{ range(N)|map('string')|join('-') }}", "{% set ns = namespace(s='ab') %}", "{% set ns.s = ns.s ~ ns.s %}",
    "{{ ns.s|length }}", "{{ N ** N }}", "{{ ' ' * N|center(N) }}", "{{ case.hashtags|join(' ' * N) }}",
    "{% if N > 3 %}", "{% endif %}", "{{ (range(N)|list) + (range(N)|list) }}", "{{ range(N)|sum }}",
]), min_size=1, max_size=6), n=st.sampled_from(["3", "1000", "99999", "100000", "100001", "10**6"]))
def test_generated_templates_render_or_are_refused_in_bounded_time(tmp_path, parts, n):
    from advocate.errors import TemplateError
    from advocate.messages.render import render
    from advocate.messages.templates import load_template

    path = tmp_path / "en" / "t.j2"
    path.parent.mkdir(exist_ok=True)
    path.write_text('+++\nkind = "appeal"\n+++\n' + "".join(parts).replace("N", n) + "\n", encoding="utf-8")
    start = time.monotonic()
    try:
        render(load_template(path), {"case": {"person": "A B", "hashtags": ["#A", "#B"]}, "org": "Amnesty"})
    except TemplateError as exc:
        assert len(str(exc).splitlines()) <= 3 and str(path) in str(exc)
    took = time.monotonic() - start
    TIMES.append((took, "template " + "".join(parts).replace("N", n)[:100]))
    assert took < LIMIT_SECONDS
