"""Message templates and the rules a post must meet. Pure: no database, no
clock, no network; callers pass `days_left` and the case.

- templates.py  load and validate `messages/<language>/<name>.j2` files
- context.py    the variables a template sees (build_context)
- render.py     sandboxed rendering; dropping optional parts to fit
- sandbox.py    the bounded Jinja2 sandbox, its filters and functions
- formats.py    dates, day counts and pronouns per language
- length.py     length per network (x, bluesky, mastodon, dryrun)
- entities.py   @mentions and #hashtags by twitter-text's rules
- guard.py      hashtag and mention limits; keys for near-duplicates

Import the submodules directly; this package imports nothing, so that
loading templates stays cheap.
"""
