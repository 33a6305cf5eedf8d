//! Operating systems and browsers, as GoAccess 1.7 (with Debian's `real-os true`) names
//! them, so that the `operating_systems` and `browsers` panels equal its `os` and
//! `browsers` item by item: GoAccess's own pattern tables (`tables.rs`, in its order, first
//! match wins) and its rules for cutting the name and version out of the agent, written
//! anew here. Each distinct agent is looked at once per run.
//!
//! Names and versions are GoAccess's: a browser is its family (`Firefox`, `Crawlers`,
//! `Others`, cut to 12 characters as GoAccess does) and the agent's token from the match
//! (`Firefox/118.0`, `APT-HTTP/1.3`); an OS is its family (`Windows`, `Linux`, `iOS`) and
//! its marketing name (`Windows 10`, `Debian`, `iPhone OS 16.6`). A crawler (by GoAccess's
//! table, or an agent with `; +http`-style contact markers) is in the `Crawlers` family of
//! both, which is what `--ignore-crawlers` leaves out.

mod tables;

use memchr::memmem;

/// A browser or an OS: GoAccess's family and item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Named {
    pub family: String,
    pub item: String,
}

/// The browser and OS of an agent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Detected {
    pub browser: Named,
    pub os: Named,
}

pub const CRAWLERS: &str = "Crawlers";
/// GoAccess keeps a browser family in 13 bytes, its last a NUL.
const FAMILY_LEN: usize = 12;

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memmem::find(hay, needle)
}

fn has(hay: &[u8], needle: &str) -> bool {
    find(hay, needle.as_bytes()).is_some()
}

/// Up to (not including) the first byte of `stops`.
fn cut_at<'s>(s: &'s [u8], stops: &[u8]) -> &'s [u8] {
    let end = s.iter().position(|b| stops.contains(b)).unwrap_or(s.len());
    &s[..end]
}

fn text(s: &[u8]) -> String {
    String::from_utf8_lossy(s).into_owned()
}

/// The browser and OS of a decoded user agent; `None` for an empty one (GoAccess files
/// no browser or OS for it; a literal `-` is `Unknown`).
pub fn detect(agent: &[u8]) -> Option<Detected> {
    if agent.is_empty() {
        return None;
    }
    let browser = browser(agent);
    let os = if browser.family == CRAWLERS {
        browser.clone()
    } else {
        os(agent)
    };
    Some(Detected { browser, os })
}

fn named(family: &str, item: impl Into<String>) -> Named {
    let family = match family.char_indices().nth(FAMILY_LEN) {
        Some((i, _)) => &family[..i],
        None => family,
    };
    Named {
        family: family.to_string(),
        item: item.into(),
    }
}

fn unknown() -> Named {
    named("Unknown", "Unknown")
}

fn browser(agent: &[u8]) -> Named {
    if let Some(token) = crawler_token(agent) {
        return named(CRAWLERS, text(token));
    }
    for (pattern, family) in tables::BROWSERS {
        if let Some(at) = find(agent, pattern.as_bytes()) {
            return named(family, browser_token(&agent[at..], pattern));
        }
    }
    unknown()
}

/// Agents that give a contact URL (`...; +http://...`) are crawlers, named by the token
/// before the marker.
fn crawler_token(agent: &[u8]) -> Option<&[u8]> {
    const MARKERS: [&[u8]; 5] = [b"; +http", b"; http", b" (+http", b" (http", b";++http"];
    let at = MARKERS.iter().find_map(|m| find(agent, m))?;
    if at == 0 {
        return None;
    }
    // Back to the space or `+` before the token, or the agent's start.
    let start = agent[..at]
        .iter()
        .rposition(|&b| b == b' ' || b == b'+')
        .filter(|&i| i > 0)
        .map_or(0, |i| i + 1);
    let token = cut_at(&agent[start..], b"; ");
    (!token.is_empty()).then_some(token)
}

/// The browser's token from where its pattern matched.
fn browser_token(rest: &[u8], pattern: &str) -> String {
    let mut m: Vec<u8> = rest
        .iter()
        .map(|&b| if b == b'+' { b'-' } else { b })
        .collect();
    // Where the name ends for a pattern of several words: past as many spaces.
    let mut from = Some(0);
    for _ in 0..pattern.bytes().filter(|&b| b == b' ').count() {
        from = from.and_then(|f| m[f..].iter().position(|&b| b == b' ').map(|i| f + i + 1));
    }
    if has(&m, "rv:11") && has(&m, "Trident/7.0") {
        return "MSIE/11.0".into();
    }
    if has(&m, "OPR")
        && let Some(slash) = memchr::memrchr(b'/', &m)
    {
        return format!("Opera{}", text(&m[slash..]));
    }
    if has(&m, "Opera")
        && let Some(slash) = memchr::memrchr(b'/', &m)
        && slash > 0
    {
        let tail = m[slash..].to_vec();
        m.truncate(5.min(m.len()));
        m.extend(tail);
    }
    if has(&m, "MSIE") {
        let m = cut_at(&m, b";)-");
        return text(m).replace(' ', "/");
    }
    let from = from.unwrap_or(0);
    if from < m.len()
        && let Some(i) = m[from..].iter().position(|b| b";) ".contains(b))
    {
        m.truncate(from + i);
    }
    text(&m)
}

