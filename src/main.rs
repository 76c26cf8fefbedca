//! The `brandguard` binary: parses arguments and hands them to [`cli`], where one
//! module per command group calls the library and prints.

// A function longer than a screen is split into named steps (see clippy.toml).
#![warn(clippy::too_many_lines)]

/// mimalloc instead of the system allocator: malloc and free took about a tenth of
/// a fast scan's CPU in the profile (many small strings and JSON values per page).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Before any thread starts: mimalloc asks the kernel for transparent huge pages
    // (madvise) on its regions, and a 2 MiB page is resident as soon as a byte of it
    // is touched. On pages of real weight (15-40 KB) that was most of a scan's peak:
    // 2,046 pages, 239 MiB with huge pages, 125 MiB without, no more CPU.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag on this process; it
    // takes no pointers.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    // `cargo run` replaces itself with brandguard, and execve keeps the finished
    // children's counters: without this the compiler's CPU would be reported as
    // the browser's.
    brandguard::usage::mark_start();
    let cli = cli::Cli::parse();
    // `brandguard findings | head` should end quietly when head closes the pipe, as
    // Unix tools do, not panic on the failed write. Not for commands that talk over
    // sockets: there SIGPIPE would kill the process whenever a peer hangs up (the
    // demo server died when the crawler closed a connection at the body cap), and a
    // closed socket must be an error the code handles.
    #[cfg(unix)]
    if !cli.uses_sockets() {
        // SAFETY: restoring the default SIGPIPE action before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    cli.init_logs();
    match cli.run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => ExitCode::from(cli::failure::report(&e)),
    }
}
