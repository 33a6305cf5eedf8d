//! File kinds. By GoAccess's definition, a request for a "static" file (by extension) is
//! not a "requested file": the list is Debian's `/etc/goaccess/goaccess.conf`, whose
//! numbers we reproduce; a query string after the extension makes it non-static.
//!
//! For a mirror, what a file is for: repository metadata (indexes, checksums, signatures),
//! which clients fetch to learn what changed, or payload (packages, images), which they
//! fetch to install; and which payload files are whole-disk images, whose completed
//! downloads are counted.

use std::sync::LazyLock;

use memchr::memmem::Finder;

const STATIC_EXTENSIONS: &[&[u8]] = &[
    b".css", b".js", b".jpg", b".png", b".gif", b".ico", b".jpeg", b".pdf", b".csv", b".mpeg",
    b".mpg", b".swf", b".woff", b".woff2", b".xls", b".xlsx", b".doc", b".docx", b".ppt", b".pptx",
    b".txt", b".zip", b".ogg", b".mp3", b".mp4", b".exe", b".iso", b".gz", b".rar", b".svg",
    b".bmp", b".tar", b".tgz", b".tiff", b".tif", b".ttf", b".flv", b".dmg", b".xz", b".zst",
];

/// Whether a request is for a static file: by its URL, or by its path alone when the
/// format logs the query apart (W3C), as GoAccess decides it.
pub fn is_static_request(r: &crate::parse::Request<'_>) -> bool {
    is_static(&r.url[..r.static_len.min(r.url.len())])
}

/// Whether the decoded URL ends in a static-file extension (any case).
pub fn is_static(url: &[u8]) -> bool {
    with_lowercase(extension(url), |ext| one_of(ext, &STATIC_PACKED))
}

/// Up to 8 bytes and their length as one integer (the length alone for longer ones,
/// which no list has): a list of extensions is searched with integer compares rather
/// than a `memcmp` per entry. The length keeps `.js` apart from `.js` and a NUL.
const fn packed(ext: &[u8]) -> u128 {
    let mut v = (ext.len() as u128) << 64;
    let mut i = 0;
    while i < ext.len() && ext.len() <= 8 {
        v |= (ext[i] as u128) << (8 * i);
        i += 1;
    }
    v
}

const fn pack_all<const N: usize>(list: &[&[u8]]) -> [u128; N] {
    let mut out = [0u128; N];
    let mut i = 0;
    while i < N {
        out[i] = packed(list[i]);
        i += 1;
    }
    out
}

const STATIC_PACKED: [u128; STATIC_EXTENSIONS.len()] = pack_all(STATIC_EXTENSIONS);
const IMAGE_PACKED: [u128; IMAGE_EXTENSIONS.len()] = pack_all(IMAGE_EXTENSIONS);
const PAYLOAD_PACKED: [u128; PAYLOAD_EXTENSIONS.len()] = pack_all(PAYLOAD_EXTENSIONS);

/// Whether lower-case extension `ext` is in a packed list.
fn one_of(ext: &[u8], list: &[u128]) -> bool {
    ext.len() <= 8 && list.contains(&packed(ext))
}

/// From the last `.` on (empty without one). Every extension of the lists but two has one
/// dot, so "ends with one of them" is "this is one of them", which compares lengths first:
/// these checks run once per distinct URL.
fn extension(s: &[u8]) -> &[u8] {
    memchr::memrchr(b'.', s).map_or(&s[s.len()..], |i| &s[i..])
}

/// What a mirrored file is for, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Content {
    Metadata,
    Payload,
    Other,
}

impl Content {
    pub const ALL: [Content; 3] = [Content::Metadata, Content::Payload, Content::Other];

    pub fn name(self) -> &'static str {
        match self {
            Content::Metadata => "metadata",
            Content::Payload => "payload",
            Content::Other => "other",
        }
    }
}

/// Compression suffixes repositories put on indexes and images.
const COMPRESSED: &[&[u8]] = &[b".gz", b".xz", b".bz2", b".lzma", b".zst", b".lz4", b".zip"];

