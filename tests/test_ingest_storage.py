"""What happens to a document once it is read: nothing readable is turned away.

Incomplete cases, updates and finals for cases not in the database, news
and texts that name no case, subjects that are groups or organisations.
The documents are written here, from the seed UA, so these tests do not
depend on the parser's corpus.
"""

from __future__ import annotations

APRIL_10 = "--now 2019-04-10T09:00+05:00"
APRIL_12 = "--now 2019-04-12T09:00+05:00"


def write(workspace, name: str, text: str):
    path = workspace.root / name
    path.write_text(text, encoding="utf-8")
    return path


def initial_text(seeds) -> str:
    return (seeds / "ua-46-19-initial.txt").read_text()


def without_deadline(seeds) -> str:
    lines = initial_text(seeds).splitlines()
    return "\n".join(line for line in lines if "UNTIL" not in line and "after the deadline" not in line) + "\n"


def update_text(seeds, deadline: str) -> str:
    body = initial_text(seeds).split("\n", 1)[1].replace("21 May 2019", deadline)
    return "URGENT ACTION\n\nFURTHER INFORMATION ON UA 46/19\n\nHUMAN RIGHTS DEFENDER STILL UNDER HOUSE ARREST\n\n" + body


GROUP_UA = """URGENT ACTION

PROTESTERS DETAINED FOR A PEACEFUL MARCH

Twelve protesters were detained after a peaceful march in the capital. They face up to five years in prison.

TAKE ACTION: WRITE AN APPEAL IN YOUR OWN WORDS OR USE THIS MODEL LETTER

Minister of Interior

Dear Minister,

I urge you to release the protesters.

PLEASE TAKE ACTION AS SOON AS POSSIBLE UNTIL: 21 May 2019
"""


def ingest(workspace, path, now=APRIL_10, extra=""):
    [result] = workspace.json(f"{now} ingest {path} {extra}")
    return result


# --- incomplete cases ---------------------------------------------------------

def test_a_ua_without_a_deadline_is_stored_incomplete_and_says_how_to_complete_it(workspace, seeds):
    result = ingest(workspace, write(workspace, "ua.txt", without_deadline(seeds)))
    assert (result["kind"], result["action"]) == ("initial", "created")
    assert any("advocate case edit 1 --set deadline=YYYY-MM-DD" in note for note in result["notes"])

    [case] = workspace.json("case list")
    assert case["missing"] == ["deadline"] and case["deadline"] is None
    assert case["complete_with"] == "advocate case edit 1 --set deadline=YYYY-MM-DD"
    listed = workspace.run("case list").output
    assert "deadline" in listed and "advocate case edit 1 --set deadline=YYYY-MM-DD" in listed


def test_schedule_skips_an_incomplete_case_with_the_command_then_plans_it_once_completed(workspace, seeds):
    ingest(workspace, write(workspace, "ua.txt", without_deadline(seeds)))

    skipped = workspace.run(f"{APRIL_10} schedule")
    assert "case 1 is incomplete (no deadline)" in skipped.output
    assert "advocate case edit 1 --set deadline=YYYY-MM-DD" in skipped.output
    assert workspace.json(f"{APRIL_10} queue --all") == []

    workspace.run(f"{APRIL_10} case edit 1 --set deadline=2019-05-21")
    assert workspace.json("case show 1")["missing"] == []
    workspace.run(f"{APRIL_10} schedule")
    assert len(workspace.json(f"{APRIL_10} queue --all")) > 0


def test_default_campaign_days_plans_to_an_assumed_deadline_after_the_uas_date(workspace, seeds):
    workspace.set_config("[posting]", "[posting]\ndefault_campaign_days = 30")
    ingest(workspace, write(workspace, "ua.txt", without_deadline(seeds)))

    output = workspace.run(f"{APRIL_10} schedule").output
    assert "assumed 2019-05-09" in output  # issued 9 April 2019 + 30 days

    case = workspace.json("case show 1")
    assert (case["deadline"], case["deadline_assumed"], case["missing"]) == ("2019-05-09", True, [])
    assert "2019-05-09 (assumed)" in workspace.run("case show 1").output
    assert "(assumed)" in workspace.run("case list").output
    posts = workspace.json(f"{APRIL_10} queue --all")
    assert posts and max(p["scheduled_at"] for p in posts) < "2019-05-10"


