"""The database goes away while the site runs: requests get a clean 503 (problem JSON under /api/, a plain page
elsewhere) with Retry-After, and once it is back the next request succeeds without restarting the server.

A real WSGI server runs in a thread of this test, reaching PostgreSQL through a TCP relay of the test's own: stopping
the relay drops every open connection and refuses new ones, as a restarting server does, without touching the
PostgreSQL server other tests use."""

import http.client
import json
import socket
import threading
from contextlib import closing, suppress

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections

from octopus.lib.problems import PROBLEM_CONTENT_TYPE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection to cut"),
]


class Relay:
    """Forwards TCP connections from a local port to the database server; `stop()` plays the server going down."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        with suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept(); close() alone would not
        self.listener.close()
        with self.lock:
            for sock in self.open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stopped
            server = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        with suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with suppress(OSError):
            target.shutdown(socket.SHUT_WR)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    """(relay, get): the site served by one thread whose database connection goes through the relay, and a function
    that requests a path from it."""
    conf = connection.settings_dict
    relay = Relay(conf["HOST"] or "127.0.0.1", int(conf["PORT"] or 5432))
    relay.start()
    server = WSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())

    def serve():
        # This thread's connection (persistent, with health checks, as configured) goes through the relay.
        wrapper = type(connections["default"])
        connections["default"] = wrapper({**conf, "HOST": "127.0.0.1", "PORT": relay.port}, "default")
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()

    def get(path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        with closing(http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)) as http_:
            http_.request("GET", path, headers=headers or {})
            response = http_.getresponse()
            return response.status, dict(response.getheaders()), response.read()

    yield relay, get
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    relay.stop()


def assert_unavailable_problem(status, headers, body):
    assert status == 503
    assert headers["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert int(headers["Retry-After"]) > 0
    problem = json.loads(body)
    assert (problem["type"], problem["status"], problem["title"]) == ("about:blank", 503, "Service Unavailable")
    assert "try again" in problem["detail"]


def test_the_database_going_down_gives_503_then_the_site_recovers_without_a_restart(site):
    relay, get = site
    status, _headers, body = get("/api/v1/countries")
    assert status == 200
    assert any(country["iso2"] == "GE" for country in json.loads(body)["items"])

    relay.stop()  # the persistent connection drops; new ones are refused
    assert_unavailable_problem(*get("/api/v1/countries"))
    status, headers, body = get("/")
    assert status == 503
    assert headers["Content-Type"].startswith("text/html")
    assert int(headers["Retry-After"]) > 0
    assert b"Temporarily unavailable" in body
    # A signed-in visitor's session is read by a middleware, before any view: a 503 all the same.
    status, headers, body = get("/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"})
    assert (status, headers["Retry-After"]) == (503, "30")
    assert_unavailable_problem(*get("/api/v1/countries", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}))

    relay.start()  # the database is back, on the same address
    assert get("/api/v1/countries")[0] == 200
    assert get("/")[0] == 200


def test_a_connection_cut_between_requests_is_replaced(site):
    """The server's PostgreSQL backend is terminated from another connection: the health check notices it before
    the next request's first query, and that request is served on a new connection."""
    _relay, get = site
    assert get("/api/v1/countries")[0] == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        assert [terminated for (terminated,) in cursor.fetchall()] == [True]
    assert get("/api/v1/countries")[0] == 200
