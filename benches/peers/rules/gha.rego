# The GitHub Actions rule set of the peer benchmark, in Rego v1 (for regorus). The same
# rules as `gha.pol`; `tests/agree.rs` holds the engines to the same findings.
#
# Entry point: `data.gha.findings`, a set of {"rule", "job", "step", "msg"}; job is ""
# and step is -1 where the finding is not about a job or a step.
package gha

import rego.v1

trusted_owners := {"actions", "github", "docker"}

# Owners whose actions may be used at all (pinned or not).
allowed_owners := {
	"actions", "github", "docker", "aws-actions", "azure", "google-github-actions",
	"hashicorp", "codecov", "softprops", "peter-evans", "dtolnay", "Swatinem",
	"astral-sh", "sigstore", "golangci", "goreleaser", "pypa", "ruby", "gradle",
}

# `on:` is a string (`on: push`), a list (`on: [push, pull_request]`) or a map.
triggers contains t if {
	is_object(input.on)
	some t, _ in input.on
}

triggers contains t if {
	is_array(input.on)
	some t in input.on
}

triggers contains input.on if is_string(input.on)

on_pull_request if "pull_request" in triggers

on_pull_request if "pull_request_target" in triggers

owner(uses) := split(uses, "/")[0]

# A `uses:` of a step that names a repository action (not `./local`, not `docker://`).
is_repo_action(uses) if {
	is_string(uses)
	not startswith(uses, "./")
	not startswith(uses, "docker://")
}

# The value of `key` in `obj`, or null when `obj` is not an object or has no such key
# (pol's and CEL's reading of a missing field).
get(obj, key) := object.get(obj, key, null) if is_object(obj)

else := null

# The jobs: none unless `jobs:` is a map.
jobs := j if {
	j := get(input, "jobs")
	is_object(j)
} else := {}

# The steps of a job: none unless `steps:` is a list.
steps(job) := s if {
	s := get(job, "steps")
	is_array(s)
} else := []

as_list(value) := value if is_array(value)

else := [value]

is_pinned(uses) if regex.match(`@[0-9a-f]{40}$`, uses)

# Step rules.

findings contains {"rule": "unpinned_action", "job": job_id, "step": i, "msg": msg} if {
	some job_id, job in jobs
	some i, step in steps(job)
	uses := get(step, "uses")
	is_repo_action(uses)
	not owner(uses) in trusted_owners
	not is_pinned(uses)
	msg := sprintf("job %s, step %d: action %s is not pinned to a commit SHA", [job_id, i, uses])
}

findings contains {"rule": "untrusted_action_owner", "job": job_id, "step": i, "msg": msg} if {
	some job_id, job in jobs
	some i, step in steps(job)
	uses := get(step, "uses")
	is_repo_action(uses)
	not owner(uses) in allowed_owners
	msg := sprintf("job %s, step %d: action %s is not from an allowed owner", [job_id, i, uses])
}

findings contains {"rule": "pr_target_checkout_head", "job": job_id, "step": i, "msg": msg} if {
	"pull_request_target" in triggers
	some job_id, job in jobs
	some i, step in steps(job)
	uses := get(step, "uses")
	is_string(uses)
	startswith(uses, "actions/checkout@")
	ref := get(get(step, "with"), "ref")
	is_string(ref)
	checks_out_head(ref)
	msg := sprintf("job %s, step %d: checks out the pull request head under `pull_request_target`", [job_id, i])
}

checks_out_head(ref) if contains(ref, "github.event.pull_request.head")

checks_out_head(ref) if contains(ref, "github.head_ref")

findings contains {"rule": "script_injection", "job": job_id, "step": i, "msg": msg} if {
	some job_id, job in jobs
	some i, step in steps(job)
	run := get(step, "run")
	is_string(run)
	regex.match(`\$\{\{[^}]*(github\.head_ref|github\.event\.[a-z_]+\.(title|body)|github\.event\.head_commit\.message)`, run)
	msg := sprintf("job %s, step %d: untrusted event data is expanded inside `run:`", [job_id, i])
}