def test_a_deadline_from_a_later_update_replaces_the_assumed_one(workspace, seeds):
    workspace.set_config("[posting]", "[posting]\ndefault_campaign_days = 30")
    ingest(workspace, write(workspace, "ua.txt", without_deadline(seeds)))
    workspace.run(f"{APRIL_10} case pause 1")  # assumed at schedule time, but nothing planned
    workspace.run(f"{APRIL_10} schedule")
    assert workspace.json("case show 1")["deadline_assumed"] is True

    ingest(workspace, write(workspace, "update.txt", update_text(seeds, "28 May 2019")), now=APRIL_12)
    case = workspace.json("case show 1")
    assert (case["deadline"], case["deadline_assumed"]) == ("2019-05-28", False)


def test_an_assumed_deadline_already_past_is_not_used(workspace, seeds):
    workspace.set_config("[posting]", "[posting]\ndefault_campaign_days = 10")
    ingest(workspace, write(workspace, "ua.txt", without_deadline(seeds)))

    output = workspace.run("--now 2019-06-01T09:00+05:00 schedule").output
    assert "10 days after its UA's date (2019-04-09) is past" in output
    assert workspace.json("case show 1")["deadline"] is None


def test_a_case_without_a_name_is_incomplete(workspace):
    ingest(workspace, write(workspace, "group.txt", GROUP_UA))
    workspace.run(f"{APRIL_10} case edit 1 --set subject_name=")
    case = workspace.json("case show 1")
    assert case["missing"] == ["name"]
    assert case["complete_with"] == 'advocate case edit 1 --set subject_name="NAME"'
    assert "no name" in workspace.run(f"{APRIL_10} schedule").output


def test_a_past_deadline_stores_the_case_closed_and_it_never_campaigns(workspace, seeds):
    result = ingest(workspace, seeds / "ua-46-19-initial.txt", now="--now 2019-06-01T09:00+05:00")
    assert result["action"] == "created" and result["case"]["status"] == "closed"
    assert result["case"]["closed_reason"] == "deadline passed"
    assert any("stored closed" in note for note in result["notes"])
    workspace.run("--now 2019-06-01T09:00+05:00 schedule")
    assert workspace.json("--now 2019-06-01T09:00+05:00 queue --all") == []


# --- updates, finals and news for cases not in the database ---------------------

def test_an_update_for_an_unknown_case_creates_it_and_the_initial_joins_it_later(workspace, seeds):
    update = ingest(workspace, write(workspace, "update.txt", update_text(seeds, "28 May 2019")), now=APRIL_12)
    assert (update["kind"], update["action"]) == ("update", "created")
    assert update["case"]["deadline"] == "2019-05-28"

    initial = ingest(workspace, seeds / "ua-46-19-initial.txt", now=APRIL_12)
    assert initial["case"]["id"] == 1 and len(workspace.json("case list")) == 1
    # The older document fills gaps only: its earlier deadline does not replace the update's.
    assert workspace.json("case show 1")["deadline"] == "2019-05-28"
    assert [d["kind"] for d in workspace.json("case show 1")["documents"]] == ["update", "initial"]

    final = ingest(workspace, seeds / "ua-46-19-final.txt", now="--now 2019-04-25T09:00+05:00")
    assert (final["action"], final["case"]["id"], final["case"]["status"]) == ("closed", 1, "closed")


def test_a_final_for_an_unknown_case_is_recorded_and_closes_the_case_ingested_after_it(workspace, seeds):
    final = ingest(workspace, seeds / "ua-46-19-final.txt")
    assert (final["kind"], final["action"], final["case"]) == ("final", "recorded", None)
    assert workspace.json("case list") == []

    initial = ingest(workspace, seeds / "ua-46-19-initial.txt")
    assert initial["action"] == "created"
    assert (initial["case"]["status"], initial["case"]["closed_reason"]) == ("closed", "final update")
    assert any("final update for this case was ingested earlier" in n for n in initial["notes"])
    assert [d["kind"] for d in workspace.json("case show 1")["documents"]] == ["final", "initial"]

    workspace.run(f"{APRIL_10} schedule")
    assert workspace.json(f"{APRIL_10} queue --all") == []
    # A closed-by-final case is never re-opened by a later deadline correction's update.
    ingest(workspace, write(workspace, "update.txt", update_text(seeds, "28 July 2019")), now=APRIL_12)
    assert workspace.json("case show 1")["status"] == "closed"


