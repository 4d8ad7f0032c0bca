"""Run ``import_ledger`` in a process of its own that stops once the rows and their stage moves
are written, inside the import's transaction, and says so on stdout: the crash test kills it
there.

Usage: python -m tests.reports.ledger_kill_helper FILE ZONE
"""

import os
import sys
import time

import django


def main(path: str, zone: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kfq.settings")
    django.setup()
    from django.core.management import call_command

    import reports.services

    real = reports.services.projects_transition_many

    def move_then_stall(**kwargs):
        moved = real(**kwargs)
        print(f"moved {len(moved)} projects", flush=True)
        time.sleep(120)
        return moved

    reports.services.projects_transition_many = move_then_stall
    call_command("import_ledger", path, "--zone", zone)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
