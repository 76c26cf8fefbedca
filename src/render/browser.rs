//! The browser process: Debian's `chromium`, started by us (not by chromiumoxide's
//! launcher) so that it can never outlive the scan.
//!
//! Why by hand: a scan killed with SIGKILL runs no destructor, and a headless
//! Chromium left behind keeps its memory and its tabs' connections to marketplaces.
//! The process is started in its own process group, with `PR_SET_PDEATHSIG` set to
//! SIGKILL (the kernel kills it when the thread that started it ends, which for a
//! runtime worker is when the process ends), and the whole group (browser, zygote,
//! renderers, GPU process) is killed when the [`BrowserProcess`] is dropped.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::ChildStderr;

use super::RenderError;
use crate::config::RenderSettings;

/// How many times a browser start is tried before the scan goes on without one.
const START_ATTEMPTS: usize = 3;

/// A running browser and its DevTools WebSocket address.
pub(super) struct BrowserProcess {
    child: tokio::process::Child,
    /// The process group (the browser's pid): every process Chromium starts.
    group: i32,
    pub(super) ws_url: String,
    /// The browser's profile folder, removed when the process is gone.
    _profile: tempfile::TempDir,
}

/// Chromium's switches for unattended capture. The background-networking ones
/// keep it from calling Google's services (refused on a closed network, and
/// traffic nobody asked for); `--remote-debugging-port=0` picks a free port and
/// prints it on stderr.
fn switches(settings: &RenderSettings, profile: &Path) -> Vec<String> {
    let mut args: Vec<String> = [
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--disable-breakpad",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--mute-audio",
        "--password-store=basic",
        "--use-mock-keychain",
        "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.push(format!(
        "--window-size={},{}",
        settings.viewport_width, settings.viewport_height
    ));
    // V8's heap limit per renderer: a page's scripts cannot take the machine's
    // memory, only crash their own tab.
    args.push(format!(
        "--js-flags=--max-old-space-size={}",
        settings.page_memory_mib
    ));
    if !sandboxed(settings) {
        args.push("--no-sandbox".into());
    }
    args.push("about:blank".into());
    args
}

/// The browser's command: in its own process group (killed as one), dying with
/// us, its stderr piped (where it prints its DevTools address).
fn command(settings: &RenderSettings, profile: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(&settings.browser);
    cmd.args(switches(settings, profile))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .process_group(0);
    // SAFETY: between fork and exec only async-signal-safe calls: prctl and
    // getppid. If the parent is already gone, the child exits at once.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::getppid() == 1 {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    cmd
}

/// Whether Chromium runs sandboxed: as configured, else unless we are root (where
/// Chromium refuses to start with its sandbox).
fn sandboxed(settings: &RenderSettings) -> bool {
    // SAFETY: getuid has no preconditions and cannot fail.
    settings.sandbox.unwrap_or(unsafe { libc::getuid() } != 0)
}

/// How a starting browser's stderr ended our wait for it.
enum Ready {
    /// It listens for DevTools at this address.
    Address(String),
    /// It said its sandbox cannot start (the line it said).
    NoSandbox(String),
    /// It closed its stderr (it ended) first.
    Ended,
}

/// Reads a starting browser's stderr up to its DevTools address, or to its saying
/// "No usable sandbox!" (after which it exits: nothing to wait for), or to its end;
/// its first lines before are kept in `said`.
async fn devtools_address(
    lines: &mut Lines<BufReader<ChildStderr>>,
    said: &mut Vec<String>,
) -> Ready {
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(ws) = line.split("DevTools listening on ").nth(1) {
            return Ready::Address(ws.trim().to_string());
        }
        if let Some(at) = line.find("No usable sandbox") {
            // Chromium's line runs on with advice for Debian and Ubuntu (packages,
            // AppArmor links) that is not ours to give: its first sentence.
            let first = line[at..].split_inclusive('!').next().unwrap_or_default();
            return Ready::NoSandbox(first.to_string());
        }
        if said.len() < 5 {
            said.push(line);
        }
    }
    Ready::Ended
}

/// The lines a browser said, to append to an error about it.
fn said_tail(said: &[String]) -> String {
    if said.is_empty() {
        String::new()
    } else {
        format!(": {}", said.join(" | "))
    }
}

