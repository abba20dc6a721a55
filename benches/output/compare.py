#!/usr/bin/env python3
"""Whole-process wall time and peak memory of `pol eval` over 1000 generated workflows
(~40 MB of JSON, gen_workflows.py): --format json, text, ndjson and sarif, against
serde_json parsing the same files into values (benches/src/bin/parse_json.rs). The
commands run in turn within each round (the machine is shared: a round sees the same
load for each), ROUNDS rounds (default 11); medians are printed. Usage:

    cargo build --release -p pol-cli -p pol-benches --bin pol --bin parse_json
    python3 benches/output/compare.py [--pol PATH] [--dir DIR] [--jobs N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def run(command):
    """Wall seconds and peak RSS (MB) of one run, output thrown away."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + command,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall, rss = out.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024


def main():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser = argparse.ArgumentParser()
    parser.add_argument("--pol", default=os.path.join(target, "release", "pol"))
    parser.add_argument("--parse", default=os.path.join(target, "release", "parse_json"))
    parser.add_argument("--dir")
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", "11")))
    args = parser.parse_args()
    folder = args.dir or os.path.join(tempfile.mkdtemp(), "workflows")
    if not os.path.isdir(folder):
        subprocess.run([sys.executable, os.path.join(ROOT, "benches/output/gen_workflows.py"),
                        folder, "1000"], check=True)
    policy = ["-p", os.path.join(ROOT, "examples/github_actions.pol"),
              "-p", os.path.join(ROOT, "benches/policies/github_more.pol")]
    commands = {}
    for fmt in ["json", "text", "ndjson", "sarif"]:
        commands[f"pol eval --format {fmt} -j {args.jobs}"] = [
            args.pol, "eval", *policy, "--kind", "github-workflow", "-j", args.jobs,
            "--format", fmt, folder]
    commands["serde_json parse into Value"] = [args.parse, folder]
    times = {name: [] for name in commands}
    mems = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, command in commands.items():
            wall, rss = run(command)
            times[name].append(wall)
            mems[name].append(rss)
    for name in commands:
        print(f"{name:36} {statistics.median(times[name]):6.3f} s "
              f"({min(times[name]):.2f}-{max(times[name]):.2f})  "
              f"{statistics.median(mems[name]):6.1f} MB")
    size = len(subprocess.run(commands[f"pol eval --format json -j {args.jobs}"],
                              stdout=subprocess.PIPE).stdout)
    print(f"json output: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
