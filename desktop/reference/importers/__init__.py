"""Readers for official code files, one module per format."""
