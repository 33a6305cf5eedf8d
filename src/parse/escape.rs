//! The escapes servers put into logged strings, undone. Apache writes `\"`, `\\`,
//! `\b \n \r \t \v` and `\xhh` (lower-case hex) for control and non-ASCII bytes; nginx's
//! default writes `\xHH` (upper case) for those and for `"` and `\`. Both are read by one
//! decoder. JSON logs are decoded by the JSON reader instead.
//!
//! Counting keys keep the escapes, as GoAccess does (so numbers stay equal to its);
//! request rows hold the bytes the escapes stand for.

use std::borrow::Cow;

/// How a log's text fields are escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Escapes {
    /// Backslash escapes (Apache, nginx `escape=default`, most others).
    #[default]
    Backslash,
    /// Already decoded (JSON logs) or written raw (nginx `escape=none`).
    None,
}

impl Escapes {
    pub fn undo<'a>(self, s: &'a [u8]) -> Cow<'a, [u8]> {
        match self {
            Escapes::Backslash => unescape(s),
            Escapes::None => Cow::Borrowed(s),
        }
    }
}

/// Undoes backslash escapes: `\xhh` (either case) becomes the byte, `\b \f \n \r \t \v`
/// the control characters, and any other escaped byte itself (`\"` is `"`, `\\` is `\`).
/// A trailing lone backslash stays.
pub fn unescape(s: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr::memchr(b'\\', s) else {
        return Cow::Borrowed(s);
    };
    let mut out = Vec::with_capacity(s.len());
    out.extend_from_slice(&s[..first]);
    let mut i = first;
    while i < s.len() {
        let c = s[i];
        if c != b'\\' || i + 1 == s.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = s[i + 1];
        let hex = |j: usize| s.get(j).and_then(|&h| (h as char).to_digit(16));
        match e {
            b'x' => {
                if let (Some(hi), Some(lo)) = (hex(i + 2), hex(i + 3)) {
                    out.push((hi * 16 + lo) as u8);
                    i += 4;
                    continue;
                }
                out.push(b'x');
            }
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            other => out.push(other),
        }
        i += 2;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apache_and_nginx_escapes() {
        // As Apache logged `GET /x"y\z/é` and a tab (observed on 2.4.71).
        assert_eq!(
            &*unescape(br#"/x\"y\\z/\xc3\xa9 tab\there"#),
            "/x\"y\\z/é tab\there".as_bytes()
        );
        // nginx's default escaping of the same.
        assert_eq!(
            &*unescape(br"/x\x22y\x5Cz/\xC3\xA9 tab\x09here"),
            "/x\"y\\z/é tab\there".as_bytes()
        );
        assert_eq!(&*unescape(br"Gh0st\xad"), b"Gh0st\xad");
        assert!(matches!(unescape(b"plain"), Cow::Borrowed(_)));
        assert_eq!(&*unescape(br"end\"), br"end\");
        assert_eq!(&*unescape(br"\xZZ"), b"xZZ");
    }

    #[test]
    fn only_backslash_logs_are_unescaped() {
        assert_eq!(&*Escapes::Backslash.undo(br#"a\"b\x41"#), br#"a"bA"#);
        assert_eq!(&*Escapes::None.undo(br#"a\"b\x41"#), br#"a\"b\x41"#);
    }
}
