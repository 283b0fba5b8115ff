"""Pure incremental state: per-URL validators and WARC locations, SQLite and Redis backends."""
