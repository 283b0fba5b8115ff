"""Scrapy's own tools (``shell``, ``fetch``, ``parse``, ``bench``) on a scratch archive.

Every component of this project writes into ``ARCHIVE_DIR`` (WARC records, state, text, reports).
A look at one page with ``scrapy shell`` or ``scrapy fetch`` must not add records, state or
reports to the production archive, nor to a shared Redis state: these commands run with
``ARCHIVE_DIR`` pointed at a temporary directory removed at exit, and ``REDIS_URL`` empty, unless
``-s ARCHIVE_DIR=...`` on the command line asks for a directory (then it is used as given).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile

from scrapy.settings import SETTINGS_PRIORITIES


class ScratchArchive:
    """Mixin for a Scrapy command class: see the module docstring."""

    def process_options(self, args, opts) -> None:
        super().process_options(args, opts)
        if self.settings.getpriority("ARCHIVE_DIR") < SETTINGS_PRIORITIES["cmdline"]:
            scratch = tempfile.mkdtemp(prefix="scrapy-scratch-archive-")
            atexit.register(shutil.rmtree, scratch, True)
            self.settings.set("ARCHIVE_DIR", scratch, priority="cmdline")
            self.settings.set("WARC_DIR", "", priority="cmdline")
        if self.settings.getpriority("REDIS_URL") < SETTINGS_PRIORITIES["cmdline"]:
            self.settings.set("REDIS_URL", "", priority="cmdline")
