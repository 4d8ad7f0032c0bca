"""A real local HTTP server standing in for WeCom's and DingTalk's robot endpoints."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class RobotServer:
    """Records every request; answers the queued bodies in order, then ``{"errcode": 0}``."""

    url: str = ""
    requests: list[dict] = field(default_factory=list)
    answers: list[tuple[int, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, status: int, body: dict) -> None:
        self.answers.append((status, body))

    @property
    def bodies(self) -> list[dict]:
        return [request["json"] for request in self.requests]


@pytest.fixture
def robot_server():
    robot = RobotServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"null")
            with robot.lock:
                robot.requests.append({"path": self.path, "json": body})
                status, answer = robot.answers.pop(0) if robot.answers else (200, {"errcode": 0})
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    robot.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield robot
    server.shutdown()
    server.server_close()
