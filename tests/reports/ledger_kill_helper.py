"""Run ``import_ledger`` in a process of its own that stops after a few rows, inside the
import's transaction, and says so on stdout: the crash test kills it there.

Usage: python -m tests.reports.ledger_kill_helper FILE ZONE ROWS
"""

import os
import sys
import time

import django


def main(path: str, zone: str, rows: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kfq.settings")
    django.setup()
    from django.core.management import call_command

    import reports.services

    real = reports.services._apply_row
    done = []

    def apply_then_stall(*args, **kwargs):
        real(*args, **kwargs)
        done.append(1)
        if len(done) == rows:
            print(f"applied {rows} rows", flush=True)
            time.sleep(120)

    reports.services._apply_row = apply_then_stall
    call_command("import_ledger", path, "--zone", zone)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
