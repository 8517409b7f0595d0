"""`advocate review`: step through the posts that wait for a human, one screen and one key each.

- waiting.py: which posts wait, soonest first, and why each waits;
- screen.py:  what one post's screen shows (plain text, sized to the terminal);
- actions.py: approve, edit, reject, move (through advocate.queue, the only writer of posts);
- session.py: the loop over the waiting posts, with the terminal passed in;
- terminal.py: the real terminal (one key without Enter on a TTY, lines on a pipe).

Posts whose outcome is unknown also wait for a human, but for a different
question ("is it on the network?"), answered by looking at the account:
review counts them in its summary and names the commands that settle
them (`advocate queue confirm ID` / `advocate queue retry ID`).
"""
