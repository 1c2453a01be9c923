"""Provides `python -m voting.audit RECORD [--election E] [--json] [--state FILE]`."""

from voting.audit._cli import run

if __name__ == "__main__":
    run()
