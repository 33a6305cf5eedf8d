//! The world map of the dashboard and the sponsor page: one SVG path per country (Natural
//! Earth, converted by `build.rs`), shaded by requests, bytes or visitors on a log scale,
//! with the country's name and numbers as its hover title.

use super::fmt::{human_bytes, percent, thousands};
use crate::enrich::geo::countries;
use crate::report::Report;
use crate::report::geo::CountryRow;

mod world {
    include!(concat!(env!("OUT_DIR"), "/world.rs"));
}

/// Shading steps above "no traffic".
pub const STEPS: usize = 5;

/// Shapes the source has no ISO numeric code for, by name, and the code geo databases give
/// their addresses.
const UNNUMBERED: &[(&str, &str)] = &[("Kosovo", "XK"), ("N. Cyprus", "CY"), ("Somaliland", "SO")];

pub struct Shape {
    pub cc: String,
    pub d: String,
    /// Its shading class for each metric: `r0`..`r5 b0`..`b5 v0`..`v5`.
    pub class: String,
    pub title: String,
}

/// The legend of one metric: its CSS key, its name and the lower bound of each step.
pub struct Legend {
    pub key: char,
    pub name: &'static str,
    pub steps: Vec<String>,
}

pub struct WorldMap {
    pub width: i64,
    pub height: i64,
    pub shapes: Vec<Shape>,
    pub legends: Vec<Legend>,
    /// Countries with requests that have no shape (unknown, `EU`, tiny territories).
    pub unplaced: Vec<String>,
}

/// ISO 3166-1 alpha-2 code of a shape's key, if it is a country.
fn code(key: &str) -> Option<String> {
    if let Some(&(_, cc)) = UNNUMBERED.iter().find(|u| u.0 == key) {
        return Some(cc.to_string());
    }
    let country = keshvar::CountryIterator::new().find(|c| c.number() == key)?;
    Some(country.alpha2().to_string())
}

/// Shapes by country code, those of one country (Cyprus and N. Cyprus) joined.
fn shapes() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, d) in world::SHAPES {
        let Some(cc) = code(key) else { continue };
        match out.iter_mut().find(|s| s.0 == cc) {
            Some(s) => s.1.push_str(d),
            None => out.push((cc, d.to_string())),
        }
    }
    out
}

/// A log scale over the non-zero `values`: the step (1..=STEPS) of each, 0 for none, and
/// the lower bound of each step.
fn scale(values: &[u64]) -> (Vec<usize>, Vec<f64>) {
    let nonzero = values.iter().copied().filter(|&v| v > 0);
    let (lo, hi) = (
        nonzero.clone().min().unwrap_or(1),
        nonzero.max().unwrap_or(1),
    );
    let span = (hi as f64 / lo as f64).ln();
    let step = |v: u64| match v {
        0 => 0,
        _ if span == 0.0 => STEPS,
        _ => (1 + ((v as f64 / lo as f64).ln() / span * STEPS as f64) as usize).min(STEPS),
    };
    let bounds = (0..STEPS)
        .map(|k| lo as f64 * (span * k as f64 / STEPS as f64).exp())
        .collect();
    (values.iter().map(|&v| step(v)).collect(), bounds)
}

/// A metric the map can shade by: its CSS key, name, value of a country, and format.
type Metric = (
    char,
    &'static str,
    fn(&CountryRow) -> u64,
    fn(u64) -> String,
);

pub fn build(r: &Report) -> WorldMap {
    let s = &r.summary;
    let found = |cc: &str| r.geo.countries.iter().find(|c| c.code == cc);
    let shapes = shapes();
    let rows: Vec<Option<&CountryRow>> = shapes.iter().map(|(cc, _)| found(cc)).collect();
    let metrics: [Metric; 3] = [
        ('r', "Requests", |c| c.requests, thousands),
        ('b', "Data sent", |c| c.bytes, human_bytes),
        ('v', "Visitors", |c| c.visitors, thousands),
    ];
    let mut classes = vec![String::new(); shapes.len()];
    let mut legends = Vec::new();
    for (key, name, value, show) in metrics {
        let values: Vec<u64> = rows.iter().map(|c| c.map_or(0, value)).collect();
        let (steps, bounds) = scale(&values);
        for (class, step) in classes.iter_mut().zip(steps) {
            if !class.is_empty() {
                class.push(' ');
            }
            class.push_str(&format!("{key}{step}"));
        }
        legends.push(Legend {
            key,
            name,
            steps: bounds.into_iter().map(|b| show(b.ceil() as u64)).collect(),
        });
    }
    let shapes = (shapes.into_iter().zip(rows).zip(classes))
        .map(|(((cc, d), row), class)| {
            let title = match row {
                Some(c) => format!(
                    "{} ({cc}): {} requests ({}), {} visitors, {} sent",
                    c.name,
                    thousands(c.requests),
                    percent(c.requests, s.valid_requests),
                    thousands(c.visitors),
                    human_bytes(c.bytes)
                ),
                None => format!("{} ({cc}): no requests", countries::name(&cc)),
            };
            Shape {
                cc,
                d,
                class,
                title,
            }
        })
        .collect::<Vec<_>>();
    let unplaced = (r.geo.countries.iter())
        .filter(|c| c.requests > 0 && !shapes.iter().any(|s| s.cc == c.code))
        .map(|c| format!("{} {} ({})", c.code, c.name, thousands(c.requests)))
        .collect();
    WorldMap {
        width: world::WIDTH,
        height: world::HEIGHT,
        shapes,
        legends,
        unplaced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_a_shape_small_islands_too() {
        let s = shapes();
        assert!(s.len() >= 230, "{} shapes", s.len());
        for cc in [
            "NZ", "AU", "FJ", "VU", "SB", "TO", "WS", "SG", "HK", "MT", "XK", "US",
        ] {
            assert!(s.iter().any(|x| x.0 == cc), "{cc} has no shape");
        }
        assert!(!s.iter().any(|x| x.0 == "AQ"), "Antarctica is left out");
        let mut codes: Vec<&str> = s.iter().map(|x| x.0.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), s.len(), "one path per country");
        let bytes: usize = s.iter().map(|x| x.1.len()).sum();
        assert!(bytes < 60_000, "{bytes} bytes of paths");
    }

    #[test]
    fn shading_is_a_log_scale() {
        let (steps, bounds) = scale(&[0, 1, 5, 50, 500, 5_000, 100_000]);
        assert_eq!(steps, [0, 1, 1, 2, 3, 4, 5]);
        assert_eq!(bounds.len(), STEPS);
        assert!((bounds[0] - 1.0).abs() < 1e-9);
        assert!((bounds[1] - 10f64.powi(5).powf(0.2)).abs() < 1e-6);
        // One country: the darkest step.
        assert_eq!(scale(&[0, 7]).0, [0, STEPS]);
        assert_eq!(scale(&[0, 0]).0, [0, 0]);
    }
}