impl BrowserProcess {
    /// Starts the browser, trying [`START_ATTEMPTS`] times: a Chromium that prints
    /// no DevTools address within `start_timeout_secs` is killed and started afresh (with a new
    /// profile), since on a loaded machine a start now and then hangs for good
    /// while the next one comes up in a second. A missing browser is not retried.
    pub(super) async fn start(settings: &RenderSettings) -> Result<BrowserProcess, RenderError> {
        use backon::{ExponentialBuilder, Retryable};
        (|| BrowserProcess::start_once(settings))
            .retry(
                ExponentialBuilder::default()
                    .with_min_delay(Duration::from_millis(500))
                    .with_max_delay(Duration::from_secs(5))
                    .with_max_times(START_ATTEMPTS - 1)
                    .with_jitter(),
            )
            .when(|e| matches!(e, RenderError::Start(_)))
            .notify(|e, pause| {
                tracing::warn!(error = %e, ?pause, "the browser did not start; starting it again")
            })
            .await
            .map_err(|e| match e {
                RenderError::Start(why) => {
                    RenderError::Start(format!("{why} (tried {START_ATTEMPTS} times)"))
                }
                other => other,
            })
    }

    /// One start: spawns the browser and waits (at most `start_timeout_secs`) for its
    /// DevTools address.
    async fn start_once(settings: &RenderSettings) -> Result<BrowserProcess, RenderError> {
        let exe = &settings.browser;
        if !exe.exists() {
            return Err(RenderError::NoBrowser {
                path: exe.display().to_string(),
            });
        }
        // Named for our process id, so that an operator (and a test) can tell
        // which brandguard a browser belongs to.
        let profile = tempfile::Builder::new()
            .prefix(&format!("brandguard-browser-{}-", std::process::id()))
            .tempdir()
            .map_err(|e| RenderError::Start(format!("cannot make a profile folder: {e}")))?;
        let mut child = command(settings, profile.path())
            .spawn()
            .map_err(|e| RenderError::Start(format!("cannot start {}: {e}", exe.display())))?;
        let group = child.id().map(|p| p as i32).unwrap_or(0);
        let stderr = child
            .stderr
            .take()
            .ok_or_else(|| RenderError::Start("no stderr from the browser".into()))?;
        let mut proc = BrowserProcess {
            child,
            group,
            ws_url: String::new(),
            _profile: profile,
        };
        let mut lines = BufReader::new(stderr).lines();
        let wait = Duration::from_secs(settings.start_timeout_secs);
        let mut said = Vec::new();
        let why = match tokio::time::timeout(wait, devtools_address(&mut lines, &mut said)).await {
            Ok(Ready::Address(ws)) => {
                proc.ws_url = ws;
                None
            }
            Ok(Ready::NoSandbox(said)) => Some(RenderError::NoSandbox {
                path: exe.display().to_string(),
                said,
            }),
            Ok(Ready::Ended) => {
                // Its stderr closed as it ended; a process that only closed it is
                // not waited on for long.
                let status =
                    match tokio::time::timeout(Duration::from_secs(5), proc.child.wait()).await {
                        Ok(Ok(s)) => s.to_string(),
                        Ok(Err(e)) => format!("status unknown: {e}"),
                        Err(_) => "its stderr closed, the process still running".into(),
                    };
                Some(RenderError::Start(format!(
                    "{} ended before it was ready ({status}){}",
                    exe.display(),
                    said_tail(&said)
                )))
            }
            Err(_) => Some(RenderError::Start(format!(
                "{} gave no DevTools address within {} s{}",
                exe.display(),
                wait.as_secs(),
                said_tail(&said)
            ))),
        };
        if let Some(why) = why {
            proc.kill();
            return Err(why);
        }
        // Keep draining stderr: a browser whose pipe is full blocks.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(proc)
    }

    /// The browser's process id (for tests that kill it).
    pub(super) fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Whether the browser process has ended.
    pub(super) fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// Kills every process of the browser's group, now.
    pub(super) fn kill(&mut self) {
        if self.group > 0 {
            // SAFETY: kill has no memory preconditions; a negative pid names the group
            // we created for the browser, nothing else.
            unsafe {
                libc::kill(-self.group, libc::SIGKILL);
            }
        }
        let _ = self.child.start_kill();
    }

    /// Waits for the browser to end after a polite close, then kills what is left.
    pub(super) async fn finish(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
        self.kill();
        // Reaped by asking, a bounded number of times: `wait()` learns of the exit
        // from the child's signal, which can be missed; a browser killed from outside
        // was then left a zombie and this wait never returned, hanging the scan
        // (seen once in `a_browser_that_keeps_dying_costs_its_pages_…`).
        for _ in 0..100 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tracing::warn!(
            pid = self.child.id(),
            "the browser did not exit 5 s after it was killed: left behind"
        );
    }
}

impl Drop for BrowserProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
