"""A crash in the middle of applying a ledger leaves nothing written (PostgreSQL, real process)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from projects.models import Project
from tests.reports.ledger_files import good_row, ledger_file
from workflow.models import TransitionLog

ROOT = Path(settings.BASE_DIR)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_killing_the_import_mid_apply_leaves_nothing_written(tmp_path, zone_a):
    # given a ledger of ten projects, each started, and an import process that stalls once it
    # has created and moved them, inside its transaction
    rows = [good_row(项目名称=f"项目{n}", 阶段="开工", 实际开工="2024-05-10") for n in range(10)]
    path = ledger_file(tmp_path, rows)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reports.ledger_kill_helper", str(path), "linfen-etdz"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.strip() == "moved 10 projects", process.stderr.read()
        # the import holds an open transaction with its writes in it
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] == 1

        # when the process is killed outright
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    # then nothing of it was written
    assert process.returncode == -signal.SIGKILL
    assert not Project.objects.filter(zone=zone_a).exists()
    assert not TransitionLog.objects.exists()
