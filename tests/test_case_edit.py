"""Correcting a case's targets: edit, add, remove; kept over later updates; bad values change nothing."""

from __future__ import annotations

import pytest

APRIL_10 = "--now 2019-04-10T09:00+05:00"
APRIL_12 = "--now 2019-04-12T09:00+05:00"


@pytest.fixture
def case(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    return workspace


def targets(workspace) -> list[dict]:
    return workspace.json("case show 1")["targets"]


def ingest_update(workspace, seeds, name: str = "update.txt") -> None:
    body = (seeds / "ua-46-19-initial.txt").read_text().split("\n", 1)[1].replace("21 May 2019", "28 May 2019")
    path = workspace.root / name
    path.write_text("URGENT ACTION\n\nFURTHER INFORMATION ON UA 46/19\n\nSTILL UNDER HOUSE ARREST\n\n" + body)
    workspace.run(f"{APRIL_12} ingest {path}")


def one_line_error(result) -> str:
    assert result.exit_code != 0 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_a_target_field_is_corrected_and_kept_over_later_updates(case, seeds):
    output = case.run(f"{APRIL_10} case edit 1 --target 1 --set email=office@prokuror.kz --set 'title=Prosecutor General of Kazakhstan'").output
    assert "targets" in output
    first = targets(case)[0]
    assert (first["email"], first["title"]) == ("office@prokuror.kz", "Prosecutor General of Kazakhstan")
    assert first["name"] == "Nurdauletov Gizat Daurenbekovich"  # the rest of the target is untouched

    ingest_update(case, seeds)
    assert case.json("case show 1")["deadline"] == "2019-05-28"  # the update applied...
    assert targets(case)[0]["email"] == "office@prokuror.kz"   # ...but the corrected targets stand


def test_a_target_is_added_with_commas_inside_a_value(case):
    case.run(f'{APRIL_10} case edit 1 --add-target "name=Ivan Petrov,title=Minister of Justice, Astana,email=min@adilet.kz,handle=@adilet"')
    added = targets(case)[-1]
    assert (added["name"], added["title"], added["email"], added["handle"]) == (
        "Ivan Petrov", "Minister of Justice, Astana", "min@adilet.kz", "@adilet")
    assert added["additional"] is False and len(targets(case)) == 3
    assert "target 3: Ivan Petrov" in case.run("case show 1").output


def test_a_target_is_removed_and_the_rest_renumbered(case, seeds):
    case.run(f"{APRIL_10} case edit 1 --remove-target 1")
    assert [t["name"] for t in targets(case)] == ["Erlan Idrissov"]
    assert "additional target 1: Erlan Idrissov" in case.run("case show 1").output
    ingest_update(case, seeds)
    assert len(targets(case)) == 1  # the update's two targets do not come back


@pytest.mark.parametrize("args, expected", [
    ("--target 3 --set email=a@b.kz", "there is no target 3"),
    ("--target 1 --set email=not-an-address", "not an e-mail address"),
    ("--target 1 --set colour=red", "FIELD one of name, title, email"),
    ("--target 1 --set handle=@has-a-dash", "not an X handle"),
    ("--target 1 --set fax=call-me", "not a fax number"),
    ("--remove-target 0", "--remove-target"),
    ('--add-target "email=x@y.kz"', "give at least name=... or title=..."),
    ("--target 1", "say what to change with --set"),
    ("--set deadline=2019-06-30 --remove-target 7", "there is no target 7"),
])
def test_bad_target_edits_are_one_line_and_change_nothing(case, args, expected):
    before = case.json("case show 1")
    error = one_line_error(case.run(f"{APRIL_10} case edit 1 {args}", ok=False))
    assert expected in error
    after = case.json("case show 1")
    assert (after["targets"], after["deadline"]) == (before["targets"], before["deadline"])


def test_a_corrected_handle_rewrites_the_planned_posts(case):
    case.run(f"{APRIL_10} schedule")
    assert any("@GenProkRK" in p["text"] for p in case.json(f"{APRIL_10} queue --all"))

    output = case.run(f"{APRIL_10} case edit 1 --target 1 --set handle=@ProkuraturaKZ").output
    assert "plan updated" in output
    texts = [p["text"] for p in case.json(f"{APRIL_10} queue") if p["status"] in ("draft", "scheduled")]
    assert any("@ProkuraturaKZ" in t for t in texts)
    assert not any("@GenProkRK" in t for t in texts if "@ProkuraturaKZ" in t)


def test_the_help_documents_the_target_syntax(workspace):
    text = workspace.run("case edit --help").output
    for option in ("--target N", "--add-target", "--remove-target N", "FIELD=VALUE"):
        assert option in text
