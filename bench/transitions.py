"""Transitions over HTTP: the product under gunicorn beside a bare DRF endpoint and raw SQL.

Three disjoint sets of projects at 签约 take a 开工 each, 8 clients at once:

- the product: ``POST /api/v1/projects/{id}/transitions/start/`` with the zone officer's token,
  gunicorn as the Dockerfile runs it (3 sync workers, access log), production settings
  (``DEBUG=0``, ``DATABASE_CONN_MAX_AGE=60``, Redis cache and broker on the bench's DB number);
- the bare endpoint (``bench/bare_app.py``): the same two writes, nothing else, same gunicorn;
- ``pgbench``: the same UPDATE and INSERT over 8 connections (the physical limit).

Each client thread first takes ``WARMUP`` transitions that are not counted, then all wait at a
barrier; requests per second are the counted requests over the wall time from the barrier.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.db import connection

from bench.figures import Figure, judged, summary

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
WARMUP = 2
WORKERS = 3  # the Dockerfile's
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(settings: str, database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of a server process of the bench (gunicorn, the scan's Celery worker):
    production settings on the bench database, Redis cache and broker on the bench's DB number."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_PROXY_SSL": "1",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "CACHE_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "KFQ_VAR_DIR": str(var_dir),
    }


class Gunicorn:
    def __init__(self, settings: str, database_url: str, log: Path) -> None:
        self.port = _free_port()
        env = production_env(settings, database_url, log.parent / "var")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "kfq.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
            "--access-logfile",
            "-",
        ]
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait(self, path: str) -> None:
        import requests

        for _ in range(120):
            try:
                requests.get(
                    f"{self.base}{path}", timeout=10, headers={"X-Forwarded-Proto": "https"}
                )
                return
            except requests.RequestException:
                if self.process.poll() is not None:
                    raise SystemExit(f"gunicorn stopped: see {self.log.name}") from None
                time.sleep(0.5)
        raise SystemExit("gunicorn did not answer")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def _load(base: str, jobs: list[list[tuple[str, dict]]]) -> dict:
    """Each client POSTs its (url, headers) jobs in turn; timings after the warm-up."""
    import requests

    barrier = threading.Barrier(len(jobs) + 1)
    today = datetime.date.today().isoformat()
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(mine: list[tuple[str, dict]]) -> None:
        session = requests.Session()
        own, errors = [], []
        for index, (url, headers) in enumerate(mine):
            if index == WARMUP:
                barrier.wait()
            started = time.perf_counter()
            answer = session.post(
                base + url,
                json={"effective_on": today, "note": "bench"},
                headers=headers,
                timeout=60,
            )
            elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                errors.append(f"{url}: {answer.status_code} {answer.text[:200]}")
            if index >= WARMUP:
                own.append(elapsed)
        with lock:
            latencies.extend(own)
            failures.extend(errors)

    threads = [threading.Thread(target=client, args=(mine,)) for mine in jobs]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} transitions failed, e.g. {failures[0]}")
    return {"rps": len(latencies) / wall, "wall": wall, **summary(latencies)}


def _signed_projects(count: int, offset: int) -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, u.username FROM projects_project p JOIN auth_user u ON u.id = p.officer_id "
            "WHERE p.stage = 'signed' ORDER BY p.id LIMIT %s OFFSET %s",
            [count, offset],
        )
        return cursor.fetchall()


def _split(rows: list, clients: int) -> list[list]:
    return [rows[i::clients] for i in range(clients)]


PGBENCH_SCRIPT = """
UPDATE projects_project SET stage = 'started', started_on = CURRENT_DATE, version = version + 1,
       updated_at = now()
WHERE id = (SELECT id FROM bench_pgbench_ids WHERE n = (SELECT nextval('bench_pgbench_seq')))
  AND stage = 'signed' RETURNING id AS pid \\gset
INSERT INTO workflow_transitionlog (project_id, transition, source, target, effective_on,
                                    recorded_at, by_id, note)
