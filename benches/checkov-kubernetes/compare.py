#!/usr/bin/env python3
"""pol's Kubernetes pack against checkov on the same manifests: findings per check
class, agreement per file, CPU and wall time (benches/checkov-kubernetes/README.md).

    python3 benches/checkov-kubernetes/compare.py [--pol target/release/pol] [--runs 5]
        [--level auditor] [MANIFEST_DIR]

MANIFEST_DIR defaults to ../shared/corpus/kubernetes. checkov is installed from PyPI
(`pip install checkov`) if it is missing. pol runs the pack compiled from
stdlib/packs/kubernetes (`pol build`, then `pol eval -b`), so that the figures do not
depend on the program embedded in the binary.
"""
import argparse
import collections
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# A check class: a name, the checkov checks and the pol rules with the same intent.
# Where they differ, each rule's "Compared with checkov" paragraph (docs/rules.md) says
# how and who is right.
CLASSES = [
    ("privileged", ["CKV_K8S_16"], ["K8S001"]),
    ("image tag latest or none", ["CKV_K8S_14"], ["K8S002"]),
    ("image without digest", ["CKV_K8S_43"], ["K8S002", "K8S019"]),
    ("image pull policy", ["CKV_K8S_15"], ["K8S020"]),
    ("cpu/memory limits", ["CKV_K8S_11", "CKV_K8S_13"], ["K8S003"]),
    ("cpu/memory requests", ["CKV_K8S_10", "CKV_K8S_12"], ["K8S021"]),
    ("hostPath (checkov: docker socket)", ["CKV_K8S_27"], ["K8S004"]),
    ("root containers", ["CKV_K8S_23"], ["K8S005"]),
    ("host namespaces", ["CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19"], ["K8S006"]),
    ("host ports", ["CKV_K8S_26"], ["K8S007"]),
    ("capabilities beyond baseline", ["CKV_K8S_39", "CKV_K8S_25"], ["K8S008"]),
    ("capabilities not dropped", ["CKV_K8S_37", "CKV_K8S_28"], ["K8S009"]),
    ("allowPrivilegeEscalation", ["CKV_K8S_20"], ["K8S010"]),
    ("seccomp", ["CKV_K8S_31"], ["K8S011", "K8S012"]),
    ("liveness probe", ["CKV_K8S_8"], ["K8S022"]),
    ("readiness probe", ["CKV_K8S_9"], ["K8S023"]),
    ("read-only root file system", ["CKV_K8S_22"], ["K8S024"]),
    ("service account token", ["CKV_K8S_38"], ["K8S025"]),
    ("secrets as env vars", ["CKV_K8S_35"], ["K8S027"]),
    ("default namespace", ["CKV_K8S_21"], ["K8S028"]),
    ("RBAC wildcards", ["CKV_K8S_49"], ["K8S029"]),
    ("RBAC exec/attach", ["CKV2_K8S_2"], ["K8S031"]),
    ("RBAC escalate/bind/impersonate", ["CKV_K8S_157", "CKV_K8S_158", "CKV2_K8S_3"], ["K8S032"]),
    ("RBAC read secrets", ["CKV2_K8S_5"], ["K8S033"]),
]


def timed(argv, runs):
    """Median CPU (user + system, from the child's rusage: microseconds, not the 10 ms
    of `time`) and wall seconds of `argv` over `runs` runs, with their ranges, and the
    last run's standard output."""
    cpu, wall, out = [], [], None
    for _ in range(runs):
        with tempfile.TemporaryFile() as stdout:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(proc.pid, 0)
            wall.append(time.perf_counter() - start)
            proc.returncode = 0  # reaped by wait4
            cpu.append(usage.ru_utime + usage.ru_stime)
            stdout.seek(0)
            out = stdout.read()
    return {"cpu": statistics.median(cpu), "cpu_range": (min(cpu), max(cpu)),
            "wall": statistics.median(wall), "wall_range": (min(wall), max(wall)), "out": out}


