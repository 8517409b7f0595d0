"""A mistyped far deadline never makes planning run for minutes: the plan
reaches at most a year ahead, and deadlines past 2200 are refused."""

from __future__ import annotations

import datetime as dt


def test_a_deadline_a_century_away_plans_one_year_only(workspace, seeds):
    workspace.run(f"--now 2019-04-10T09:00+05:00 ingest {seeds / 'ua-46-19-initial.txt'}")
    workspace.run("--now 2019-04-10T09:00+05:00 case edit 1 --set deadline=2119-04-10")
    workspace.run("--now 2019-04-10T09:00+05:00 schedule")
    times = [dt.datetime.fromisoformat(p["scheduled_at"]) for p in workspace.json("queue --all")]
    assert times, "nothing planned"
    assert max(times) <= dt.datetime(2020, 4, 11, tzinfo=dt.UTC)


def test_a_deadline_past_2200_is_refused_in_one_line(workspace, seeds):
    workspace.run(f"--now 2019-04-10T09:00+05:00 ingest {seeds / 'ua-46-19-initial.txt'}")
    result = workspace.run("--now 2019-04-10T09:00+05:00 case edit 1 --set deadline=9000-01-01", ok=False)
    assert result.exit_code == 1 and "too far ahead" in result.output
    assert len(result.output.strip().splitlines()) == 1
