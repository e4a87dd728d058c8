"""The frozen executable's entry point: the same ``quickref`` command as the source tree."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