/// Repository indexes by file name (before any compression suffix): APT, yum/dnf, zypper,
/// pacman, apk and OpenBSD, and the checksum lists of release directories.
const METADATA_NAMES: &[&[u8]] = &[
    b"inrelease",
    b"release",
    b"release.gpg",
    b"packages",
    b"sources",
    b"index",
    b"repomd.xml",
    b"repomd.xml.asc",
    b"repomd.xml.key",
    b"sha256sums",
    b"sha512sums",
    b"sha1sums",
    b"md5sums",
    b"sha256",
    b"index.txt",
    b"apkindex.tar",
];

/// Name prefixes of APT's per-architecture and per-language indexes.
const METADATA_PREFIXES: &[&[u8]] = &[
    b"contents-",
    b"translation-",
    b"components-",
    b"icons-",
    b"packages.",
    b"sources.",
    b"commands-",
    b"sha256sums.",
    b"sha512sums.",
];

/// Extensions of metadata whatever the name: pacman databases, signatures, yum XML.
const METADATA_EXTENSIONS: &[&[u8]] = &[
    b".db",
    b".files",
    b".db.tar",
    b".files.tar",
    b".sig",
    b".asc",
    b".gpg",
    b".sign",
    b".sqlite",
    b".xml",
    b".diff",
];

/// Disk and install images (optionally compressed): their downloads are counted.
const IMAGE_EXTENSIONS: &[&[u8]] = &[
    b".iso", b".img", b".qcow2", b".vmdk", b".vdi", b".vhd", b".vhdx", b".ova", b".raw", b".wsl",
];

/// Packages and archives (and anything with `.tar` in its name: `.pkg.tar.zst`,
/// `.orig.tar.xz`).
const PAYLOAD_EXTENSIONS: &[&[u8]] = &[
    b".deb",
    b".udeb",
    b".ddeb",
    b".rpm",
    b".drpm",
    b".apk",
    b".tgz",
    b".txz",
    b".dsc",
    b".snap",
    b".flatpak",
];

/// Whether lower-case `s` ends with one of `list`.
fn ends_with_any(s: &[u8], list: &[&[u8]]) -> bool {
    list.iter().any(|e| s.ends_with(e))
}

/// Calls `f` with the file name of a URL (last path segment, query dropped), lower-cased
/// on the stack: this runs once per distinct URL, hundreds of thousands of times.
fn with_file_name<R>(url: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    let path = &url[..memchr::memchr(b'?', url).unwrap_or(url.len())];
    let name = memchr::memrchr(b'/', path).map_or(path, |i| &path[i + 1..]);
    with_lowercase(name, f)
}

/// Calls `f` with `s` lower-cased, on the stack when short.
fn with_lowercase<R>(s: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    let mut buf = [0u8; 128];
    match buf.get_mut(..s.len()) {
        Some(lower) => {
            lower.copy_from_slice(s);
            lower.make_ascii_lowercase();
            f(lower)
        }
        None => f(&s.to_ascii_lowercase()),
    }
}

/// `name` without one compression suffix.
fn uncompressed(name: &[u8]) -> &[u8] {
    COMPRESSED
        .iter()
        .find(|e| name.ends_with(e))
        .map_or(name, |e| &name[..name.len() - e.len()])
}

/// Searchers built once: building one per URL cost more than the search.
static BY_HASH: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"/by-hash/"));
static REPODATA: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"/repodata/"));
static TAR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b".tar"));

