//! `fsmg-loggen`: see the library's documentation.

fn main() -> anyhow::Result<()> {
    fsmg_loggen::run(std::env::args_os()).map_err(|e| match e.downcast::<clap::Error>() {
        // --help, --version and usage errors print and exit as clap's own do.
        Ok(usage) => usage.exit(),
        Err(e) => e,
    })
}
