"""Pure WARC layer: record building (warcio), rotating crash-safe writer, reader, CDXJ index."""
