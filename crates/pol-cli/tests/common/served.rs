//! Running `pol serve` from tests: the real binary on a loopback port, a small HTTP/1.1
//! client over `TcpStream` (it also sends the partial and malformed requests the
//! hostile-request tests need), and bounded polls.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// A running `pol serve`, stopped when dropped.
pub struct Served {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    /// Starts `pol serve --addr 127.0.0.1:0 ARGS` in `dir` (the crate's folder when
    /// `None`) and waits for the address it prints.
    pub fn start_in(dir: Option<&Path>, args: &[&str]) -> Served {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pol"));
        command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = dir {
            command.current_dir(dir);
        }
        let mut child = command.spawn().expect("pol serve starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.split("listening on ").nth(1) {
                    let _ = tx.send(url.to_owned());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!("pol serve did not start:\n{}", log.lock().unwrap());
            }
        };
        let addr = url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .to_owned();
        Served {
            child,
            addr,
            stderr: log,
        }
    }

    pub fn start(args: &[&str]) -> Served {
        Served::start_in(None, args)
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Sends SIGTERM and waits for the process to end: its exit code and standard
    /// output.
    pub fn stop(mut self) -> (Option<i32>, String) {
        self.signal("TERM");
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            out.read_to_string(&mut stdout).unwrap();
        }
        let status = self.child.wait().unwrap();
        (status.code(), stdout)
    }

    pub fn get(&self, path: &str) -> Reply {
        request(&self.addr, "GET", path, &[], b"")
    }

    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Reply {
        request(
            &self.addr,
            "POST",
            path,
            &[("content-type", content_type)],
            body,
        )
    }

    /// A counter or gauge of `/metrics` (the sum over its label sets matching `with`).
    pub fn metric(&self, name: &str, with: &str) -> f64 {
        let metrics = self.get("/metrics").body;
        metrics
            .lines()
            .filter(|l| l.starts_with(name) && l.contains(with))
            .filter(|l| {
                l.get(name.len()..)
                    .is_some_and(|r| r.starts_with('{') || r.starts_with(' '))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
}

pub fn raw_request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut raw = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("\r\n");
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    raw
}

/// Reads a whole response (the server closes the connection after it).
pub fn read_reply(stream: &mut impl Read) -> Reply {
    let mut bytes = Vec::new();
    if let Err(e) = stream.read_to_end(&mut bytes) {
        // A TLS peer that closes without `close_notify`: what was read is the reply.
        assert!(
            e.kind() == std::io::ErrorKind::UnexpectedEof,
            "cannot read the reply: {e}"
        );
    }
    let text = String::from_utf8(bytes).expect("a UTF-8 reply");
    let (head, body) = text.split_once("\r\n\r\n").expect("a reply with headers");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("the service accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream
}

pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = connect(addr);
    stream
        .write_all(&raw_request(method, path, headers, body))
        .unwrap();
    read_reply(&mut stream)
}

/// Polls `check` until it holds, for at most about 60 seconds.
#[track_caller]
pub fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..1200 {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("never happened: {what}");
}
