"""Domain errors. Each message says what went wrong and what to do next.

The CLI turns any AdvocateError into one line on stderr and a non-zero
exit; nothing else should reach a user as a traceback.
"""


class AdvocateError(Exception):
    """Base of every error a user can cause and fix."""


class ConfigError(AdvocateError):
    """config.toml is missing, unreadable, or has a wrong key or value."""


class IngestError(AdvocateError):
    """A document could not be read or understood as an Urgent Action."""


class TemplateError(AdvocateError):
    """A message template failed to load or render; names file and line."""


class NotFound(AdvocateError):
    """A case, post or document id that does not exist."""


class InvalidChange(AdvocateError):
    """A requested change would break a rule (closed case, past deadline...)."""


class ChannelError(AdvocateError):
    """A channel is misconfigured (missing credentials, unknown network)."""


class PhotoError(AdvocateError):
    """A case photo cannot be read, is not an image, or lacks what posting needs (alt text)."""
