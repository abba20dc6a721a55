//! The Dockerfile reader end to end: documents, positions, errors.

use serde_json::json;

use crate::{Document, Format, LoadError, LoadLimits, NodeId, NodeRef};

fn doc(text: &str) -> Document {
    let mut docs = crate::load(text, Format::Dockerfile, Some("Dockerfile")).unwrap();
    assert_eq!(docs.len(), 1);
    docs.pop().unwrap()
}

fn error(text: &str) -> LoadError {
    crate::load(text, Format::Dockerfile, Some("Dockerfile")).unwrap_err()
}

/// The node at a path of keys and indexes (`stages.0.from.tag`).
fn at(doc: &Document, path: &str) -> NodeId {
    let mut id = doc.root();
    for part in path.split('.') {
        id = match doc.get(id) {
            NodeRef::List(list) => list.get(part.parse().unwrap()).unwrap(),
            NodeRef::Object(o) => o
                .get_str(part)
                .unwrap_or_else(|| panic!("no {part} in {path}")),
            _ => panic!("{path}: {part} of a scalar"),
        };
    }
    id
}

fn pos(doc: &Document, path: &str) -> (u32, u32) {
    let p = doc.position(at(doc, path)).unwrap();
    (p.line, p.column)
}

fn value(doc: &Document, path: &str) -> serde_json::Value {
    doc.to_json(at(doc, path))
}

#[test]
fn stages_images_and_positions() {
    let d = doc(concat!(
        "# syntax=docker/dockerfile:1\n",
        "ARG BASE=alpine:3.20\n",
        "FROM --platform=$BUILDPLATFORM golang:1.22@sha256:abc AS build\n",
        "RUN go build\n",
        "FROM $BASE\n",
        "COPY --from=build /out /bin/app\n",
        "FROM build AS test\n",
        "FROM test\n",
    ));
    assert_eq!(
        value(&d, "directives"),
        json!({"syntax": "docker/dockerfile:1"})
    );
    assert_eq!(pos(&d, "directives.syntax"), (1, 10));
    assert_eq!(
        value(&d, "args.0.pairs"),
        json!([{"key": "BASE", "value": "alpine:3.20"}])
    );
    assert_eq!(
        value(&d, "stages.0.from"),
        json!({"ref": "golang:1.22@sha256:abc", "resolved": "golang:1.22@sha256:abc",
               "unresolved": false, "image": "golang", "tag": "1.22", "digest": "sha256:abc",
               "platform": "$BUILDPLATFORM", "name": "build"})
    );
    assert_eq!(pos(&d, "stages.0.from"), (3, 32));
    assert_eq!(pos(&d, "stages.0.from.tag"), (3, 39));
    assert_eq!(pos(&d, "stages.0.from.digest"), (3, 44));
    assert_eq!(pos(&d, "stages.0.from.platform"), (3, 17));
    assert_eq!(pos(&d, "stages.0.name"), (3, 58));
    assert_eq!(value(&d, "stages.1.from.resolved"), json!("alpine:3.20"));
    assert_eq!(value(&d, "stages.1.from.tag"), json!("3.20"));
    assert_eq!(
        value(&d, "stages.1.instructions.1.flags"),
        json!({"from": "build"})
    );
    assert_eq!(
        value(&d, "stages.1.instructions.1.sources"),
        json!(["/out"])
    );
    assert_eq!(value(&d, "stages.1.instructions.1.dest"), json!("/bin/app"));
    assert_eq!(value(&d, "stages.2.from.stage"), json!(0));
    assert_eq!(value(&d, "stages.3.ancestors"), json!([2, 0]));
    assert_eq!(value(&d, "stages.1.instructions.0.line"), json!(5));
    assert_eq!(pos(&d, "stages.1.instructions.1"), (6, 1));
}

#[test]
fn unresolved_build_arguments_stay_visible() {
    let d = doc("ARG BASE\nFROM ${BASE}\nFROM ${OTHER:-debian:12}\nFROM scratch\n");
    assert_eq!(value(&d, "stages.0.from.unresolved"), json!(true));
    assert_eq!(value(&d, "stages.0.from.image"), json!("${BASE}"));
    assert_eq!(value(&d, "stages.1.from.resolved"), json!("debian:12"));
    assert_eq!(value(&d, "stages.1.from.unresolved"), json!(false));
    assert_eq!(value(&d, "stages.2.from.image"), json!("scratch"));
}