fn os(agent: &[u8]) -> Named {
    let s: Vec<u8> = agent
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    for (pattern, family) in tables::OS {
        if let Some(at) = find(&s, pattern.as_bytes()) {
            return named(family, os_item(&s, at, pattern));
        }
    }
    unknown()
}

fn first_word(s: &[u8]) -> String {
    text(cut_at(s, b" "))
}

fn os_item(s: &[u8], at: usize, pattern: &str) -> String {
    let tkn = &s[at..];
    // The whole agent decides Windows, whatever matched (as in GoAccess).
    if has(s, "Windows") {
        return real_windows(tkn).unwrap_or(pattern).to_string();
    }
    if has(tkn, "Android") {
        return real_android(&text(cut_at(tkn, b";)(")));
    }
    if has(tkn, "CFNetwork") {
        return first_word(s);
    }
    if has(tkn, "iPad") || has(tkn, "iPod") {
        return ios(tkn, 4);
    }
    if has(tkn, "iPhone") {
        return ios(tkn, 6);
    }
    if has(tkn, "OS X") {
        return real_mac(&osx(tkn));
    }
    if has(tkn, "Darwin") {
        return first_word(s);
    }
    // From the match to `;`, `)`, `(` or the space after the pattern's words.
    let words = pattern.bytes().filter(|&b| b == b' ').count();
    text(until_stop(tkn, words))
}

/// `tkn` up to `;`, `)`, `(` or its space number `spaces + 1`.
fn until_stop(tkn: &[u8], spaces: usize) -> &[u8] {
    let mut seen = 0;
    let end = tkn
        .iter()
        .position(|&b| {
            seen += usize::from(b == b' ');
            b";)(".contains(&b) || seen > spaces
        })
        .unwrap_or(tkn.len());
    &tkn[..end]
}

fn real_windows(tkn: &[u8]) -> Option<&'static str> {
    const NAMES: [(&str, &str); 10] = [
        ("10.0", "Windows 10"),
        ("6.3", "Windows 8.1"),
        ("6.3; ARM", "Windows RT"),
        ("6.2; ARM", "Windows RT"),
        ("6.2", "Windows 8"),
        ("6.1", "Windows 7"),
        ("6.0", "Windows Vista"),
        ("5.2", "Windows XP x64"),
        ("5.1", "Windows XP"),
        ("5.0", "Windows 2000"),
    ];
    NAMES.iter().find(|(v, _)| has(tkn, v)).map(|(_, n)| *n)
}

fn real_android(droid: &str) -> String {
    const NAMES: [(&str, &str); 24] = [
        ("12", "Android 12"),
        ("11", "Android 11"),
        ("10", "Android 10"),
        ("9", "Pie 9"),
        ("8.1", "Oreo 8.1"),
        ("8.0", "Oreo 8.0"),
        ("7.1", "Nougat 7.1"),
        ("7.0", "Nougat 7.0"),
        ("6.0.1", "Marshmallow 6.0.1"),
        ("6.0", "Marshmallow 6.0"),
        ("5.1", "Lollipop 5.1"),
        ("5.0", "Lollipop 5.0"),
        ("4.4", "KitKat 4.4"),
        ("4.3", "Jelly Bean 4.3"),
        ("4.2", "Jelly Bean 4.2"),
        ("4.1", "Jelly Bean 4.1"),
        ("4.0", "Ice Cream Sandwich 4.0"),
        ("3.", "Honeycomb 3"),
        ("2.3", "Gingerbread 2.3"),
        ("2.2", "Froyo 2.2"),
        ("2.0", "Eclair 2"),
        ("2.1", "Eclair 2"),
        ("1.6", "Donut 1.6"),
        ("1.5", "Cupcake 1.5"),
    ];
    NAMES
        .iter()
        .find(|(v, _)| droid.contains(v))
        .map_or_else(|| droid.to_string(), |(_, n)| n.to_string())
}

