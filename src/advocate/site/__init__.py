"""The supporters' action kit: a static site with a page per case.

- data.py      the database's cases -> what a page shows (plain dicts)
- variants.py  supporter texts per network, fitted and checked, and their intent links
- letters.py   the model letter per target, as a mailto: link
- pages.py     the page templates (pages/ folder, Jinja2 sandbox) -> HTML
- check.py     the accessibility basics every page must pass
- build.py     render what changed, write it atomically, remember fingerprints
- serve.py     a localhost preview server
"""
