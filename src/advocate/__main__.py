"""`python -m advocate`: the same as the `advocate` command."""

from advocate.cli import main

main()
