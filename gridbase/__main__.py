"""`python -m gridbase` runs the same command line as the `gridbase` script."""

from gridbase.cli import main

main()
