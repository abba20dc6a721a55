//! Streaming `pol eval`'s output: standard output buffered in large blocks (flushed
//! after each input on a terminal), a reader that went away tolerated, and a progress
//! bar on standard error for people at a terminal.

use std::io::{self, BufWriter, IsTerminal, Write};

/// Standard output for a renderer. A reader that went away (`pol eval ... | head`) is
/// not an error: it has what it wanted; the rest is dropped and the exit code still
/// tells the decision. Any other write error is kept, to be reported.
pub struct Stdout {
    out: BufWriter<Box<dyn Write>>,
    gone: bool,
    /// The first write error other than a closed pipe.
    pub failed: Option<io::Error>,
    terminal: bool,
}

impl Stdout {
    /// Standard output, locked for the run.
    pub fn new() -> Stdout {
        let stdout = io::stdout();
        let terminal = stdout.is_terminal();
        Stdout {
            out: BufWriter::with_capacity(1 << 16, Box::new(stdout.lock())),
            gone: false,
            failed: None,
            terminal,
        }
    }

    /// Standard error in its place, when standard output carries something else (the
    /// records of `--decision-log -`).
    pub fn stderr() -> Stdout {
        let stderr = io::stderr();
        let terminal = stderr.is_terminal();
        Stdout {
            out: BufWriter::with_capacity(1 << 16, Box::new(stderr.lock())),
            gone: false,
            failed: None,
            terminal,
        }
    }

    /// Whether standard output is a terminal.
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    fn check(&mut self, result: io::Result<()>) -> io::Result<()> {
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.gone = true;
                Ok(())
            }
            Err(e) => {
                let copy = io::Error::new(e.kind(), e.to_string());
                self.failed.get_or_insert(e);
                Err(copy)
            }
        }
    }

    /// After an input: on a terminal, show it now.
    pub fn input_done(&mut self) -> io::Result<()> {
        if self.terminal { self.flush() } else { Ok(()) }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.gone {
            return Ok(buf.len());
        }
        let result = self.out.write_all(buf);
        self.check(result).map(|()| buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.gone {
            return Ok(());
        }
        let result = self.out.flush();
        self.check(result)
    }
}

/// A progress bar on standard error: shown for runs over [`Progress::MIN_INPUTS`]
/// inputs when standard error is a terminal and the run is not in CI (`CI` unset);
/// never in pipes or CI logs.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Runs of fewer inputs show no bar.
    pub const MIN_INPUTS: usize = 20;

    /// A bar for `inputs` inputs, or none.
    pub fn new(inputs: usize) -> Progress {
        let show = inputs >= Progress::MIN_INPUTS
            && io::stderr().is_terminal()
            && std::env::var_os("CI").is_none();
        let bar = show.then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(u64::try_from(inputs).unwrap_or(u64::MAX)),
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} inputs, {elapsed} ({eta} left)",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar }
    }

    /// Runs `f` (which writes to the terminal) with the bar out of the way.
    pub fn around<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// One more input done.
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
