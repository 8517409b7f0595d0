"""The rehearsal from the README: the seed case from its Urgent Action to a stopped campaign."""

from __future__ import annotations

import datetime as dt

APRIL_10 = "--now 2019-04-10T09:00+05:00"
APRIL_25 = "--now 2019-04-25T09:00+05:00"


def test_rehearsal_posts_until_the_final_update_then_nothing(workspace, seeds):
    created = workspace.json(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    assert [(d["kind"], d["action"]) for d in created] == [("initial", "created")]
    case = created[0]["case"]
    assert case["person"] == "Serikzhan Bilash"
    assert case["deadline"] == "2019-05-21"
    assert case["status"] == "open"

    workspace.run(f"{APRIL_10} schedule")
    drafts = workspace.json(f"{APRIL_10} queue")
    assert drafts and {p["status"] for p in drafts} == {"draft"}
    assert workspace.run(f"{APRIL_10} queue").output.count("draft") >= 1

    workspace.run(f"{APRIL_10} queue approve --all")
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-25T00:00+05:00")
    first_run = workspace.outbox()
    cutoff = dt.datetime.fromisoformat("2019-04-25T00:00+05:00")
    due_by_then = [p for p in drafts if dt.datetime.fromisoformat(p["scheduled_at"]) <= cutoff]
    assert len(first_run) == len(due_by_then) > 0
    assert all(dt.datetime.fromisoformat(line["at"]) <= cutoff for line in first_run)
    assert len({line["text"] for line in first_run}) == len(first_run)

    closed = workspace.json(f"{APRIL_25} ingest {seeds / 'ua-46-19-final.txt'}")
    assert [(d["kind"], d["action"]) for d in closed] == [("final", "closed")]
    assert closed[0]["case"]["id"] == case["id"]
    assert closed[0]["case"]["status"] == "closed"

    workspace.run(f"{APRIL_25} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")
    assert workspace.outbox() == first_run
    leftover = workspace.json(f"{APRIL_25} queue --all")
    assert {p["status"] for p in leftover} == {"sent", "cancelled"}


def test_each_post_in_the_outbox_is_sent_in_the_queue(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-13T00:00+05:00")
    sent = {p["id"]: p for p in workspace.json(f"{APRIL_10} queue --status sent")}
    outbox = workspace.outbox()
    assert sorted(line["post_id"] for line in outbox) == sorted(sent)
    for line in outbox:
        assert line["text"] == sent[line["post_id"]]["text"]
        assert line["channel"] == "rehearsal"


def test_news_is_recorded_against_the_case_and_starts_nothing(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    news = workspace.json(f"{APRIL_10} ingest {seeds / 'ua-46-19-release-news.txt'} {seeds / 'ua-46-19-un-wgad-news.txt'}")
    assert [(n["kind"], n["action"]) for n in news] == [("news", "recorded"), ("news", "recorded")]
    assert {n["case"]["id"] for n in news} == {1}
    assert len(workspace.json("case list")) == 1
    assert workspace.json("case list")[0]["status"] == "open"


def test_ingesting_twice_changes_nothing(workspace, seeds):
    first = workspace.json(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    again = workspace.json(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    assert again[0]["action"] == "unchanged"
    assert again[0]["case"] == first[0]["case"]
    assert len(workspace.json("case list")) == 1


def test_scheduling_again_adds_nothing_and_keeps_approved_posts(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    before = workspace.json(f"{APRIL_10} queue")
    assert "nothing to add" in workspace.run(f"{APRIL_10} schedule").output
    assert workspace.json(f"{APRIL_10} queue") == before

    first = before[0]["id"]
    workspace.run(f"{APRIL_10} queue approve {first}")
    workspace.run(f"{APRIL_10} schedule --replan")
    after = {p["id"]: p for p in workspace.json(f"{APRIL_10} queue")}
    assert after[first]["status"] == "scheduled"
    assert after[first]["text"] == before[0]["text"]
    texts = [p["text"] for p in after.values()]
    assert len(texts) == len(set(texts))


def test_closing_by_hand_cancels_pending_posts(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")
    out = workspace.run(f"{APRIL_10} case close 1 --reason 'released'").output
    assert "pending posts cancelled" in out
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")
    assert workspace.outbox() == []
    case = workspace.json("case show 1")
    assert (case["status"], case["closed_reason"]) == ("closed", "released")


def test_deadline_passing_closes_the_case(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-06-01T00:00+05:00")
    case = workspace.json("case show 1")
    assert (case["status"], case["closed_reason"]) == ("closed", "deadline passed")
    deadline_at = dt.datetime.fromisoformat(case["deadline_at"])
    assert all(dt.datetime.fromisoformat(line["at"]) < deadline_at for line in workspace.outbox())


def test_an_update_extending_the_deadline_extends_the_plan(workspace, seeds, tmp_path):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve 1 2")
    before = [p for p in workspace.json(f"{APRIL_10} queue") if p["approved"]]
    update = tmp_path / "ua-46-19-update.txt"
    update.write_text((seeds / "ua-46-19-initial.txt").read_text()
                      .replace("URGENT ACTION", "URGENT ACTION\nTHIS IS THE FIRST UPDATE OF UA 46/19", 1)
                      .replace("UNTIL: 21 May 2019", "UNTIL: 4 June 2019"))
    out = workspace.run(f"{APRIL_10} ingest {update}").output
    assert "plan updated" in out
    assert workspace.json("case show 1")["deadline"] == "2019-06-04"
    after = workspace.json(f"{APRIL_10} queue")
    assert {p["id"] for p in before} <= {p["id"] for p in after}  # approved posts are kept
    assert max(p["scheduled_at"] for p in after) > "2019-06-03"  # a last call on the new last day
    last_calls = [p for p in after if p["kind"] == "last-call"]
    assert last_calls and min(p["scheduled_at"] for p in last_calls) > "2019-06-01"


def test_a_target_without_a_handle_on_a_network_is_named_not_mentioned(workspace, seeds):
    workspace.set_config('accounts = ["rehearsal"]', 'accounts = ["rehearsal", "fedi"]')
    workspace.config.write_text(workspace.config.read_text() + '\n[accounts.fedi]\ntype = "mastodon"\nbase_url = "http://127.0.0.1:9"\n')
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    posts = workspace.json(f"{APRIL_10} queue")
    fedi = [p for p in posts if p["channel"] == "fedi"]
    x = [p for p in posts if p["channel"] == "rehearsal"]
    assert fedi and x
    assert not any("@GenProkRK" in p["text"] for p in fedi)
    assert all(p["text"].count("@") <= 1 for p in posts)
    workspace.run(f"{APRIL_10} case edit 1 --target-handle 1:mastodon=@prokuror@mastodon.example")
    assert workspace.json("case show 1")["targets"][0]["handles"] == {"mastodon": "@prokuror@mastodon.example"}


def test_queue_pause_and_resume_hold_a_case_without_cancelling(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")
    workspace.run(f"{APRIL_10} queue pause --case 1")
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-13T00:00+05:00")
    assert workspace.outbox() == []
    workspace.run(f"{APRIL_10} queue resume --case 1")
    workspace.run(f"{APRIL_10} queue pause --account rehearsal")
    workspace.run(f"{APRIL_10} daemon --simulate --in-place --until 2019-04-13T00:00+05:00")
    assert workspace.outbox() == []
    workspace.run(f"{APRIL_10} queue resume --account rehearsal")
    assert "no account 'nobody'" in workspace.run(f"{APRIL_10} queue pause --account nobody", ok=False).output


FOUR_NETWORKS = """
[accounts.org_x]
type = "x"
[accounts.org_mastodon]
type = "mastodon"
base_url = "https://mastodon.example"
[accounts.org_bluesky]
type = "bluesky"
handle = "org.bsky.example"
"""


def test_the_seed_campaign_rehearses_on_all_four_networks_each_post_valid_there(workspace, seeds):
    from advocate.messages.length import measure

    workspace.set_config('accounts = ["rehearsal"]', 'accounts = ["rehearsal", "org_x", "org_mastodon", "org_bluesky"]')
    workspace.config.write_text(workspace.config.read_text() + FOUR_NETWORKS)
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")
    before = workspace.json(f"{APRIL_10} queue --all")
    out = workspace.run(f"{APRIL_10} daemon --simulate --until 2019-04-25T00:00+05:00").output
    assert "copy of the database" in out

    networks = {"rehearsal": "x", "org_x": "x", "org_mastodon": "mastodon", "org_bluesky": "bluesky"}
    for account, network in networks.items():
        lines = workspace.outbox(f"simulate-{account}.jsonl")
        assert lines, account
        assert all(measure(line["text"], network).ok for line in lines)
        if network != "x":
            assert not any("@GenProkRK" in line["text"] for line in lines)
    # Real networks are configured: the rehearsal ran on a copy, nothing in the queue changed,
    # and the dry-run account's own outbox was left alone.
    assert workspace.json(f"{APRIL_10} queue --all") == before
    assert workspace.outbox() == []


def test_a_simulation_never_runs_beside_a_live_daemon(workspace, seeds):
    from advocate.config import load_config
    from advocate.daemon import InstanceLock

    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    with InstanceLock(load_config(workspace.config).lock_path):
        result = workspace.run(f"{APRIL_10} daemon --simulate --until 2019-04-25T00:00+05:00", ok=False)
    assert result.exit_code != 0 and "another advocate daemon" in result.output


def test_case_edit_sets_the_pace_of_one_campaign_and_re_plans_it(workspace, seeds):
    workspace.run(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run(f"{APRIL_10} schedule")
    out = workspace.run(f"{APRIL_10} case edit 1 --set strategy=even --set posts_per_day=1").output
    assert "strategy: (not set) -> even" in out and "plan updated" in out
    assert "not one of" in workspace.run(f"{APRIL_10} case edit 1 --set strategy=fast", ok=False).output
    assert "whole number" in workspace.run(f"{APRIL_10} case edit 1 --set posts_per_day=many", ok=False).output


def test_the_seed_campaign_rehearses_with_its_photo_and_action_link_on_all_four_networks(workspace, seeds):
    """Issue 14: the project's own synthetic photo, its alt text and the action link, on every network."""
    from pathlib import Path

    from advocate.media.limits import LIMITS
    from advocate.messages.length import measure

    photo = Path(__file__).parent / "data" / "photos" / "synthetic-portrait.jpg"
    alt = "A drawing of a smiling man with short dark hair and a blue jacket, looking at the camera."
    url = "https://www.amnesty.org/en/documents/asa57/0297/2019/en/"
    workspace.set_config('accounts = ["rehearsal"]', 'accounts = ["rehearsal", "org_x", "org_mastodon", "org_bluesky"]')
    workspace.config.write_text(workspace.config.read_text() + FOUR_NETWORKS)
    case_id = workspace.json(f"{APRIL_10} ingest {seeds / 'ua-46-19-initial.txt'}")[0]["case"]["id"]
    workspace.run(f"{APRIL_10} case edit {case_id} --set url={url}")
    workspace.run(f'{APRIL_10} case photo {case_id} {photo} --alt "{alt}"')
    workspace.run(f"{APRIL_10} schedule")
    workspace.run(f"{APRIL_10} queue approve --all")
    workspace.run(f"{APRIL_10} daemon --simulate --until 2019-05-22T00:00+05:00")  # the whole campaign

    networks = {"rehearsal": "x", "org_x": "x", "org_mastodon": "mastodon", "org_bluesky": "bluesky"}
    for account, network in networks.items():
        lines = workspace.outbox(f"simulate-{account}.jsonl")
        assert all(measure(line["text"], network).ok for line in lines), account
        shown = [line for line in lines if "photo" in line]
        assert shown, f"{account}: no post showed the photo"
        for line in shown:
            assert line["photo"]["alt"] == alt
            assert line["photo"]["network"] in (network, "dryrun")
            assert line["photo"]["sent_bytes"] <= LIMITS[network].max_bytes
        # X and Mastodon make their own card from the link in the text; Bluesky gets a card from us.
        assert any(line.get("link") == url and (url in line["text"] or network == "bluesky") for line in lines), account
