"""Size and start-up of every function, side by side with a Python 3.11 + boto3 handler.

Builds every function in release with `cargo lambda build --release --x86-64` (the
release profile of Cargo.toml: lto, codegen-units = 1, opt-level "s", strip, panic =
unwind; `--opt-levels s,3` builds once per level), reports the stripped `bootstrap` size
and its zip size against the goals (every zip at most 3 MiB, api-intake at most 2 MiB),
then the start-up time from exec to the first `next` call on a Runtime API stand-in
(runtime_api.py). Writes its section of BENCHMARKS.md with the command that made it.

Builds go to `$CARGO_TARGET_DIR` (else `target/`), under `lambda-opt-<level>/` for the zips.

usage: make bench-size   (or: python3 bench/measure.py [--runs N] [--opt-levels s,3])
x86_64 only here (the machine's one target); template.yaml deploys arm64.
"""
import argparse
import datetime
import io
import json
import os
import pathlib
import platform
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUNCTIONS = sorted(p.name for p in (ROOT / "functions").iterdir() if (p / "Cargo.toml").exists())


MIB = 1024 * 1024
# The goals of issue 15: every zip at most 3 MiB, api-intake's at most 2 MiB.
GOALS = {"api-intake": 2 * MIB}
GOAL = 3 * MIB


def target_dir():
    return pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def build(opt_level):
    # One target directory for every build (the shared disk is small); each opt-level's
    # artifacts differ by profile and are kept apart by cargo itself.
    target = target_dir()
    # cargo-lambda passes --target-dir on to `cargo metadata`, which refuses it: use the env.
    env = dict(os.environ, CARGO_PROFILE_RELEASE_OPT_LEVEL=str(opt_level), CARGO_TARGET_DIR=str(target))
    lambda_dir = target / f"lambda-opt-{opt_level}"
    # One build per function, as `sam build` makes them: built together, cargo would
    # give every function the union of their features of `shared`.
    for function in FUNCTIONS:
        subprocess.run(
            ["cargo", "lambda", "build", "--release", "--x86-64", "--lambda-dir", str(lambda_dir),
             "--package", function],
            cwd=ROOT, env=env, check=True)
    return lambda_dir


def zipped_size(path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.write(path, "bootstrap")
    return len(buffer.getvalue())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--opt-levels", default="s", help="comma-separated, e.g. s,3")
    parser.add_argument("--no-build", action="store_true",
                        help="measure the zips an earlier run built, as they are")
    args = parser.parse_args()
    levels = args.opt_levels.split(",")
    sizes, commands = {}, []
    for opt in levels:
        lambda_dir = target_dir() / f"lambda-opt-{opt}" if args.no_build else build(opt)
        for function in FUNCTIONS:
            bootstrap = lambda_dir / function / "bootstrap"
            if not bootstrap.exists():  # only with --no-build: an earlier run that stopped
                continue
            sizes[(function, opt)] = (bootstrap.stat().st_size, zipped_size(bootstrap))
            commands.append(f"{function} (opt {opt})={bootstrap}")
    commands.append(f"python3.11 + boto3={sys.executable} {ROOT / 'bench' / 'python_handler.py'}")
    # Every setting a function reads at start-up (template.yaml's Environment), so none exits early.
    env = dict(os.environ, LEADS_TABLE="measure", INBOUND_BUCKET="measure",
               EMAIL_RETRY_QUEUE_URL="http://127.0.0.1:9/queue", META_SECRET_ID="measure",
               FOLLOWUP_SENDER="leads@example.com", INBOUND_EMAIL_DOMAIN="leads.example.com",
               EMAIL_FAILURE_QUEUE_URL="http://127.0.0.1:9/queue",
               FORWARD_QUEUE_URL="http://127.0.0.1:9/queue",
               FORWARD_FAILURES_QUEUE_URL="http://127.0.0.1:9/queue",
               BULK_IMPORT_BUCKET="measure", BULK_IMPORT_QUEUE_URL="http://127.0.0.1:9/queue",
               REVIEW_DIGEST_QUEUE_URL="http://127.0.0.1:9/queue",
               META_PAGES_SECRET_PREFIX="measure/", STAGE="measure")
    startup = json.loads(subprocess.run(
        [sys.executable, str(ROOT / "bench" / "runtime_api.py"), "--runs", str(args.runs), *commands],
        env=env, check=True, capture_output=True, text=True).stdout)

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = ["## Size and start-up (`make bench-size`)", "",
             f"Measured {datetime.date.today()} on {platform.machine()} ({os.cpu_count()} cores, "
             f"load average {load} at the end of the builds) with "
             f"`python3 bench/measure.py --runs {args.runs} --opt-levels {args.opt_levels}`: "
             "`cargo lambda build --release --x86-64` with the release profile of Cargo.toml "
             "(LTO, `codegen-units = 1`, `strip`, `panic = \"unwind\"`) at each opt-level. "
             "Start-up is a cold exec on a warm disk cache; Lambda's own init adds its "
             "sandbox time to both sides.", "",
             "### Size (stripped `bootstrap`, zip at deflate level 9)", "",
             "Goal: every zip at most 3 MiB, api-intake's at most 2 MiB.", "",
             "| function | " + " | ".join(f"opt-level {opt} | zip | goal" for opt in levels) + " |",
             "| --- | " + " | ".join("---: | ---: | ---" for _ in levels) + " |"]
    for function in FUNCTIONS:
        goal = GOALS.get(function, GOAL)
        cells = []
        for opt in levels:
            if (function, opt) not in sizes:
                cells.append("not built in this run | | ")
                continue
            raw, zipped = sizes[(function, opt)]
            met = "met" if zipped <= goal else f"**over** ({goal // MIB} MiB)"
            cells.append(f"{raw / MIB:.2f} MiB | {zipped / MIB:.2f} MiB | {met}")
        lines.append(f"| {function} | " + " | ".join(cells) + " |")
    lines += ["", "### Start-up: exec to first `next` on a Runtime API stand-in", "",
              "Goal: at least 30× faster than Python + boto3 (median against median).", "",
              "| process | median | p90 | runs | Python's median / this |",
              "| --- | ---: | ---: | ---: | ---: |"]
    python = startup.get("python3.11 + boto3", {}).get("median_ms")
    for name, result in startup.items():
        if "error" in result:
            lines.append(f"| {name} | {result['error']} | | | |")
        else:
            # Goal: at least 30 times faster than Python + boto3 in the same run.
            ratio = f"{python / result['median_ms']:.0f}×" if python else ""
            lines.append(f"| {name} | {result['median_ms']} ms | {result['p90_ms']} ms | "
                         f"{result['runs']} | {ratio} |")
    report = "\n".join(lines) + "\n"
    print(report)
    # Replace this script's own section of BENCHMARKS.md, keep the rest.
    path = ROOT / "BENCHMARKS.md"
    before = path.read_text() if path.exists() else "# Benchmarks\n\n"
    before = before.split("## Size and start-up")[0]
    path.write_text(before + report)


if __name__ == "__main__":
    main()
