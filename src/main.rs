//! The `roadsub` binary: everything happens in [`roadsub::cli::run`].

fn main() -> std::process::ExitCode {
    roadsub::cli::run()
}