def ms(t, key):
    lo, hi = t[key + "_range"]
    return f"{t[key]*1000:.1f} ms ({lo*1000:.1f}-{hi*1000:.1f})"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=os.path.join(repo, "..", "shared", "corpus", "kubernetes"))
    ap.add_argument("--pol", default=os.path.join(repo, "target", "release", "pol"))
    ap.add_argument("--runs", type=int, default=5, help="runs of checkov; pol runs 4x as many")
    ap.add_argument("--level", default="auditor", help="pol's level (checkov runs every check)")
    args = ap.parse_args()
    args.dir = os.path.realpath(args.dir)  # checkov finds nothing under a path with `..`
    if shutil.which("checkov") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "checkov"], check=True)

    with tempfile.TemporaryDirectory() as tmp:
        polc = os.path.join(tmp, "kubernetes.polc")
        subprocess.run([args.pol, "build", "-p", os.path.join(repo, "stdlib", "packs", "kubernetes"), "-o", polc], check=True)
        p = timed([args.pol, "eval", "-b", polc, "--format", "json", "-j", "1", "--level", args.level, args.dir], 4 * args.runs)
    c = timed(["checkov", "--framework", "kubernetes", "-d", args.dir, "-o", "json", "--skip-download"], args.runs)

    checkov = collections.defaultdict(collections.Counter)  # check id -> file -> failures
    report = json.loads(c["out"])
    for r in (report if isinstance(report, list) else [report]):
        for f in r.get("results", {}).get("failed_checks", []):
            checkov[f["check_id"]][os.path.basename(f["file_path"])] += 1
    pol = collections.defaultdict(collections.Counter)  # rule id -> file -> findings
    errors, files = 0, set()
    for d in json.loads(p["out"])["results"]:
        name = os.path.basename(d.get("input", {}).get("file", ""))
        files.add(name)
        errors += len(d.get("errors", []))
        for f in d.get("violations", []) + d.get("warnings", []):
            pol[f.get("id") or f["rule"]][name] += 1

    print(f"{len(files)} manifest files; checkov (every check) vs pol's kubernetes pack at --level {args.level}")
    print(f"CPU  (median of {args.runs} checkov runs and {4 * args.runs} of pol, min-max): checkov {ms(c, 'cpu')}, pol {ms(p, 'cpu')}: "
          f"{c['cpu']/max(p['cpu'], 1e-9):.0f}x less for pol")
    print(f"wall (median, min-max): checkov {ms(c, 'wall')}, pol {ms(p, 'wall')}: "
          f"{c['wall']/max(p['wall'], 1e-9):.0f}x less for pol")
    print(f"pol runtime errors: {errors}")
    print()
    print(f"{'check class':34} {'checkov':28} {'pol':15} {'ck':>5} {'pol':>5} {'files both':>10} {'ck only':>8} {'pol only':>8}")
    all_files = files | {f for ids in checkov.values() for f in ids}
    agree = {f: True for f in all_files}
    agree_but_ns = {f: True for f in all_files}
    for name, ck_ids, pol_ids in CLASSES:
        ck, pl = collections.Counter(), collections.Counter()
        for i in ck_ids:
            ck.update(checkov.get(i, {}))
        for i in pol_ids:
            pl.update(pol.get(i, {}))
        cf, pf = set(ck), set(pl)
        for f in cf ^ pf:
            agree[f] = False
            if name != "default namespace":
                agree_but_ns[f] = False
        print(f"{name:34} {','.join(ck_ids):28} {','.join(pol_ids):15} {sum(ck.values()):5} {sum(pl.values()):5} "
              f"{len(cf & pf):10} {len(cf - pf):8} {len(pf - cf):8}")
    mapped_ck = {i for _, ids, _ in CLASSES for i in ids}
    mapped_pol = {i for _, _, ids in CLASSES for i in ids}
    for i in sorted(set(checkov) - mapped_ck):
        print(f"{'(checkov only)':34} {i:28} {'-':15} {sum(checkov[i].values()):5} {'-':>5}")
    for i in sorted(set(pol) - mapped_pol):
        print(f"{'(pol only)':34} {'-':28} {i:15} {'-':>5} {sum(pol[i].values()):5}")
    print()
    print(f"files where both flag the same check classes: {sum(agree.values())} of {len(agree)}; "
          f"without the default namespace class (checkov fails every object with no `namespace:`): "
          f"{sum(agree_but_ns.values())}")


if __name__ == "__main__":
    main()
