"""Read-only reference data: build, store, search, units. Never imports Qt."""
