#!/usr/bin/env python3
"""pol's GitHub pack against zizmor on the same workflows: findings per audit,
agreement per file, and CPU time (benches/zizmor/README.md).

    python3 benches/zizmor/compare.py [--pol target/release/pol] [--runs 5]
        [--persona auditor] [--pin] [WORKFLOW_DIR]

WORKFLOW_DIR defaults to ../shared/corpus/github-actions. zizmor is installed from
PyPI (`pip install zizmor`) if it is missing.
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

# zizmor audit -> the pol rule ids with the same intent (docs/gha-audits.md, section 6).
AUDITS = {
    "unpinned-uses": ["GHA001"],
    "template-injection": ["GHA006", "GHA040"],
    "artipacked": ["GHA007"],
    "excessive-permissions": ["GHA003", "GHA004", "GHA008"],
    "dangerous-triggers": ["GHA009"],
    "unsafe-checkout": ["GHA010"],
    "self-hosted-runner": ["GHA005", "GHA039"],
    "cache-poisoning": ["GHA011"],
    "github-env": ["GHA012"],
    "insecure-commands": ["GHA013"],
    "bot-conditions": ["GHA014"],
    "secrets-inherit": ["GHA015"],
    "secrets-outside-env": ["GHA016"],
    "overprovisioned-secrets": ["GHA017"],
    "unredacted-secrets": ["GHA018"],
    "hardcoded-container-credentials": ["GHA019"],
    "unpinned-images": ["GHA020"],
    "archived-uses": ["GHA021"],
    "typosquat-uses": ["GHA022"],
    "superfluous-actions": ["GHA023"],
    "use-trusted-publishing": ["GHA024"],
    "github-app": ["GHA025"],
    "unpinned-tools": ["GHA026"],
    "adhoc-packages": ["GHA027"],
    "unsound-condition": ["GHA028"],
    "unsound-contains": ["GHA029"],
    "unsound-ternary": ["GHA030"],
    "obfuscation": ["GHA031"],
    "misfeature": ["GHA032"],
    "self-repository": ["GHA033"],
    "concurrency-limits": ["GHA034"],
    "undocumented-permissions": ["GHA035"],
    "anonymous-definition": ["GHA036"],
    "dependabot-execution": ["GHA037"],
    "dependabot-cooldown": ["GHA038"],
    "forbidden-uses": ["GHA041"],
}


def cpu_once(argv):
    """User + system CPU seconds of one run of `argv` (from the kernel's rusage of the
    child, to the microsecond), and its output."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0  # reaped by wait4
        out.seek(0)
        return usage.ru_utime + usage.ru_stime, out.read()


def cpu_times(commands, runs):
    """For each command: the median, min and max CPU seconds over `runs` runs, and its
    last output. The commands take turns run by run, so that a machine that gets busier
    or quieter during the measurement weighs on each alike."""
    times = [[] for _ in commands]
    outs = [None for _ in commands]
    for _ in range(runs):
        for i, argv in enumerate(commands):
            t, outs[i] = cpu_once(argv)
            times[i].append(t)
    return [(statistics.median(t), min(t), max(t), o) for t, o in zip(times, outs)]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=os.path.join(repo, "..", "shared", "corpus", "github-actions"))
    ap.add_argument("--pol", default=os.path.join(repo, "target", "release", "pol"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--persona", default="auditor")
    ap.add_argument("--pin", action="store_true", help="run both tools on one core (taskset -c 0)")
    args = ap.parse_args()
    # pol's levels are zizmor's personas: `regular` is zizmor's default.
    def pol_level(persona):
        return "regular" if persona in ("regular", "default") else persona
    if shutil.which("zizmor") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "zizmor"], check=True)
    files = sorted(os.path.join(args.dir, f) for f in os.listdir(args.dir) if f.endswith((".yml", ".yaml")))

    pin = ["taskset", "-c", "0"] if args.pin else []
    z_cpu, p_cpu = cpu_times(
        [
            pin + ["zizmor", "--offline", "--format", "json", "--persona", args.persona] + files,
            pin + [args.pol, "eval", "--format", "json", "--kind", "github-workflow", "-j", "1", "--level", pol_level(args.persona)] + files,
        ],
        args.runs,
    )

    zizmor = collections.defaultdict(lambda: collections.Counter())  # audit -> file -> n
    for f in json.loads(z_cpu[3]):
        path = f["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"]
        zizmor[f["ident"]][os.path.basename(path)] += 1
    pol = collections.defaultdict(lambda: collections.Counter())  # rule id -> file -> n
    decisions = json.loads(p_cpu[3])
    if isinstance(decisions, dict):
        # `--format json`: {"version", "tool", "results": [...], "summary"}.
        decisions = decisions.get("results", [decisions])
    errors = 0
    for d in decisions:
        name = os.path.basename(d.get("input", {}).get("file", ""))
        errors += len(d.get("errors", []))
        for f in d.get("violations", []) + d.get("warnings", []):
            pol[f.get("id") or f["rule"]][name] += 1

    print(f"{len(files)} workflows; zizmor {args.persona} persona vs pol's packs")
    print(f"CPU (median of {args.runs}, min-max{', one core' if args.pin else ''}): zizmor {z_cpu[0]*1000:.0f} ms ({z_cpu[1]*1000:.0f}-{z_cpu[2]*1000:.0f}), "
          f"pol {p_cpu[0]*1000:.0f} ms ({p_cpu[1]*1000:.0f}-{p_cpu[2]*1000:.0f}): {z_cpu[0]/max(p_cpu[0],1e-9):.1f}x less for pol")
    print(f"pol runtime errors: {errors}")
    print()
    print(f"{'zizmor audit':34} {'pol rules':22} {'zizmor':>7} {'pol':>6} {'files both':>10} {'zizmor only':>11} {'pol only':>9}")
    for audit, ids in AUDITS.items():
        z = zizmor.get(audit, collections.Counter())
        p = collections.Counter()
        for i in ids:
            p.update(pol.get(i, collections.Counter()))
        zf, pf = set(z), set(p)
        print(f"{audit:34} {','.join(ids):22} {sum(z.values()):7} {sum(p.values()):6} {len(zf & pf):10} {len(zf - pf):11} {len(pf - zf):9}")
    extra = sorted(set(pol) - {i for ids in AUDITS.values() for i in ids})
    for i in extra:
        print(f"{'(pol only)':34} {i:22} {'-':>7} {sum(pol[i].values()):6}")


if __name__ == "__main__":
    main()
