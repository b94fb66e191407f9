#!/usr/bin/env python
"""Move a booklib library from SQLite to DynamoDB. Run with --help for the options."""

import sys

from booklib.entrypoints.migrate_cli import main

if __name__ == "__main__":
    sys.exit(main())
