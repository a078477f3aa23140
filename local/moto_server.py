"""Runs moto's AWS API on 127.0.0.1 until standard input closes.

The Rust side (tests, the local gateway) keeps this process's stdin open for as long
as it lives, so moto never outlives whoever started it, even after a crash.
Prints "ready <port>" once it accepts connections.

Connections are served on threads, but requests are handled one at a time: moto's
in-memory backends are not thread-safe (concurrent transactions on one table fail
inside moto with "dictionary changed size during iteration"), and DynamoDB itself
serialises conflicting writes, so one-at-a-time keeps its semantics.
"""
import logging
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

logging.getLogger("werkzeug").setLevel(logging.ERROR)

backends = DomainDispatcherApplication(create_backend_app)
one_at_a_time = threading.Lock()


def app(environ, start_response):
    with one_at_a_time:
        return list(backends(environ, start_response))


port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
server = make_server("127.0.0.1", port, app, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(f"ready {server.server_address[1]}", flush=True)
sys.stdin.read()
server.shutdown()