def test_news_that_names_no_known_case_is_recorded(workspace, seeds):
    news = ingest(workspace, seeds / "ua-46-19-release-news.txt")
    assert (news["kind"], news["action"], news["case"]) == ("news", "recorded", None)
    assert workspace.json("case list") == []


def test_a_text_that_reads_as_no_ua_is_recorded_and_can_be_attached_with_case(workspace, seeds):
    ingest(workspace, seeds / "ua-46-19-initial.txt")
    note = write(workspace, "note.txt", "Minutes of the Tuesday meeting.\nWe discussed the bake sale.\n")

    recorded = ingest(workspace, note)
    assert (recorded["kind"], recorded["action"], recorded["case"]) == ("unknown", "recorded", None)
    assert any("nothing was started" in n and "--case" in n for n in recorded["notes"])

    attached = ingest(workspace, note, extra="--case 1")
    assert (attached["action"], attached["case"]["id"]) == ("recorded", 1)
    assert [d["filename"].endswith("note.txt") for d in workspace.json("case show 1")["documents"]] == [False, True]
    assert ingest(workspace, note, extra="--case 1")["action"] == "unchanged"


# --- subjects ---------------------------------------------------------------------

def test_a_group_is_stored_with_its_kind_name_and_role_and_posts_speak_of_them_in_plural(workspace):
    result = ingest(workspace, write(workspace, "group.txt", GROUP_UA))
    case = result["case"]
    assert (case["subject_kind"], case["subject_name"]) == ("group", "twelve protesters")
    shown = workspace.run("case show 1").output
    assert "subject_kind: group" in shown and "line" in shown.split("subject_name:")[1].splitlines()[0]

    preview = workspace.run(f"{APRIL_10} messages preview 1").output
    assert "Twelve protesters are" in preview and "human rights defender" not in preview
    check = workspace.run(f"{APRIL_10} messages check")
    assert "0 problems" in check.output


def test_subject_fields_are_editable_validated_and_kept_over_updates(workspace, seeds):
    ingest(workspace, seeds / "ua-46-19-initial.txt")
    workspace.run(f'{APRIL_10} case edit 1 --set subject_kind=group --set "subject_name=twelve protesters" --set role=journalist')
    case = workspace.json("case show 1")
    assert (case["subject_kind"], case["subject_name"], case["role"]) == ("group", "twelve protesters", "journalist")
    assert "set by user" in workspace.run("case show 1").output

    bad = workspace.run(f"{APRIL_10} case edit 1 --set subject_kind=crowd --set role=lawyer", ok=False)
    assert bad.exit_code != 0 and len(bad.output.strip().splitlines()) == 1
    assert "person, group, organisation" in bad.output
    assert workspace.json("case show 1")["role"] == "journalist"

    ingest(workspace, write(workspace, "update.txt", update_text(seeds, "28 May 2019")), now=APRIL_12)
    case = workspace.json("case show 1")
    assert (case["subject_kind"], case["subject_name"], case["deadline"]) == ("group", "twelve protesters", "2019-05-28")


def test_a_role_and_an_organisation_reach_the_posts_in_every_language(workspace, seeds):
    workspace.set_config("languages = []", 'languages = ["en", "ru"]')
    ingest(workspace, seeds / "ua-46-19-initial.txt")
    workspace.run(f"{APRIL_10} case edit 1 --set role=journalist")
    english = workspace.run(f"{APRIL_10} messages preview 1").output
    russian = workspace.run(f"{APRIL_10} messages preview 1 --lang ru").output
    assert "a journalist" in english and "human rights defender" not in english
    assert "Журналист Serikzhan Bilash" in russian and "правозащитни" not in russian

    workspace.run(f'{APRIL_10} case edit 1 --set subject_kind=organisation --set "subject_name=Atajurt"')
    english = workspace.run(f"{APRIL_10} messages preview 1").output
    russian = workspace.run(f"{APRIL_10} messages preview 1 --lang ru").output
    assert "Atajurt is" in english and "release him" not in english
    assert "Организация «Atajurt»" in russian and "освободить его" not in russian
    assert "0 problems" in workspace.run(f"{APRIL_10} messages check").output
