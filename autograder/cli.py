"""Command-line entry point of the instructor tooling."""

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the `autograder` command."""
    raise SystemExit("not yet implemented")


if __name__ == "__main__":
    sys.exit(main())
