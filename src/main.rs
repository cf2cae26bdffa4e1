//! The `roadsub` binary: everything happens in [`roadsub::cli::run`].

fn main() -> std::process::ExitCode {
    roadsub::cli::run()
}

/// Looks at standard output before the runtime does: a closed one (`>&-`) is filled with
/// `/dev/null` before `main`, and results written there would go nowhere without an error
/// (`roadsub::table::replace::stdout_closed_at_start`). A function in `.init_array` is run
/// by the system as the program is loaded, before the runtime's start; the descriptor is
/// asked for its flags, which fails only when it is not open.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static LOOK_AT_STDOUT: extern "C" fn() = {
    extern "C" fn look() {
        // SAFETY: F_GETFD reads a descriptor's flags and touches no memory of ours.
        let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
        roadsub::table::replace::note_stdout_closed_at_start(closed);
    }
    look
};
