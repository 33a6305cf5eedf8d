//! File kinds, by GoAccess's definition: a request for a "static" file (by extension) is
//! not a "requested file". The list is Debian's `/etc/goaccess/goaccess.conf`, whose
//! numbers we reproduce; a query string after the extension makes it non-static.

const STATIC_EXTENSIONS: &[&[u8]] = &[
    b".css", b".js", b".jpg", b".png", b".gif", b".ico", b".jpeg", b".pdf", b".csv", b".mpeg",
    b".mpg", b".swf", b".woff", b".woff2", b".xls", b".xlsx", b".doc", b".docx", b".ppt", b".pptx",
    b".txt", b".zip", b".ogg", b".mp3", b".mp4", b".exe", b".iso", b".gz", b".rar", b".svg",
    b".bmp", b".tar", b".tgz", b".tiff", b".tif", b".ttf", b".flv", b".dmg", b".xz", b".zst",
];

/// Whether the decoded URL ends in a static-file extension (any case).
pub fn is_static(url: &[u8]) -> bool {
    STATIC_EXTENSIONS
        .iter()
        .any(|ext| url.len() >= ext.len() && url[url.len() - ext.len()..].eq_ignore_ascii_case(ext))
}

#[cfg(test)]
mod tests {
    use super::is_static;

    #[test]
    fn goaccess_static_rule() {
        for s in [
            "/a.gz",
            "/x.ISO",
            "/abcdef.zst",
            "/debian/dists/x/Contents-amd64.gz",
        ] {
            assert!(is_static(s.as_bytes()), "{s}");
        }
        for s in ["/x.iso?x=1", "/x.deb", "/repomd.xml", "/a.bz2", "/", "-"] {
            assert!(!is_static(s.as_bytes()), "{s}");
        }
    }
}
