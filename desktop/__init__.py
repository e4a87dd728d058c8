"""QuickRef: an offline quick reference for clinic injection coding."""

__version__ = "0.1.0"
