#!/usr/bin/env python3
"""pol's Terraform pack against checkov on the same files.

Runs `pol eval` (the shipped packs, every level) and checkov on a folder of Terraform
plans (`../shared/corpus/terraform-plan/` by default) and on `tests/terraform/`
(configurations), then prints, per check class (a pol rule and the checkov checks it
corresponds to): findings of each tool, and agreement per (file, resource address):
flagged by both, by pol only, by checkov only. Then the CPU and wall time of each tool
over each folder (medians of --runs runs; CPU is user + system of the child process).

    python3 benches/checkov-terraform/compare.py --pol target/release/pol
    python3 benches/checkov-terraform/compare.py --pol target/release/pol --details TF016

checkov must be installed (`pip install checkov`); it is run with --skip-download, so
it does not use the network.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# pol rule -> the checkov checks of the same class.
CLASSES = {
    "TF001": ["CKV_AWS_20", "CKV_AWS_57"],
    "TF002": ["CKV_AWS_24", "CKV_AZURE_10", "CKV_GCP_2"],
    "TF003": ["CKV_AWS_3", "CKV_AWS_16", "CKV_AWS_42", "CKV_AWS_74"],
    "TF004": ["CKV_AWS_17", "CKV_AZURE_68", "CKV_AZURE_53", "CKV_AZURE_113", "CKV_GCP_11"],
    "TF005": ["CKV_AWS_25", "CKV_AWS_277", "CKV_AZURE_9", "CKV_GCP_3"],
    "TF006": ["CKV_AWS_26", "CKV_AWS_27"],
    "TF007": ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
    "TF008": ["CKV_AWS_70"],
    "TF009": ["CKV_AZURE_34", "CKV_AZURE_190", "CKV_GCP_28"],
    "TF010": ["CKV_AWS_63", "CKV_AWS_62", "CKV_AWS_1"],
    "TF011": ["CKV_AWS_286"],
    "TF012": ["CKV_AWS_67"],
    "TF013": ["CKV_AWS_18"],
    "TF014": ["CKV2_AWS_11"],
    "TF015": ["CKV_AWS_7", "CKV_GCP_43"],
    "TF016": ["CKV_AWS_79"],
    "TF017": [],
    "TF018": [],
    "TF019": ["CKV_AZURE_2"],
}


def timed(cmd):
    """Runs cmd; returns (stdout, wall seconds, cpu seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out.stdout, wall, cpu


def pol_cmd(pol, folder):
    return [pol, "eval", "--level", "auditor", "--format", "json", "--fail-on", "never", str(folder)]


def checkov_cmd(folder, framework):
    return ["checkov", "-d", str(folder), "--framework", framework, "-o", "json",
            "--quiet", "--compact", "--skip-download"]


def pol_findings(stdout):
    """(rule id, file name, address) of each finding."""
    out = []
    for result in json.loads(stdout)["results"]:
        name = Path(result["input"]["file"]).name
        for f in result.get("violations", []) + result.get("warnings", []):
            if f.get("id", "").startswith("TF"):
                out.append((f["id"], name, f["message"].split(": ")[0]))
    return out


def checkov_findings(stdout):
    """(check id, file name, address) of each failed check."""
    data = json.loads(stdout) if stdout.strip() else []
    reports = data if isinstance(data, list) else [data]
    out = []
    for report in reports:
        for f in report.get("results", {}).get("failed_checks", []):
            name = Path(f.get("file_path", "")).name
            out.append((f["check_id"], name, f.get("resource", "")))
    return out


def compare(pol_found, checkov_found, details):
    by_check = Counter(c for c, _, _ in checkov_found)
    print(f"{'class':7} {'pol':>5} {'checkov':>8}  both pol-only checkov-only  (checkov checks)")
    for rule, checks in CLASSES.items():
        ours = {(n, a) for r, n, a in pol_found if r == rule}
        theirs = {(n, a) for c, n, a in checkov_found if c in checks}
        n_pol = sum(1 for r, _, _ in pol_found if r == rule)
        n_ck = sum(by_check[c] for c in checks)
        both, only_pol, only_ck = ours & theirs, ours - theirs, theirs - ours
        counts = ", ".join(f"{c} {by_check[c]}" for c in checks if by_check[c])
        print(f"{rule:7} {n_pol:5} {n_ck:8}  {len(both):4} {len(only_pol):8} {len(only_ck):12}  ({counts})")
        if rule in details:
            for n, a in sorted(only_pol):
                print(f"    pol only:     {n} {a}")
            for n, a in sorted(only_ck):
                print(f"    checkov only: {n} {a}")
    files_pol = defaultdict(set)
    files_ck = defaultdict(set)
    for r, n, _ in pol_found:
        files_pol[n].add(r)
    reverse = {c: r for r, cs in CLASSES.items() for c in cs}
    for c, n, _ in checkov_found:
        if c in reverse:
            files_ck[n].add(reverse[c])
    names = set(files_pol) | set(files_ck)
    agree = sum(1 for n in names if files_pol[n] == files_ck[n])
    print(f"files with findings: {len(names)}; the same classes from both tools: {agree}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pol", default=str(REPO / "target/release/pol"))
    ap.add_argument("--plans", default=str(REPO / "../shared/corpus/terraform-plan"))
    ap.add_argument("--configs", default=str(REPO / "tests/terraform"))
    ap.add_argument("--runs", type=int, default=5, help="runs of each tool (median)")
    ap.add_argument("--details", nargs="*", default=[], help="classes whose differences to list")
    args = ap.parse_args()
    for label, folder, framework in [("plans", args.plans, "terraform_plan"),
                                     ("configurations", args.configs, "terraform")]:
        times = {"pol": [], "checkov": []}
        pol_out = ck_out = b""
        for i in range(args.runs):
            pol_out, wall, cpu = timed(pol_cmd(args.pol, folder))
            times["pol"].append((wall, cpu))
            if i < max(1, args.runs // 2):
                ck_out, wall, cpu = timed(checkov_cmd(folder, framework))
                times["checkov"].append((wall, cpu))
        print(f"== {label}: {folder}")
        compare(pol_findings(pol_out), checkov_findings(ck_out), set(args.details))
        med = {tool: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
               for tool, t in times.items()}
        for tool, (wall, cpu) in med.items():
            print(f"{tool:8} wall {wall * 1000:8.0f} ms   cpu {cpu * 1000:8.0f} ms   ({len(times[tool])} runs)")
        ratio = med["checkov"][1] / max(med["pol"][1], 1e-9)
        print(f"checkov / pol CPU: {ratio:.0f}x")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
