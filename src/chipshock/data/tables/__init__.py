"""One module per processed table: its raw inputs, pandera schema, coverage and builder."""
