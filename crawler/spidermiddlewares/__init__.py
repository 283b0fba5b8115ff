"""Spider middlewares of the archiver (enabled in ``crawler/settings.py``)."""
