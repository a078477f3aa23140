"""Runs moto's AWS API on 127.0.0.1 until standard input closes.

The Rust side (tests, the local gateway) keeps this process's stdin open for as long
as it lives, so moto never outlives whoever started it, even after a crash.
Prints "ready <port>" once it accepts connections.

Connections are served on threads, but requests are handled one at a time: moto's
in-memory backends are not thread-safe (concurrent transactions on one table fail
inside moto with "dictionary changed size during iteration"), and DynamoDB itself
serialises conflicting writes, so one-at-a-time keeps its semantics.

DynamoDB transactions are rolled back from a copy of the items they name, not of the
whole table: moto deep-copies every table a transaction names, once per item of the
transaction, before writing, so a transaction's cost grew with the table (and a run's
with its square: BENCHMARKS.md). The copy moto takes is now the table itself, and a
failed transaction puts back the items it named (copied first) and drops the stream
records it added, which is what restoring the whole table did.
"""
import copy
import logging
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

logging.getLogger("werkzeug").setLevel(logging.ERROR)


def rollback_from_items():
    """Makes moto's TransactWriteItems roll back from copies of the items it names."""
    try:
        import moto.dynamodb.models as dynamodb
        from moto.dynamodb.models.table import Table

        backend = dynamodb.DynamoDBBackend
        transact = backend.transact_write_items
        assert dynamodb.copy is copy and hasattr(backend, "get_keys_value")
    except (ImportError, AttributeError, AssertionError):
        print("moto: whole-table rollback kept (unknown moto layout)", file=sys.stderr)
        return

    class TablesNotCopied:
        """`copy` as moto's dynamodb module sees it: a table's "copy" is the table."""

        @staticmethod
        def deepcopy(value, memo=None):
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def named_items(self, transact_items):
        for entry in transact_items:
            for op in entry.values():
                table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
                if table is None:
                    continue
                key = op.get("Key") or {
                    name: value
                    for name, value in (op.get("Item") or {}).items()
                    if name in (table.hash_key_attr, table.range_key_attr)
                }
                try:
                    hash_key, range_key = self.get_keys_value(table, key)
                    item = table.get_item(hash_key, range_key)
                except Exception:  # moto's own call refuses the request
                    continue
                yield table, hash_key, range_key, copy.deepcopy(item)

    def put_back(table, hash_key, range_key, item):
        items = table.items[hash_key] if table.range_key_attr else table.items
        key = range_key if table.range_key_attr else hash_key
        if item is None:
            items.pop(key, None)
        else:
            items[key] = item

    def transact_write_items(self, transact_items):
        saved = list(named_items(self, transact_items))
        streams = {
            id(table): (table.stream_shard, len(table.stream_shard.items))
            for table, *_ in saved
            if table.stream_shard is not None
        }
        try:
            return transact(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(saved):
                put_back(table, hash_key, range_key, item)
            for shard, length in streams.values():
                del shard.items[length:]
            raise

    dynamodb.copy = TablesNotCopied
    backend.transact_write_items = transact_write_items


rollback_from_items()
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
