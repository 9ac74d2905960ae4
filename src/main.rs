//! The `prakat` executable: everything is in the library; this only runs the command line.

fn main() -> std::process::ExitCode {
    prakat::cli::main()
}
