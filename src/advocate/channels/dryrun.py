"""A channel that writes posts to a JSON-lines outbox instead of a network.

Used for rehearsals: the outbox is read back by recent_posts, so the
dispatcher's reconciliation after a crash works the same as on X. A post
with the case photo records the stored file, its digest and alt text, and
the size and digest of the copy X would have received.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from .base import SENT, Channel, OutgoingPost, PublishResult, RemotePost, photo_for
from .settings import AccountConfig

DEFAULT_OUTBOX = "outbox.jsonl"
_FIELDS = {"post_id", "channel", "text", "at"}


class DryRunChannel(Channel):
    network = "dryrun"
    settings_keys = {"type", "outbox", "stands_for"}

    def __init__(self, account: str, outbox: Path, stands_for: str = "x"):
        self.account = account
        self.outbox = Path(outbox)
        self.stands_for = stands_for  # the network rehearsed: its photo limits apply

    @classmethod
    def from_config(cls, config: AccountConfig) -> DryRunChannel:
        outbox = config.get("outbox", DEFAULT_OUTBOX)
        if not isinstance(outbox, str) or not outbox.strip():
            raise config.error('outbox must be a file path, e.g. outbox = "outbox.jsonl"')
        path = Path(outbox).expanduser()
        if config.base_dir is not None and not path.is_absolute():
            path = Path(config.base_dir) / path
        stands_for = config.get("stands_for", "x")
        if stands_for not in ("x", "mastodon", "bluesky", "dryrun"):
            raise config.error('stands_for must be the network rehearsed: "x", "mastodon" or "bluesky"')
        return cls(config.account, path, stands_for)

    def publish(self, post: OutgoingPost, now: dt.datetime) -> PublishResult:
        line = {
            "post_id": post.post_id,
            "case_id": post.case_id,
            "channel": self.account,
            "text": post.text,
            "at": now.isoformat(),
        }
        if post.photo is not None:
            # Refused, re-encoded and checked as X would: a rehearsal shows what would fail.
            image, refused = photo_for(post, self.stands_for)
            if refused is not None:
                return refused
            line["photo"] = {"file": str(post.photo.path), "digest": post.photo.digest, "alt": post.photo.alt,
                             "network": self.stands_for,
                             "sent_bytes": len(image.data), "sent_digest": image.digest,
                             "width": image.width, "height": image.height}
        if post.link is not None and (post.link.url in post.text or self.stands_for == "bluesky"):
            line["link"] = post.link.url  # on Bluesky as a card, in the text or not
        self._append(json.dumps(line, ensure_ascii=False) + "\n")
        return PublishResult(SENT, remote_id=_remote_id(post.post_id))

    def recent_posts(self, since: dt.datetime) -> list[RemotePost]:
        return [
            RemotePost(_remote_id(line["post_id"]), line["text"], "", at)
            for line in self._lines()
            if line.get("channel") == self.account
            and (at := dt.datetime.fromisoformat(line["at"])) >= since
        ]

    def _append(self, text: str) -> None:
        # fsync so a post that was "sent" survives a crash right after.
        self.outbox.parent.mkdir(parents=True, exist_ok=True)
        with self.outbox.open("a", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())

    def _lines(self) -> list[dict]:
        try:
            raw = self.outbox.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [line for line in map(_parse, raw.splitlines()) if line]


def _remote_id(post_id: int) -> str:
    return f"dryrun-{post_id}"


def _parse(raw: str) -> dict | None:
    # A crash mid-write can leave a torn last line; it was never "sent".
    try:
        line = json.loads(raw)
    except json.JSONDecodeError:
        return None
    return line if isinstance(line, dict) and line.keys() >= _FIELDS else None
