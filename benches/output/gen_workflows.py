#!/usr/bin/env python3
"""Writes N generated GitHub workflows as JSON files (about 40 KB each) into OUT_DIR,
for measuring `pol eval`'s output (benches/output/README.md). Each workflow has many
jobs with pinned actions and about 25 findings for the rules of examples/github_actions.pol
and benches/policies/github_more.pol: an unpinned action, an untrusted expression in
`run:`, a `write-all` job. Deterministic: the same N gives the same files."""

import json
import os
import sys


def workflow(i: int) -> dict:
    jobs = {}
    for j in range(41):
        steps = [
            {"uses": "actions/checkout@8ade135a41bc03ea155e62e844d188df1ea18608",
             "with": {"fetch-depth": 1, "persist-credentials": False}},
            {"name": f"build {j}", "run": f"make build TARGET=part-{j} JOBS=4 VERBOSE=1 "
                                          + "CFLAGS='-O2 -pipe' " * 3},
            {"name": f"test {j}", "run": f"make test SHARD={j % 8} OF=8 " * 4},
            {"uses": "actions/upload-artifact@65462800fd760344b1a7b4382951275a0abb4808",
             "with": {"name": f"out-{i}-{j}", "path": f"dist/part-{j}/**", "retention-days": 3}},
        ]
        job = {"name": f"job {j}", "runs-on": "ubuntu-22.04", "timeout-minutes": 30,
               "permissions": {"contents": "read"}, "steps": steps}
        if j % 2 == 0:
            steps.append({"uses": f"someone/action-{(i + j) % 50}@v{1 + i % 3}"})
        if j % 10 == 1:
            steps.append({"name": "greet", "run": "echo ${{ github.event.pull_request.title }}"})
        if j == 40 and i % 2 == 0:
            job["permissions"] = "write-all"
        jobs[f"job_{j}"] = job
    return {"name": f"generated {i}", "on": {"pull_request": {"branches": ["main"]}},
            "permissions": {"contents": "read"}, "jobs": jobs}


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: gen_workflows.py OUT_DIR [N]")
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.makedirs(out, exist_ok=True)
    total = 0
    for i in range(n):
        text = json.dumps(workflow(i), indent=2)
        with open(os.path.join(out, f"wf-{i:04}.json"), "w") as f:
            f.write(text)
        total += len(text)
    print(f"{n} workflows, {total / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    main()