/// What a decoded URL's file is for, and whether it is a disk or install image.
pub fn kind(url: &[u8]) -> (Content, bool) {
    let in_index_dir = BY_HASH.find(url).is_some() || REPODATA.find(url).is_some();
    with_file_name(url, |name| {
        let base = uncompressed(name);
        let ext = extension(base);
        let image = one_of(ext, &IMAGE_PACKED);
        let content = if in_index_dir
            || METADATA_NAMES.contains(&base)
            || METADATA_PREFIXES.iter().any(|p| base.starts_with(p))
            || ends_with_any(base, METADATA_EXTENSIONS)
        {
            Content::Metadata
        } else if image || one_of(ext, &PAYLOAD_PACKED) || TAR.find(name).is_some() {
            Content::Payload
        } else {
            Content::Other
        };
        (content, image)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists matched by `extension` hold one-dot extensions only.
    #[test]
    fn extensions_have_one_dot() {
        for list in [STATIC_EXTENSIONS, IMAGE_EXTENSIONS, PAYLOAD_EXTENSIONS] {
            for e in list {
                assert_eq!(extension(e), *e);
                assert_eq!(e.to_ascii_lowercase(), *e);
                assert!(e.len() <= 8, "{}", String::from_utf8_lossy(e));
            }
        }
        assert!(is_static(b"/a/B.Tar.GZ") && is_static(b"/.css") && !is_static(b"/a.css/"));
        assert!(!is_static(b"/a.cs") && !is_static(b"/css") && !is_static(b""));
        assert!(!is_static(b"/a.js\0") && !is_static(b"/a.gz\0\0"));
    }

    #[test]
    fn metadata_payload_and_images() {
        for url in [
            "/debian/dists/buster/InRelease",
            "/debian/dists/buster/Release.gpg",
            "/debian/dists/buster/main/binary-amd64/Packages.xz",
            "/debian/dists/buster/main/binary-amd64/Packages.xz?ts=1",
            "/debian/dists/sid/main/i18n/Translation-en.bz2",
            "/ubuntu/dists/bionic/Contents-amd64.gz",
            "/ubuntu/dists/bionic/main/binary-amd64/by-hash/SHA256/ab12",
            "/centos/7/os/x86_64/repodata/repomd.xml",
            "/centos/7/os/x86_64/repodata/0a1b-primary.sqlite.bz2",
            "/archlinux/core/os/x86_64/core.db",
            "/archlinux/core/os/x86_64/core.files.tar.gz",
            "/pub/OpenBSD/6.4/amd64/SHA256.sig",
            "/pub/OpenBSD/6.4/amd64/SHA256",
            "/ubuntu-releases/18.04/SHA256SUMS",
            "/alpine/v3.9/main/x86_64/APKINDEX.tar.gz",
        ] {
            assert_eq!(kind(url.as_bytes()).0, Content::Metadata, "{url}");
        }
        for url in [
            "/debian/pool/main/c/curl/curl_7.64.0-4_amd64.deb",
            "/centos/7/updates/x86_64/Packages/bash-4.2.46-31.el7.x86_64.rpm",
            "/archlinux/extra/os/x86_64/gtk3-1:3.24-1-x86_64.pkg.tar.xz",
            "/pub/OpenBSD/6.4/packages/amd64/curl-7.61.1.tgz",
            "/debian/pool/main/c/curl/curl_7.64.0.orig.tar.gz",
            "/kali-images/kali-2018.4/kali-linux-2018.4-amd64.iso",
            "/raspbian/images/2018-11-13-raspbian-stretch.img.xz",
        ] {
            assert_eq!(kind(url.as_bytes()).0, Content::Payload, "{url}");
        }
        for url in [
            "/",
            "/favicon.ico",
            "/robots.txt",
            "/debian/",
            "-",
            "/\u{fffd}.html",
        ] {
            assert_eq!(kind(url.as_bytes()).0, Content::Other, "{url}");
        }
        let image = |u: &str| kind(u.as_bytes()).1;
        assert!(image("/x/ubuntu-18.04.1-desktop-amd64.iso"));
        assert!(image("/x/2018-11-13-raspbian-stretch.IMG.XZ"));
        assert!(!image("/x/curl.deb"));
        assert!(!image("/x/a.iso.sig"));
        let long = format!("/x/{}.ISO", "a".repeat(200));
        assert_eq!(kind(long.as_bytes()), (Content::Payload, true));
    }

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
