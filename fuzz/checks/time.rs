//! The strftime time parser: any format on any input, and its fast paths against the
//! general one.

use std::sync::LazyLock;

use fsmg_stats::parse::time::{Parts, TimeFormat};

/// Formats with a fast path, each beside a format that means the same but takes the general
/// path (`%h` is `%b`, `%R:%S` is `%H:%M:%S`).
static FAST: LazyLock<Vec<(TimeFormat, TimeFormat)>> = LazyLock::new(|| {
    [
        ("%d/%b/%Y", "%d/%h/%Y"),
        ("%H:%M:%S", "%R:%S"),
        ("%T", "%R:%S"),
        ("%d/%b/%Y:%H:%M:%S %z", "%d/%h/%Y:%R:%S %z"),
    ]
    .iter()
    .map(|(f, g)| {
        (
            TimeFormat::compile(f).unwrap(),
            TimeFormat::compile(g).unwrap(),
        )
    })
    .collect()
});

/// A first byte below 0x80: a format (up to a NUL) and an input, parsed whole and as a
/// prefix; no panic, a prefix within the input, a whole parse also a prefix parse of all of
/// it. Otherwise the rest is an input for the fast paths, which must read it exactly as the
/// general path reads it.
pub fn strftime(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode < 0x80 {
        let (fmt, input) = match rest.iter().position(|&b| b == 0) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &b"31/Dec/2018:23:59:60 +1300"[..]),
        };
        let Ok(format) = std::str::from_utf8(fmt).map(TimeFormat::compile) else {
            return;
        };
        let Ok(format) = format else { return };
        let mut prefix = Parts::default();
        if let Some(n) = format.parse_prefix(input, &mut prefix) {
            assert!(n <= input.len());
            let _ = prefix.resolve();
        }
        let mut whole = Parts::default();
        if format.parse_whole(input, &mut whole).is_some() {
            let mut again = Parts::default();
            assert_eq!(format.parse_prefix(input, &mut again), Some(input.len()));
            assert_eq!(again, whole);
            let _ = whole.resolve();
        }
        return;
    }
    for (fast, general) in FAST.iter() {
        let (mut a, mut b) = (Parts::default(), Parts::default());
        let what = || String::from_utf8_lossy(rest).into_owned();
        let read = fast.parse_whole(rest, &mut a);
        assert_eq!(read, general.parse_whole(rest, &mut b), "{}", what());
        assert_eq!(a, b, "{}", what());
    }
}