/// `OS X 10_15_7` → `OS X 10.15.7`: to `;`, `)`, `(` or a fourth space.
fn osx(tkn: &[u8]) -> String {
    text(until_stop(tkn, 3)).replace('_', ".")
}

fn real_mac(osx: &str) -> String {
    const NAMES: [(&str, &str); 19] = [
        ("13.0", "macOS 12 Ventura"),
        ("12.0", "macOS 12 Monterey"),
        ("11.0", "macOS 11 Big Sur"),
        ("10.15", "macOS 10.15 Catalina"),
        ("10.14", "macOS 10.14 Mojave"),
        ("10.13", "macOS 10.13 High Sierra"),
        ("10.12", "macOS 10.12 Sierra"),
        ("10.11", "OS X 10.11 El Capitan"),
        ("10.10", "OS X 10.10 Yosemite"),
        ("10.9", "OS X 10.9 Mavericks"),
        ("10.8", "OS X 10.8 Mountain Lion"),
        ("10.7", "OS X 10.7 Lion"),
        ("10.6", "OS X 10.6 Snow Leopard"),
        ("10.5", "OS X 10.5 Leopard"),
        ("10.4", "OS X 10.4 Tiger"),
        ("10.3", "OS X 10.3 Panther"),
        ("10.2", "OS X 10.2 Jaguar"),
        ("10.1", "OS X 10.1 Puma"),
        ("10.0", "OS X 10.0 Cheetah"),
    ];
    NAMES
        .iter()
        .find(|(v, _)| osx.contains(v))
        .map_or_else(|| osx.to_string(), |(_, n)| n.to_string())
}

