"""The real terminal: one key without Enter on a TTY (as over SSH), whole lines on a pipe.

Editing opens $VISUAL or $EDITOR only when one is set and both ends are a
terminal; otherwise the text is typed inline, ending with a line holding
only '.'. Never a default editor: vim opened without a terminal hangs.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from typing import TextIO

import click

MAX_WIDTH = 100  # wider lines are harder to read, not easier


class ConsoleTerminal:
    def __init__(self, environ: Mapping[str, str], stdin: TextIO | None = None, stdout: TextIO | None = None):
        self.environ = environ
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def is_tty(self) -> bool:
        return self.stdin.isatty() and self.stdout.isatty()

    def width(self) -> int:
        return min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)

    def show(self, lines: list[str]) -> None:
        click.echo("\n" + "\n".join(lines), file=self.stdout)

    def key(self, prompt: str) -> str:
        click.echo(prompt, nl=False, file=self.stdout)
        self.stdout.flush()
        try:
            char = self._one_key() if self.stdin.isatty() else self._first_of_line()
        except (KeyboardInterrupt, EOFError):
            char = ""
        if char in ("\x03", "\x04"):  # Ctrl-C, Ctrl-D
            char = ""
        click.echo(char if char.isprintable() else "", file=self.stdout)
        return char.lower()

    def _one_key(self) -> str:
        import termios
        import tty

        fd = self.stdin.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            return os.read(fd, 1).decode("utf-8", "replace")
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def _first_of_line(self) -> str:
        line = self.stdin.readline()
        if not line:
            return ""
        return (line.strip() or " ")[0]

    def line(self, prompt: str) -> str | None:
        click.echo(prompt, nl=False, file=self.stdout)
        self.stdout.flush()
        try:
            line = self.stdin.readline()
        except KeyboardInterrupt:
            return None
        if not line:
            return None
        if not self.stdin.isatty():  # a pipe: show what was read, as a terminal would have echoed it
            click.echo(line.rstrip("\n"), file=self.stdout)
        return line.rstrip("\n")

    def edit(self, text: str) -> str | None:
        editor = self.environ.get("VISUAL") or self.environ.get("EDITOR")
        if editor and self.is_tty():
            return click.edit(text, editor=editor, extension=".txt")
        return self._inline(text)

    def _inline(self, text: str) -> str | None:
        click.echo("Type the new text (line breaks are kept); end with a line holding only '.'; "
                   "a '.' first keeps the text.", file=self.stdout)
        lines = []
        while True:
            line = self.line("| ")
            if line is None or line.strip() == ".":
                break
            lines.append(line)
        new = "\n".join(lines).strip()
        return new or None
