"""Reading one account's table from config.toml, for every channel.

Each check raises a ChannelError that names the account, the key and the
fix, so a typo in config.toml reads as one line, not a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import ChannelError

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class AccountConfig:
    account: str
    settings: Mapping
    environ: Mapping[str, str]
    base_dir: Path | None = None  # config.toml's folder: relative paths start there

    def error(self, problem: str) -> ChannelError:
        return ChannelError(f"account '{self.account}': {problem}")

    def get(self, key: str, default: object = None) -> object:
        return self.settings.get(key, default)

    def check_keys(self, allowed: set[str], table: Mapping | None = None) -> None:
        """Refuse unknown keys: a typo must not silently fall back to a default."""
        unknown = sorted(set(self.settings if table is None else table) - allowed)
        if unknown:
            raise self.error(f"unknown setting {unknown[0]!r}; use one of: {', '.join(sorted(allowed))}")

    def credential_names(self, defaults: Mapping[str, str]) -> dict[str, str]:
        """credential -> the environment variable holding it: `defaults`, or
        another variable named under credentials_env."""
        overrides = self.get("credentials_env", {})
        if not isinstance(overrides, Mapping):
            key, name = next(iter(defaults.items()))
            example = "ORG_" + name.removeprefix("ADVOCATE_")
            raise self.error(f'credentials_env must be a table, e.g. credentials_env = {{ {key} = "{example}" }}')
        self.check_keys(set(defaults), overrides)
        names = {**defaults, **overrides}
        for key, name in names.items():
            if not isinstance(name, str) or not name:
                raise self.error(f"credentials_env.{key} must name an environment variable")
        return names

    def secrets(self, names: Mapping[str, str], how: str) -> dict[str, str]:
        """credential -> its value from the environment.

        `how` finishes "export it ...": where the network hands out the value.
        """
        # Secrets only ever come from the environment, never from config.toml.
        missing = [name for name in names.values() if not self.environ.get(name)]
        if missing:
            one = len(missing) == 1
            noun, verb, it = ("variable", "is", "it") if one else ("variables", "are", "them")
            raise self.error(
                f"environment {noun} {', '.join(missing)} {verb} not set; export {it} {how}, "
                f"or name another variable under credentials_env in [accounts.{self.account}] of config.toml"
            )
        return {key: self.environ[name] for key, name in names.items()}

    def secret(self, name: str, how: str) -> str:
        """The value of one environment variable, as `secrets` reads it."""
        return self.secrets({name: name}, how)[name]

    def base_url(self, default: str, hint: str) -> str:
        """The API's address without a trailing slash; `hint` says what to set instead."""
        value = self.get("base_url", default)
        parts = urlsplit(value) if isinstance(value, str) else None
        if not isinstance(value, str) or parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise self.error(f"base_url {value!r} is not an http(s) URL; {hint}")
        return value.rstrip("/")

    def timeout(self) -> float:
        value = self.get("timeout", DEFAULT_TIMEOUT)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise self.error(f"timeout {value!r} must be a number of seconds above 0, e.g. timeout = 10")
        return float(value)
