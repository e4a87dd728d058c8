"""The user's own writable data (pins, recents, checklist runs). Never imports Qt."""
