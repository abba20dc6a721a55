#!/usr/bin/env python3
"""pol's GitLab pack against checkov (`--framework gitlab_ci`) on the same files:
findings per check class, agreement per file, CPU and wall time.

    python3 benches/checkov-gitlab/compare.py [--pol target/release/pol] [--runs 5]
        [CORPUS_DIR]

CORPUS_DIR defaults to ../shared/corpus/gitlab-ci. checkov reads only files named
`*.gitlab-ci.yml`, so each file is copied to `<tmp>/<stem>/.gitlab-ci.yml` and both
tools read that folder (pol tells the kind from the path). pol runs with
`--level auditor` (every rule). checkov must be installed (`pip install checkov`).
"""
import argparse
import collections
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

# checkov check -> the pol rule ids with the same intent (stdlib/packs/gitlab/*.pol).
CHECKS = {
    "CKV_GITLABCI_1": ["GL013"],  # curl with $CI... in a script / CI credential sent away
    "CKV_GITLABCI_2": ["GL010"],  # double pipelines
    "CKV_GITLABCI_3": [],  # lists images, always passes (pol's GL001 checks pinning)
}


def timed(cmd, runs):
    """Runs `cmd` `runs` times; the output of the last run, and the median CPU
    (user + system of the child) and wall seconds."""
    cpus, walls, out = [], [], None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        )
    cpus.sort()
    walls.sort()
    return out, cpus[len(cpus) // 2], walls[len(walls) // 2]


def pol_findings(stdout):
    """(file, rule id) of each finding of `pol eval --format json`."""
    found = []

    def walk(o):
        if isinstance(o, dict):
            if isinstance(o.get("violations"), list) and isinstance(o.get("warnings"), list):
                for f in o["violations"] + o["warnings"]:
                    loc = f.get("location") or {}
                    found.append((os.path.dirname(loc.get("file", "")), f.get("id") or f["rule"]))
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(json.loads(stdout))
    return found


def checkov_findings(stdout, root):
    """(file, check id) of each failed check of `checkov -o json`."""
    data = json.loads(stdout) if stdout.strip() else []
    reports = data if isinstance(data, list) else [data]
    found = []
    for report in reports:
        for failed in report.get("results", {}).get("failed_checks", []):
            path = failed["file_path"].lstrip("/")
            found.append((os.path.basename(os.path.dirname(os.path.join(root, path))), failed["check_id"]))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pol", default="target/release/pol")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("corpus", nargs="?", default="../shared/corpus/gitlab-ci")
    args = parser.parse_args()
    if not shutil.which("checkov"):
        sys.exit("checkov is not installed (pip install checkov)")
    with tempfile.TemporaryDirectory() as tmp:
        names = sorted(f for f in os.listdir(args.corpus) if f.endswith((".yml", ".yaml")))
        for name in names:
            stem = os.path.splitext(name)[0]
            os.makedirs(os.path.join(tmp, stem))
            shutil.copy(os.path.join(args.corpus, name), os.path.join(tmp, stem, ".gitlab-ci.yml"))
        pol_cmd = [args.pol, "eval", "--level", "auditor", "--format", "json", tmp]
        pol_out, pol_cpu, pol_wall = timed(pol_cmd, args.runs)
        ck_cmd = ["checkov", "-d", tmp, "--framework", "gitlab_ci", "-o", "json", "--quiet",
                  "--compact", "--skip-download"]
        ck_out, ck_cpu, ck_wall = timed(ck_cmd, max(1, args.runs // 2))
        pol = [(os.path.basename(f), r) for f, r in pol_findings(pol_out.stdout)]
        pol = [(f, r) for f, r in pol if r.startswith("GL")]
        ck = checkov_findings(ck_out.stdout, tmp)

    print(f"{len(names)} files\n")
    print("findings per rule (pol):")
    for rule, n in sorted(collections.Counter(r for _, r in pol).items()):
        print(f"  {rule:16} {n}")
    print("findings per check (checkov):")
    for check, n in sorted(collections.Counter(c for _, c in ck).items()):
        print(f"  {check:16} {n}")
    print("\nagreement per file, by checkov check:")
    for check, rules in CHECKS.items():
        ck_files = {f for f, c in ck if c == check}
        pol_files = {f for f, r in pol if r in rules}
        both = ck_files & pol_files
        print(f"  {check} ~ {','.join(rules) or '-'}: both {len(both)}, "
              f"checkov only {sorted(ck_files - pol_files)}, pol only {sorted(pol_files - ck_files)}")
    print(f"\ncpu  pol {pol_cpu * 1000:8.1f} ms   checkov {ck_cpu * 1000:8.1f} ms   "
          f"ratio {ck_cpu / max(pol_cpu, 1e-6):6.1f}x")
    print(f"wall pol {pol_wall * 1000:8.1f} ms   checkov {ck_wall * 1000:8.1f} ms   "
          f"ratio {ck_wall / max(pol_wall, 1e-6):6.1f}x")


if __name__ == "__main__":
    main()
