"""The components' frozen options objects, read from the settings once, in ``from_crawler``.

A component declares its options as fields, each naming the setting it comes from::

    class HostGuardOptions(Options):
        breaker_threshold: int = setting("HOSTGUARD_BREAKER_THRESHOLD")

Every subclass of ``Options`` is a frozen dataclass; ``from_settings`` reads each field with the
getter its type names (``getint``, ``getfloat``, ``getbool``; any other type as the value is), or
passes the value to the field's ``convert`` (``Path``, a duration parser). The defaults are in
crawler/settings.py alone (docs/settings.md), never here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

_GETTERS = {"int": "getint", "float": "getfloat", "bool": "getbool"}


def setting(name: str, convert: Callable[[Any], Any] | None = None) -> Any:
    """A field read from the setting ``name`` (then passed to ``convert`` when one is given)."""
    return dataclasses.field(metadata={"setting": name, "convert": convert})


def warc_directory(root, warc_dir: str | Path | None) -> Path:
    """Where an archive's WARC files are: ``WARC_DIR`` when set, else ``<root>/warc``. The writer,
    the state, the crawl's catch-up and every command read them there."""
    return Path(warc_dir) if warc_dir else Path(root) / "warc"


class Options:
    """Base of a component's options (module docstring)."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True)(cls)

    @classmethod
    def from_settings(cls, settings):
        values = {}
        for found in dataclasses.fields(cls):
            name, convert = found.metadata["setting"], found.metadata["convert"]
            if convert is not None:
                values[found.name] = convert(settings[name])
            else:
                # the annotation: a string under `from __future__ import annotations`, else the type
                kind = getattr(found.type, "__name__", found.type)
                values[found.name] = getattr(settings, _GETTERS.get(kind, "get"))(name)
        return cls(**values)