/// `iPhone; CPU iPhone OS 16_6 like Mac OS X` → `iPhone OS 16.6`: the device word, then
/// what GoAccess copies over it from ` OS ` to ` like Mac` (as many bytes as the device
/// word stood from ` OS `, so a long version may be cut there); `_` made `.`.
fn ios(tkn: &[u8], device: usize) -> String {
    let device_only = || text(&tkn[..device.min(tkn.len())]);
    let Some(os_at) = find(tkn, b" OS ").filter(|&p| p > 0) else {
        return device_only();
    };
    let Some(like) = find(&tkn[os_at..], b" like Mac").map(|q| os_at + q) else {
        return device_only();
    };
    // A C string: the agent's bytes, ended where ` like Mac` began.
    let mut buf = tkn.to_vec();
    buf.push(0);
    buf[like] = 0;
    let n = os_at.min(buf.len().saturating_sub(os_at));
    buf.copy_within(os_at..os_at + n, device);
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    text(&buf[..end]).replace('_', ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What GoAccess 1.7 (Debian's configuration) shows for each agent, run one by one.
    #[test]
    fn agents_as_goaccess_names_them() {
        let cases: &[(&str, &str, &str, &str, &str)] = &[
            (
                "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/118.0",
                "Firefox",
                "Firefox/118.0",
                "Linux",
                "Ubuntu",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36",
                "Chrome",
                "Chrome/117.0.0.0",
                "Windows",
                "Windows 10",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15",
                "Safari",
                "Safari/605.1.15",
                "Macintosh",
                "macOS 10.15 Catalina",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36 Edg/117.0.2045.47",
                "Edge",
                "Edg/117.0.2045.47",
                "Windows",
                "Windows 10",
            ),
            ("curl/7.88.1", "Others", "curl/7.88.1", "Unknown", "Unknown"),
            ("Wget/1.21.3", "Others", "Wget/1.21.3", "Unknown", "Unknown"),
            (
                "Debian APT-HTTP/1.3 (2.6.1)",
                "Others",
                "APT-HTTP/1.3",
                "Linux",
                "Debian",
            ),
            (
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                "Crawlers",
                "Googlebot/2.1",
                "Crawlers",
                "Googlebot/2.1",
            ),
            (
                "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
                "Crawlers",
                "bingbot/2.0",
                "Crawlers",
                "bingbot/2.0",
            ),
            ("-", "Unknown", "Unknown", "Unknown", "Unknown"),
            (
                "Mozilla/5.0 (Linux; Android 9; SM-G960F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Mobile Safari/537.36",
                "Chrome",
                "Chrome/117.0.0.0",
                "Android",
                "Pie 9",
            ),
            (
                "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Mobile Safari/537.36",
                "Chrome",
                "Chrome/117.0.0.0",
                "Android",
                "Android 13",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
                "Safari",
                "Safari/604.1",
                "iOS",
                "iPhone OS 16.6",
            ),
            (
                "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
                "Safari",
                "Safari/604.1",
                "iOS",
                "iPad OS 16.6",
            ),
            (
                "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko",
                "MSIE",
                "MSIE/11.0",
                "Windows",
                "Windows 7",
            ),
            (
                "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)",
                "MSIE",
                "MSIE/9.0",
                "Windows",
                "Windows 7",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36 OPR/102.0.0.0",
                "Opera",
                "Opera/102.0.0.0",
                "Windows",
                "Windows 10",
            ),
            (
                "Opera/9.80 (Windows NT 6.0) Presto/2.12.388 Version/12.14",
                "Opera",
                "Opera/12.14",
                "Windows",
                "Windows Vista",
            ),
            (
                "UptimeRobot/2.0; http://www.uptimerobot.com/",
                "Crawlers",
                "UptimeRobot/2.0",
                "Crawlers",
                "UptimeRobot/2.0",
            ),
            (
                "python-requests/2.28.1",
                "Others",
                "python-requests/2.28.1",
                "Unknown",
                "Unknown",
            ),
            (
                "Go-http-client/1.1",
                "Others",
                "Go-http-client/1.1",
                "Unknown",
                "Unknown",
            ),
            (
                "Java/11.0.2",
                "Crawlers",
                "Java/11.0.2",
                "Crawlers",
                "Java/11.0.2",
            ),
            (
                "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
                "Crawlers",
                "facebookexternalhit/1.1",
                "Crawlers",
                "facebookexternalhit/1.1",
            ),
            (
                "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
                "Crawlers",
                "YandexBot/3.0",
                "Crawlers",
                "YandexBot/3.0",
            ),
            (
                "Slack/248000 CFNetwork/808.0.2 Darwin/16.0.0",
                "Crawlers",
                "Slack/248000",
                "Crawlers",
                "Slack/248000",
            ),
            (
                "MobileSafari/604.1 CFNetwork/1220.1 Darwin/20.3.0",
                "Safari",
                "Safari/604.1",
                "iOS",
                "MobileSafari/604.1",
            ),
            (
                "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36",
                "Chrome",
                "Chrome/117.0.0.0",
                "Chrome OS",
                "CrOS",
            ),
            (
                "Mozilla/5.0 (X11; FreeBSD amd64; rv:109.0) Gecko/20100101 Firefox/115.0",
                "Firefox",
                "Firefox/115.0",
                "BSD",
                "FreeBSD",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 YaBrowser/23.9.0.0 Safari/537.36",
                "Yandex.Brows",
                "YaBrowser/23.9.0.0",
                "Windows",
                "Windows 10",
            ),
            (
                "Mozilla/5.0 (PlayStation 4 3.11) AppleWebKit/537.73 (KHTML, like Gecko)",
                "Game Systems",
                "PlayStation",
                "BSD",
                "PlayStation",
            ),
            (
                "Dalvik/2.1.0 (Linux; U; Android 11; SM-A515F Build/RP1A.200720.012)",
                "Others",
                "Dalvik/2.1.0",
                "Android",
                "Android 11",
            ),
            ("Mozilla/5.0", "Others", "Mozilla/5.0", "Unknown", "Unknown"),
            (
                "SomethingWeird/1.0",
                "Unknown",
                "Unknown",
                "Unknown",
                "Unknown",
            ),
            // The quirks: Chrome's version names Windows 7 "Windows 10"; Android 2.3.3 is
            // "Honeycomb 3"; macOS 13 is "macOS 12 Ventura".
            (
                "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Safari/537.36",
                "Chrome",
                "Chrome/110.0.0.0",
                "Windows",
                "Windows 10",
            ),
            (
                "Mozilla/5.0 (Linux; U; Android 2.3.3; en-us) AppleWebKit/533.1 (KHTML, like Gecko) Version/4.0 Mobile Safari/533.1",
                "Safari",
                "Safari/533.1",
                "Android",
                "Honeycomb 3",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 13_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Safari/605.1.15",
                "Safari",
                "Safari/605.1.15",
                "Macintosh",
                "macOS 12 Ventura",
            ),
        ];
        for (agent, bf, bi, of, oi) in cases {
            let d = detect(agent.as_bytes()).unwrap();
            assert_eq!(
                (
                    d.browser.family.as_str(),
                    d.browser.item.as_str(),
                    d.os.family.as_str(),
                    d.os.item.as_str()
                ),
                (*bf, *bi, *of, *oi),
                "{agent}"
            );
        }
        assert_eq!(detect(b""), None);
        let is_crawler = |a: &[u8]| detect(a).is_some_and(|d| d.browser.family == CRAWLERS);
        assert!(is_crawler(
            b"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        ));
        assert!(!is_crawler(b"curl/7.88.1"));
    }
}
