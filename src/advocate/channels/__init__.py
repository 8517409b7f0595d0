"""Channels publish posts to one network each and report what happened."""

from .base import (
    AUTH_FAILED,
    FAILED,
    OUTCOMES,
    RATE_LIMITED,
    RETRY,
    SENT,
    UNKNOWN,
    Channel,
    OutgoingPost,
    PublishResult,
    RemotePost,
)
from .registry import CHANNEL_TYPES, channel_class, make_channel

__all__ = [
    "AUTH_FAILED",
    "CHANNEL_TYPES",
    "FAILED",
    "OUTCOMES",
    "RATE_LIMITED",
    "RETRY",
    "SENT",
    "UNKNOWN",
    "Channel",
    "OutgoingPost",
    "PublishResult",
    "RemotePost",
    "channel_class",
    "make_channel",
]
