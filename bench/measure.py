"""Size and start-up of every function, side by side with a Python 3.11 + boto3 handler.

Builds each function in release with `cargo lambda build --release --x86-64` twice,
with `opt-level = "s"` and `opt-level = 3` (the release profile of Cargo.toml otherwise:
lto, codegen-units = 1, strip, panic = unwind), reports the stripped `bootstrap` size and its zip size,
then the start-up time from exec to the first `next` call on a Runtime API stand-in
(runtime_api.py). Writes its section of BENCHMARKS.md with the command that made it.

usage: make bench-size   (or: python3 bench/measure.py [--runs N])
x86_64 only here (the machine's one target); template.yaml deploys arm64.
"""
import argparse
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


def build(opt_level):
    target = ROOT / "target" / f"measure-opt-{opt_level}"
    # cargo-lambda passes --target-dir on to `cargo metadata`, which refuses it: use the env.
    env = dict(os.environ, CARGO_PROFILE_RELEASE_OPT_LEVEL=str(opt_level), CARGO_TARGET_DIR=str(target))
    subprocess.run(
        ["cargo", "lambda", "build", "--release", "--x86-64", "--lambda-dir", str(target / "lambda"),
         # Only the functions: the workspace's local gateway and test crate are not deployed.
         *[arg for function in FUNCTIONS for arg in ("--package", function)]],
        cwd=ROOT, env=env, check=True)
    return target / "lambda"


def zipped_size(path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.write(path, "bootstrap")
    return len(buffer.getvalue())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    sizes, commands = {}, []
    for opt in ("s", "3"):
        lambda_dir = build(opt)
        for function in FUNCTIONS:
            bootstrap = lambda_dir / function / "bootstrap"
            sizes[(function, opt)] = (bootstrap.stat().st_size, zipped_size(bootstrap))
            commands.append(f"{function} (opt {opt})={bootstrap}")
    commands.append(f"python3.11 + boto3={sys.executable} {ROOT / 'bench' / 'python_handler.py'}")
    # Every setting a function reads at start-up (template.yaml's Environment), so none exits early.
    env = dict(os.environ, LEADS_TABLE="measure", INBOUND_BUCKET="measure",
               EMAIL_RETRY_QUEUE_URL="http://127.0.0.1:9/queue", META_SECRET_ID="measure",
               FOLLOWUP_SENDER="leads@example.com", INBOUND_EMAIL_DOMAIN="leads.example.com")
    startup = json.loads(subprocess.run(
        [sys.executable, str(ROOT / "bench" / "runtime_api.py"), "--runs", str(args.runs), *commands],
        env=env, check=True, capture_output=True, text=True).stdout)

    lines = ["## Size and start-up (`make bench-size`)", "",
             f"Measured on {platform.machine()} ({os.cpu_count()} cores) with "
             f"`python3 bench/measure.py --runs {args.runs}`: `cargo lambda build --release --x86-64` "
             "with the release profile of Cargo.toml (LTO, `codegen-units = 1`, `strip`, "
             "`panic = \"unwind\"`) at each opt-level. Start-up is a cold exec on a warm disk "
             "cache; Lambda's own init adds its sandbox time to both sides.", "",
             "### Size (stripped `bootstrap`, zip at deflate level 9)", "",
             "| function | opt-level s | zip | opt-level 3 | zip |", "| --- | ---: | ---: | ---: | ---: |"]
    for function in FUNCTIONS:
        s_raw, s_zip = sizes[(function, "s")]
        o_raw, o_zip = sizes[(function, "3")]
        lines.append(f"| {function} | {s_raw / 1e6:.2f} MB | {s_zip / 1e6:.2f} MB | "
                     f"{o_raw / 1e6:.2f} MB | {o_zip / 1e6:.2f} MB |")
    lines += ["", "### Start-up: exec to first `next` on a Runtime API stand-in", "",
              "| process | median | p90 | runs |", "| --- | ---: | ---: | ---: |"]
    for name, result in startup.items():
        if "error" in result:
            lines.append(f"| {name} | {result['error']} | | |")
        else:
            lines.append(f"| {name} | {result['median_ms']} ms | {result['p90_ms']} ms | {result['runs']} |")
    report = "\n".join(lines) + "\n"
    print(report)
    # Replace this script's own section of BENCHMARKS.md, keep the rest.
    path = ROOT / "BENCHMARKS.md"
    before = path.read_text() if path.exists() else "# Benchmarks\n\n"
    before = before.split("## Size and start-up")[0]
    path.write_text(before + report)


if __name__ == "__main__":
    main()
