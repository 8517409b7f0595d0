"""What `advocate schedule` prints stays readable for a network's many cases:
a line per case for a few, one summary line for many, warnings never buried."""

import datetime as dt

from advocate import cases
from advocate.db import open_db, write

NOW = "2026-03-02T08:00:00+00:00"


def _add_cases(workspace, count):
    db = open_db(workspace.root / "advocate.db")
    start = dt.datetime.fromisoformat(NOW)
    with write(db):
        for i in range(count):
            fields = {"ua_number": f"UA {i + 1}/26", "person": f"Person Number{i}", "pronouns": "she/her",
                      "country": "Egypt", "issued": "2026-03-02", "deadline": (start + dt.timedelta(days=5)).date().isoformat(),
                      "hashtags": [f"#Free{i}"], "handles": [], "languages": ["English"]}
            cases.create_case(db, start, fields, [{"name": f"Official {i}", "title": "Prosecutor", "handle": None, "additional": 0}],
                              {}, {}, "UTC")
    db.close()


def test_a_few_cases_get_a_line_each(workspace):
    _add_cases(workspace, 3)
    out = workspace.run(f"--now {NOW} schedule").output
    assert [line.split(":")[0] for line in out.splitlines() if "posts planned" in line] == ["case 1", "case 2", "case 3"]


def test_many_cases_are_summed_up_in_one_line(workspace):
    _add_cases(workspace, 25)
    out = workspace.run(f"--now {NOW} schedule").output
    planned = [line for line in out.splitlines() if "posts planned" in line]
    assert len(planned) == 1 and planned[0].startswith("25 cases: ") and "advocate calendar" in planned[0]
