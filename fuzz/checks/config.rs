//! The configuration files: any text as `config.toml` (with every flag's default) and as a
//! goaccess.conf: resolving it never panics (a bad one is an error naming the file).

use fsmg_stats::cli::Args;
use fsmg_stats::config::Config;
use fsmg_stats::config::goaccess::GoAccessConf;

pub fn config_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = super::scratch();
    let _ = GoAccessConf::parse(text, dir.path());
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write");
    let mut args = Args {
        paths: vec!["/dev/null".into()],
        ..Args::default()
    };
    args.common.config = Some(path);
    args.common.quiet = true;
    if let Err(e) = Config::resolve(args) {
        let text = format!("{e:#}");
        assert!(
            !text.contains("config file") || text.contains("config.toml"),
            "{text}"
        );
    }
}