findings contains {"rule": "curl_pipe_shell", "job": job_id, "step": i, "msg": msg} if {
	some job_id, job in jobs
	some i, step in steps(job)
	run := get(step, "run")
	is_string(run)
	regex.match(`(curl|wget)[^|\n]*\|\s*(sudo\s+)?(ba|z)?sh\b`, run)
	msg := sprintf("job %s, step %d: pipes a download into a shell", [job_id, i])
}

findings contains {"rule": "secret_echoed", "job": job_id, "step": i, "msg": msg} if {
	some job_id, job in jobs
	some i, step in steps(job)
	run := get(step, "run")
	is_string(run)
	regex.match(`echo[^\n]*\$\{\{\s*secrets\.`, run)
	msg := sprintf("job %s, step %d: echoes a secret", [job_id, i])
}

findings contains {"rule": "checkout_persists_credentials", "job": job_id, "step": i, "msg": msg} if {
	some job_id, job in jobs
	some i, step in steps(job)
	uses := get(step, "uses")
	is_string(uses)
	startswith(uses, "actions/checkout@")
	persist := get(get(step, "with"), "persist-credentials")
	persist != false
	persist != "false"
	msg := sprintf("job %s, step %d: checkout keeps the token (set `persist-credentials: false`)", [job_id, i])
}

findings contains {"rule": "docker_action_by_tag", "job": job_id, "step": i, "msg": msg} if {
	some job_id, job in jobs
	some i, step in steps(job)
	uses := get(step, "uses")
	is_string(uses)
	startswith(uses, "docker://")
	not contains(uses, "@sha256:")
	msg := sprintf("job %s, step %d: docker action %s is not pinned by digest", [job_id, i, uses])
}

# Job rules.

findings contains {"rule": "unpinned_reusable_workflow", "job": job_id, "step": -1, "msg": msg} if {
	some job_id, job in jobs
	uses := get(job, "uses")
	is_string(uses)
	not startswith(uses, "./")
	not is_pinned(uses)
	msg := sprintf("job %s: reusable workflow %s is not pinned to a commit SHA", [job_id, uses])
}

findings contains {"rule": "write_all_permissions", "job": job_id, "step": -1, "msg": msg} if {
	some job_id, job in jobs
	effective_permissions(job) == "write-all"
	msg := sprintf("job %s runs with `write-all` token permissions", [job_id])
}

effective_permissions(job) := permissions if {
	permissions := get(job, "permissions")
	permissions != null
} else := get(input, "permissions")

findings contains {"rule": "self_hosted_on_pull_request", "job": job_id, "step": -1, "msg": msg} if {
	on_pull_request
	some job_id, job in jobs
	"self-hosted" in as_list(get(job, "runs-on"))
	msg := sprintf("job %s runs pull request code on a self-hosted runner", [job_id])
}

findings contains {"rule": "missing_timeout", "job": job_id, "step": -1, "msg": msg} if {
	some job_id, job in jobs
	get(job, "steps") != null
	get(job, "timeout-minutes") == null
	msg := sprintf("job %s has no `timeout-minutes`", [job_id])
}

findings contains {"rule": "container_image_by_tag", "job": job_id, "step": -1, "msg": msg} if {
	some job_id, job in jobs
	image := container_image(get(job, "container"))
	is_string(image)
	not contains(image, "@sha256:")
	msg := sprintf("job %s: container image %s is not pinned by digest", [job_id, image])
}

container_image(container) := container if is_string(container)

else := get(container, "image")

# Workflow rules.

findings contains {"rule": "missing_permissions", "job": "", "step": -1, "msg": msg} if {
	get(input, "permissions") == null
	msg := "workflow has no top-level `permissions:` block"
}

findings contains {"rule": "pull_request_target_trigger", "job": "", "step": -1, "msg": msg} if {
	"pull_request_target" in triggers
	msg := "workflow is triggered by `pull_request_target`"
}
