"""Start-up time of Lambda functions, from exec to asking for their first event.

A minimal stand-in of the Lambda Runtime API answers nothing but notes when a process
first calls `GET /2018-06-01/runtime/invocation/next`: that is the moment a function is
ready to serve. Each command is started N times; the median and p90 are reported.

usage: runtime_api.py --runs N NAME=COMMAND [NAME=COMMAND ...]  (prints JSON)
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

first_next = threading.Event()


class RuntimeApi(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.endswith("/runtime/invocation/next"):
            first_next.set()
            time.sleep(5)  # hold the long poll: the process is measured and killed
        self.send_response(503)
        self.end_headers()

    def log_message(self, *args):
        pass


def measure(command, env, runs):
    samples = []
    for _ in range(runs):
        first_next.clear()
        start = time.perf_counter()
        process = subprocess.Popen(shlex.split(command), env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # A process that exits (a missing setting, say) is not waited for.
        deadline = start + 30
        ready = False
        while not ready and process.poll() is None and time.perf_counter() < deadline:
            ready = first_next.wait(timeout=0.005)
        elapsed = time.perf_counter() - start
        process.kill()
        process.wait()
        if ready:
            samples.append(elapsed * 1000)
    if not samples:
        return {"error": "never asked for an event"}
    samples.sort()
    return {
        "runs": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "p90_ms": round(samples[int(0.9 * (len(samples) - 1))], 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("commands", nargs="+")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ)
    env.update({
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
        "AWS_LAMBDA_FUNCTION_NAME": "measure", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_LOG_STREAM_NAME": "measure",
        "AWS_LAMBDA_LOG_GROUP_NAME": "measure", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    results = {}
    for entry in args.commands:
        name, command = entry.split("=", 1)
        results[name] = measure(command, env, args.runs)
    print(json.dumps(results, indent=2))
    server.shutdown()


if __name__ == "__main__":
    main()