VALUES (:pid, 'start', 'signed', 'started', CURRENT_DATE, now(), NULL, '');
"""


def _pgbench(database_url: str, ids: list[int], per_client: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_pgbench_ids")
        cursor.execute("CREATE TABLE bench_pgbench_ids (n bigint PRIMARY KEY, id int)")
        cursor.execute(
            "INSERT INTO bench_pgbench_ids SELECT n, id FROM unnest(%s::int[]) WITH ORDINALITY AS t(id, n)",
            [ids],
        )
        cursor.execute("DROP SEQUENCE IF EXISTS bench_pgbench_seq")
        cursor.execute("CREATE SEQUENCE bench_pgbench_seq")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        # Each transaction: the UPDATE and the INSERT in one BEGIN … COMMIT, as the product's.
        script.write("BEGIN;\n" + PGBENCH_SCRIPT.strip() + "\nCOMMIT;\n")
    try:
        done = subprocess.run(
            [
                "pgbench",
                "-n",
                "-c",
                str(CLIENTS),
                "-j",
                "2",
                "-t",
                str(per_client),
                "-f",
                script.name,
                "-M",
                "prepared",
                database_url,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(script.name)
    if done.returncode != 0:
        raise SystemExit(f"pgbench failed: {done.stderr[-2000:]}")
    tps = float(re.search(r"tps = ([\d.]+)", done.stdout)[1])
    latency = float(re.search(r"latency average = ([\d.]+) ms", done.stdout)[1])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_pgbench_ids")
        cursor.execute("DROP SEQUENCE bench_pgbench_seq")
    return {"rps": tps, "latency_ms": latency, "output": done.stdout.strip().splitlines()[-6:]}


def transitions_section(ctx) -> list[Figure]:
    from django.db import connections

    from bench.generate import token_key

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_project WHERE stage = 'signed'")
        available = cursor.fetchone()[0]
    per_client = max(WARMUP + 5, min(WARMUP + 30, available // (3 * CLIENTS)))
    take = per_client * CLIENTS
    product_rows = _signed_projects(take, 0)
    bare_rows = _signed_projects(take, take)
    pg_rows = _signed_projects(take, 2 * take)
    if len(pg_rows) < take:
        print(
            f"only {available} projects at signed: too few for the transition figures (a --reuse?)"
        )
        return []
    folder = Path(ctx.folder)
    bar = ctx.progress(total=3, desc="transitions", leave=False)

    connections.close_all()
    server = Gunicorn("kfq.settings", ctx.database_url, folder / "gunicorn-product.log")
    try:
        server.wait("/api/v1/")
        jobs = [
            [
                (
                    f"/api/v1/projects/{pk}/transitions/start/",
                    {"Authorization": f"Token {token_key(user)}", "X-Forwarded-Proto": "https"},
                )
                for pk, user in mine
            ]
            for mine in _split(product_rows, CLIENTS)
        ]
        product = _load(server.base, jobs)
    finally:
        server.stop()
    bar.update()
    server = Gunicorn("bench.bare_settings", ctx.database_url, folder / "gunicorn-bare.log")
    try:
        server.wait("/bare/")
        jobs = [
            [(f"/bare/projects/{pk}/start/", {"X-Forwarded-Proto": "https"}) for pk, _user in mine]
            for mine in _split(bare_rows, CLIENTS)
        ]
        bare = _load(server.base, jobs)
    finally:
        server.stop()
    bar.update()
    raw = _pgbench(ctx.database_url, [pk for pk, _user in pg_rows], per_client)
    bar.update()
    bar.close()
    _flush_redis()

    counted = (per_client - WARMUP) * CLIENTS
    figures = [
        judged(
            Figure(
                "transitions.http_vs_bare",
                f"开工 over HTTP, {CLIENTS} clients, gunicorn {WORKERS} workers: requests/s",
                round(product["rps"], 1),
                "req/s",
                stat="throughput",
                runs=counted,
                limit=round(bare["rps"], 1),
                limit_what="the bare DRF endpoint's requests/s (same gunicorn, same settings)",
                ratio=round(product["rps"] / bare["rps"], 2),
                target="≥ 0.8 × the bare endpoint",
                extra={"bare_p99_ms": round(bare["p99"] * 1000, 1)},
            ),
            ratio_at_most=None,
        ),
        Figure(
            "transitions.http_vs_sql",
            f"开工 over HTTP, {CLIENTS} clients: requests/s beside raw SQL",
            round(product["rps"], 1),
            "req/s",
            stat="throughput",
            runs=counted,
            limit=round(raw["rps"], 1),
            limit_what=f"pgbench: the same UPDATE + INSERT over {CLIENTS} connections (tps)",
            ratio=round(product["rps"] / raw["rps"], 3),
            target="reported (the physical limit)",
            extra={"pgbench_latency_ms": raw["latency_ms"]},
        ),
        judged(
            Figure(
                "transitions.http_p99",
                f"开工 over HTTP, {CLIENTS} clients: p99 latency",
                round(product["p99"] * 1000, 1),
                "ms",
                stat="p99",
                runs=counted,
                limit=round(bare["p99"] * 1000, 1),
                limit_what="the bare endpoint's p99",
                ratio=round(product["p99"] / bare["p99"], 2),
                target="p99 < 50 ms",
                extra={
                    "median_ms": round(product["median"] * 1000, 1),
                    "p95_ms": round(product["p95"] * 1000, 1),
                },
            ),
            below=50,
        ),
    ]
    figures[0].ok = figures[0].ratio >= 0.8
    return figures


def _flush_redis() -> None:
    """The product's transitions queue notification tasks on the bench's Redis DB: drop them."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    except Exception:
        pass
