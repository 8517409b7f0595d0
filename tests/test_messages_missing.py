"""A case that lacks a field (no country, no official) never gets a text that
prints 'None', and `messages check` does not count what the planner would skip."""

from __future__ import annotations

from pathlib import Path

GROUP_UA = """URGENT ACTION
DETAINED FOR PROTESTING
Authorities arrested several people on 3 March. Write to the Minister.
Please send appeals before 30 April 2030.
"""


def test_a_case_without_country_or_official_renders_without_none(workspace, tmp_path: Path):
    ua = tmp_path / "group.txt"
    ua.write_text(GROUP_UA, encoding="utf-8")
    workspace.run(f"--now 2030-04-01T09:00+00:00 ingest {ua}")
    case = workspace.json("case show 1")
    assert not case["country"] and not case["targets"]

    previews = workspace.json("--now 2030-04-01T09:00+00:00 messages preview 1 --lang en")
    texts = [p["text"] for p in previews if p["text"]]
    assert len(texts) >= 6, previews  # the shipped templates still have something to say
    assert not any("None" in text for text in texts), texts

    check = workspace.run("--now 2030-04-01T09:00+00:00 messages check")
    assert "0 problems" in check.output, check.output

    workspace.run("--now 2030-04-01T09:00+00:00 schedule")
    posts = workspace.json("queue --all")
    assert posts and not any("None" in p["text"] for p in posts)


def test_a_template_printing_a_missing_value_is_refused_with_its_line(workspace, tmp_path: Path):
    ua = tmp_path / "group.txt"
    ua.write_text(GROUP_UA, encoding="utf-8")
    workspace.run(f"--now 2030-04-01T09:00+00:00 ingest {ua}")
    (workspace.root / "messages" / "en" / "careless.j2").write_text(
        '+++\nkind = "appeal"\n+++\nFree {{ case.name }}, held in {{ case.country }}.\n', encoding="utf-8")
    result = workspace.run("--now 2030-04-01T09:00+00:00 messages check", ok=False)
    assert result.exit_code == 1
    assert "careless.j2 line 4: prints a value this case does not have" in result.output


def test_every_role_the_parser_can_read_has_words_in_every_template_language():
    """A role read from a UA but unknown to the templates would be left out of Russian posts."""
    import tomllib

    from advocate.messages.roles import ALIASES, ROLES, role_forms

    labels = Path(__file__).resolve().parents[1] / "src" / "advocate" / "ingest" / "labels"
    read = {value for path in labels.glob("*.toml")
            for value in tomllib.loads(path.read_text(encoding="utf-8")).get("roles", {}).values()}
    assert len(read) > 20
    unknown = sorted(role for role in read if role not in ROLES and role not in ALIASES)
    assert unknown == [], f"add these to messages/roles.py: {unknown}"
    for role in read:
        assert role_forms(role, "ru", "she")["role"], role
        assert role_forms(role, "en", "plural")["role"], role