#[test]
fn run_commands_with_positions() {
    let d = doc("FROM a\nRUN apt-get update \\\n && curl -fsSL https://x | sh\n");
    let run = "stages.0.instructions.1";
    assert_eq!(value(&d, &format!("{run}.form")), json!("shell"));
    assert_eq!(
        value(&d, &format!("{run}.text")),
        json!("apt-get update  && curl -fsSL https://x | sh")
    );
    assert_eq!(
        value(&d, &format!("{run}.commands")),
        json!([
            {"name": "apt-get", "args": ["update"], "env": [], "pipe": false},
            {"name": "curl", "args": ["-fsSL", "https://x"], "env": [], "pipe": true},
            {"name": "sh", "args": [], "env": [], "pipe": false},
        ])
    );
    assert_eq!(pos(&d, &format!("{run}.commands.1.name")), (3, 5));
    assert_eq!(pos(&d, &format!("{run}.commands.1.args.1")), (3, 16));
    assert_eq!(pos(&d, &format!("{run}.commands.2")), (3, 28));
}

#[test]
fn exec_forms_and_heredoc_scripts() {
    let d = doc(concat!(
        "FROM a\n",
        "RUN [\"apt-get\", \"install\", \"x\"]\n",
        "RUN <<EOF\n",
        "set -e\n",
        "sudo make install\n",
        "EOF\n",
        "COPY <<-EOT /etc/motd\n",
        "\thello\n",
        "\tEOT\n",
        "CMD [\"run\"]\n",
        "ENTRYPOINT exec app\n",
    ));
    let i = |n: usize, field: &str| value(&d, &format!("stages.0.instructions.{n}.{field}"));
    assert_eq!(i(1, "form"), json!("exec"));
    assert_eq!(i(1, "args"), json!(["apt-get", "install", "x"]));
    assert_eq!(i(1, "commands.0.name"), json!("apt-get"));
    assert_eq!(i(2, "commands.1.name"), json!("sudo"));
    assert_eq!(pos(&d, "stages.0.instructions.2.commands.1.args.0"), (5, 6));
    assert_eq!(
        i(2, "heredocs"),
        json!([{"name": "EOF", "body": "set -e\nsudo make install\n", "quoted": false}])
    );
    assert_eq!(i(3, "heredocs.0.body"), json!("hello\n"));
    assert_eq!(i(3, "dest"), json!("/etc/motd"));
    assert_eq!(i(4, "form"), json!("exec"));
    assert_eq!(i(4, "line"), json!(10));
    assert_eq!(i(5, "form"), json!("shell"));
    assert_eq!(i(5, "args"), json!(["exec", "app"]));
}

#[test]
fn pairs_users_ports_workdirs_and_healthchecks() {
    let d = doc(concat!(
        "FROM a\n",
        "ENV A=1 B=\"two words\"\n",
        "ENV LEGACY value with blanks\n",
        "LABEL \"com.x\"=y\n",
        "ARG TOKEN\n",
        "USER app:staff\n",
        "EXPOSE 22 53/udp $PORT\n",
        "WORKDIR \"../work dir\"\n",
        "HEALTHCHECK --interval=5s CMD curl -f http://localhost/\n",
        "HEALTHCHECK NONE\n",
        "ONBUILD RUN make\n",
        "run lower case\n",
    ));
    let i = |n: usize, field: &str| value(&d, &format!("stages.0.instructions.{n}.{field}"));
    assert_eq!(
        i(1, "pairs"),
        json!([{"key": "A", "value": "1"}, {"key": "B", "value": "two words"}])
    );
    assert_eq!(pos(&d, "stages.0.instructions.1.pairs.1.value"), (2, 11));
    assert_eq!(
        i(2, "pairs"),
        json!([{"key": "LEGACY", "value": "value with blanks"}])
    );
    assert_eq!(i(3, "pairs.0.key"), json!("com.x"));
    assert_eq!(i(4, "pairs"), json!([{"key": "TOKEN", "value": null}]));
    assert_eq!(
        (i(5, "user"), i(5, "group")),
        (json!("app"), json!("staff"))
    );
    assert_eq!(pos(&d, "stages.0.instructions.5.group"), (6, 10));
    assert_eq!(
        i(6, "ports"),
        json!([{"port": "22", "protocol": "tcp"}, {"port": "53", "protocol": "udp"},
               {"port": "$PORT", "protocol": "tcp"}])
    );
    assert_eq!(i(7, "path"), json!("../work dir"));
    assert_eq!(i(8, "none"), json!(false));
    assert_eq!(i(8, "flags"), json!({"interval": "5s"}));
    assert_eq!(i(8, "args"), json!(["curl", "-f", "http://localhost/"]));
    assert_eq!(i(9, "none"), json!(true));
    assert_eq!(i(10, "trigger.cmd"), json!("RUN"));
    assert_eq!(i(10, "trigger.commands.0.name"), json!("make"));
    assert_eq!(i(11, "cmd"), json!("RUN"));
}

