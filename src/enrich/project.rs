//! Projects: which mirrored distribution a request is for. By default the first path
//! segment (`/debian/pool/...` → `debian`); a `--projects` TOML file maps path prefixes to
//! names, the longest matching prefix winning, on whole path segments:
//!
//! ```toml
//! [projects]
//! "/ubuntu-releases" = "ubuntu"
//! "/kali-images" = "kali"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

/// Top-level files (`/`, `/favicon.ico`).
pub const ROOT: &[u8] = b"(root)";
/// Request lines that could not be split (TLS bytes, `-`), and URLs not starting with `/`.
pub const INVALID: &[u8] = b"(invalid)";

#[derive(Debug, Default, Clone)]
pub struct Projects {
    /// (prefix without trailing `/`, name), longest prefix first.
    prefixes: Vec<(Vec<u8>, Vec<u8>)>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectsFile {
    projects: BTreeMap<String, String>,
}

impl Projects {
    pub fn load(path: &Path) -> anyhow::Result<Projects> {
        let what = || format!("projects file {}", path.display());
        let text = std::fs::read_to_string(path).with_context(what)?;
        Projects::from_toml(&text).with_context(what)
    }

    pub fn from_toml(text: &str) -> anyhow::Result<Projects> {
        let file: ProjectsFile = toml::from_str(text)?;
        let mut prefixes = Vec::new();
        for (prefix, name) in file.projects {
            anyhow::ensure!(
                prefix.starts_with('/'),
                "project prefix {prefix:?} must start with /"
            );
            anyhow::ensure!(
                !name.is_empty(),
                "project prefix {prefix:?} has an empty name"
            );
            let p = prefix.trim_end_matches('/').as_bytes().to_vec();
            prefixes.push((p, name.into_bytes()));
        }
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        Ok(Projects { prefixes })
    }

    /// The project of a decoded URL; `well_formed` is false for unsplittable request lines.
    pub fn classify<'a>(&'a self, url: &'a [u8], well_formed: bool) -> &'a [u8] {
        if !well_formed || url.first() != Some(&b'/') {
            return INVALID;
        }
        let path = match memchr::memchr(b'?', url) {
            Some(q) => &url[..q],
            None => url,
        };
        for (prefix, name) in &self.prefixes {
            if path.starts_with(prefix)
                && (path.len() == prefix.len() || path[prefix.len()] == b'/' || prefix.is_empty())
            {
                return name;
            }
        }
        match memchr::memchr(b'/', &path[1..]) {
            Some(end) if end > 0 => &path[1..=end],
            _ => ROOT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: &[u8]) -> &str {
        std::str::from_utf8(b).unwrap()
    }

    #[test]
    fn default_rule() {
        let p = Projects::default();
        assert_eq!(s(p.classify(b"/debian/pool/main/a.deb", true)), "debian");
        assert_eq!(s(p.classify(b"/debian/", true)), "debian");
        assert_eq!(s(p.classify(b"/debian", true)), "(root)");
        assert_eq!(s(p.classify(b"/", true)), "(root)");
        assert_eq!(s(p.classify(b"/favicon.ico?x=/a/b", true)), "(root)");
        assert_eq!(s(p.classify(b"//x", true)), "(root)");
        assert_eq!(s(p.classify(b"-", false)), "(invalid)");
        assert_eq!(s(p.classify(b"http://example.com/a/b", true)), "(invalid)");
    }

    #[test]
    fn longest_prefix_on_segments() {
        let p = Projects::from_toml(
            "[projects]\n\"/ubuntu\" = \"ubuntu\"\n\"/ubuntu-releases/\" = \"ubuntu-iso\"\n\"/pub/OpenBSD\" = \"openbsd\"\n",
        )
        .unwrap();
        assert_eq!(s(p.classify(b"/ubuntu/dists/x", true)), "ubuntu");
        assert_eq!(
            s(p.classify(b"/ubuntu-releases/24.04/x.iso", true)),
            "ubuntu-iso"
        );
        assert_eq!(
            s(p.classify(b"/pub/OpenBSD/7.4/amd64/x.tgz", true)),
            "openbsd"
        );
        // Not on a segment boundary: falls back to the default rule.
        assert_eq!(s(p.classify(b"/ubuntuX/a", true)), "ubuntuX");
        assert_eq!(s(p.classify(b"/pub/other/a", true)), "pub");
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(Projects::from_toml("[projects]\n\"ubuntu\" = \"u\"\n").is_err());
        assert!(Projects::from_toml("[projectz]\n").is_err());
    }
}
