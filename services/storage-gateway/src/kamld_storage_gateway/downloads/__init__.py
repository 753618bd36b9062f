"""Downloads: manifest summaries, paged listings and diffs, file content with ranges, chunk reads."""