#[test]
fn run_mounts_and_repeated_flags() {
    let d = doc(
        "FROM a\nRUN --mount=type=secret,id=a --mount=type=cache,target=/c --network=none make\n",
    );
    let run = "stages.0.instructions.1";
    assert_eq!(
        value(&d, &format!("{run}.flags")),
        json!({"mount": "type=cache,target=/c", "network": "none"})
    );
    assert_eq!(
        value(&d, &format!("{run}.mounts")),
        json!(["type=secret,id=a", "type=cache,target=/c"])
    );
    assert_eq!(value(&d, &format!("{run}.args")), json!(["make"]));
}

#[test]
fn malformed_files_are_errors_with_positions() {
    let cases = [
        ("FROM a\n~\n", 2, 1, "unknown instruction `~`"),
        (
            "RUN x\nFROM a\n",
            1,
            1,
            "`RUN` before the first `FROM`: only `ARG` may come before it",
        ),
        ("ARG A=1\n", 1, 1, "no `FROM` instruction"),
        (
            "FROM a\nLABEL foo=\"bar baz\nUSER me\n",
            2,
            11,
            "this double quote is not closed",
        ),
        (
            "FROM a\nRUN <<EOF\nx\n",
            2,
            5,
            "heredoc `EOF` has no line `EOF` that ends it",
        ),
        (
            "# escape=x\nFROM a\n",
            1,
            10,
            "invalid escape character `x`: it must be `\\` or `` ` ``",
        ),
        ("FROM\n", 1, 1, "`FROM` needs arguments"),
        (
            "FROM a b\n",
            1,
            6,
            "`FROM` takes an image and an optional `AS name`",
        ),
        ("FROM a\nENV KEY\n", 2, 5, "`ENV KEY` needs a value"),
        (
            "FROM a\nENV A=1 B\n",
            2,
            9,
            "`ENV` expects `key=value` pairs",
        ),
        (
            "FROM a\nHEALTHCHECK CURL x\n",
            2,
            13,
            "`HEALTHCHECK` takes `NONE` or `CMD` and a command",
        ),
        (
            "FROM a\nONBUILD ONBUILD RUN x\n",
            2,
            9,
            "`ONBUILD ONBUILD` is not allowed",
        ),
    ];
    for (text, line, column, message) in cases {
        let e = error(text);
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (line, column, message),
            "{text:?}"
        );
        assert_eq!(e.file.as_deref(), Some("Dockerfile"));
    }
}

#[test]
fn a_quote_left_open_in_a_script_is_no_error() {
    let d = doc("FROM a\nRUN echo \"oops\nCMD echo 'x\n");
    assert_eq!(
        value(&d, "stages.0.instructions.1.args"),
        json!(["echo", "\"oops"])
    );
}

#[test]
fn files_without_instructions_have_no_document() {
    for text in [
        "",
        "\n",
        "# syntax=docker/dockerfile:1\n",
        "# a comment\n\n",
    ] {
        assert!(
            crate::load(text, Format::Dockerfile, None)
                .unwrap()
                .is_empty(),
            "{text:?}"
        );
    }
}

#[test]
fn the_node_limit_holds() {
    let limits = LoadLimits {
        max_nodes: 20,
        ..LoadLimits::default()
    };
    let text = "FROM a\n".to_owned() + &"RUN a b c d e f\n".repeat(10);
    let e = crate::load_with(&text, Format::Dockerfile, None, &limits).unwrap_err();
    assert!(e.message.contains("nodes"), "{e}");
    assert!(e.limit.is_some());
}

#[test]
fn odd_bytes_never_panic() {
    let samples = [
        "FROM a\nRUN \\",
        "FROM a\nRUN [\"\\",
        "FROM a\nRUN $(",
        "FROM a\nRUN ${",
        "FROM a\nRUN `",
        "FROM a\nRUN <<",
        "FROM a\nRUN <<'",
        "FROM a\nCOPY <<a <<b c\na\n",
        "FROM ${",
        "FROM $",
        "FROM a\nUSER :",
        "FROM a\nEXPOSE /",
        "FROM a\nENV a=",
        "FROM a\nRUN 2>",
        "FROM é\nRUN é|é",
        "\u{feff}",
        "\u{feff}FROM a",
        "FROM a\r\nRUN b\r",
        "FROM a\nONBUILD",
        "FROM a\nONBUILD x",
    ];
    for text in samples {
        let _ = crate::load(text, Format::Dockerfile, None);
        for cut in 0..text.len() {
            if let Some(prefix) = text.get(..cut) {
                let _ = crate::load(prefix, Format::Dockerfile, None);
            }
        }
    }
}
