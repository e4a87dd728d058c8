"""Command-line commands that live in a module of their own (registered by desktop/cli.py)."""
