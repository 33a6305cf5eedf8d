//! Turns Natural Earth's countries (world-atlas TopoJSON, `data/world/`) into the compact SVG
//! paths of the dashboard's world map, so that the page needs no request and the binary no
//! JSON at run time (see `data/world/README.md`), and hashes the pages' inline style and
//! script for their Content-Security-Policy.

use std::fmt::Write as _;
use std::path::Path;

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

const SOURCE: &str = "data/world/countries-50m.json";
/// Map width in SVG units: 2 units per pixel of a 1000 px map.
const WIDTH: f64 = 2000.0;
/// Douglas–Peucker tolerance, in units: half a pixel of a 1000 px map.
const TOLERANCE: f64 = 1.0;
/// ISO 3166-1 numeric code of Antarctica, left out.
const ANTARCTICA: &str = "010";

/// Equal Earth projection (Šavrič, Patterson, Jenny 2018) of degrees, in radians of the
/// unit sphere: an equal-area map whose shapes read well at world scale.
fn equal_earth(lon: f64, lat: f64) -> (f64, f64) {
    const A: [f64; 4] = [1.340264, -0.081106, 0.000893, 0.003796];
    let m = 3f64.sqrt() / 2.0;
    let theta = (m * lat.to_radians().sin()).asin();
    let t2 = theta * theta;
    let t6 = t2 * t2 * t2;
    let x = lon.to_radians() * theta.cos()
        / (m * (A[0] + 3.0 * A[1] * t2 + t6 * (7.0 * A[2] + 9.0 * A[3] * t2)));
    let y = theta * (A[0] + A[1] * t2 + t6 * (A[2] + A[3] * t2));
    (x, y)
}

fn distance_to_line(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy);
    if len == 0.0 {
        return (p.0 - a.0).hypot(p.1 - a.1);
    }
    (dy * (p.0 - a.0) - dx * (p.1 - a.1)).abs() / len
}

/// Douglas–Peucker: the points of `pts` that keep the line within `TOLERANCE`.
fn simplify(pts: &[(f64, f64)], keep: &mut Vec<(f64, f64)>) {
    let (Some(&a), Some(&b)) = (pts.first(), pts.last()) else {
        return;
    };
    let far = (1..pts.len().saturating_sub(1))
        .map(|i| (i, distance_to_line(pts[i], a, b)))
        .max_by(|x, y| x.1.total_cmp(&y.1));
    match far {
        Some((i, d)) if d > TOLERANCE => {
            simplify(&pts[..=i], keep);
            keep.pop();
            simplify(&pts[i..], keep);
        }
        _ => {
            keep.push(a);
            if pts.len() > 1 {
                keep.push(b);
            }
        }
    }
}

fn number(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

/// A relative SVG path of integer rings (`M x y l dx dy ... z`), with no separator where
/// a minus sign does the job.
fn path(rings: &[Vec<(i64, i64)>], out: &mut String) {
    for ring in rings {
        let (x, y) = ring[0];
        write!(out, "M{x} {y}l").unwrap();
        for (i, w) in ring.windows(2).enumerate() {
            for (j, d) in [w[1].0 - w[0].0, w[1].1 - w[0].1].into_iter().enumerate() {
                if (i > 0 || j > 0) && d >= 0 {
                    out.push(' ');
                }
                write!(out, "{d}").unwrap();
            }
        }
        out.push('z');
    }
}

/// The pages' inline style and script, and the constants their CSP hashes go in.
const ASSETS: &[(&str, &str)] = &[
    ("templates/figures.css", "FIGURES_CSS"),
    ("templates/dashboard.css", "DASHBOARD_CSS"),
    ("templates/dashboard.js", "DASHBOARD_JS"),
    ("templates/live.js", "LIVE_JS"),
    ("templates/sponsor.css", "SPONSOR_CSS"),
];

/// `sha256-...` of each asset, as a Content-Security-Policy names an inline style or script.
fn hashes(out_dir: &Path) {
    let mut out = String::new();
    for (path, name) in ASSETS {
        println!("cargo::rerun-if-changed={path}");
        let text = std::fs::read(path).expect(path);
        let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&text));
        writeln!(out, "pub const {name}: &str = \"sha256-{digest}\";").unwrap();
    }
    std::fs::write(out_dir.join("assets.rs"), out).expect("assets.rs");
}

fn main() {
    println!("cargo::rerun-if-changed={SOURCE}");
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    hashes(&out_dir);
    let topo: Value = serde_json::from_slice(&std::fs::read(SOURCE).expect(SOURCE)).expect(SOURCE);
    let t = &topo["transform"];
    let (sx, sy) = (number(&t["scale"][0]), number(&t["scale"][1]));
    let (tx, ty) = (number(&t["translate"][0]), number(&t["translate"][1]));
    let (x_max, _) = equal_earth(180.0, 0.0);
    let (_, y_max) = equal_earth(0.0, 90.0);
    let k = WIDTH / (2.0 * x_max);

    // Arcs are delta-encoded in quantised degrees.
    let arcs: Vec<Vec<(f64, f64)>> = topo["arcs"]
        .as_array()
        .expect("arcs")
        .iter()
        .map(|arc| {
            let (mut qx, mut qy) = (0.0, 0.0);
            (arc.as_array().expect("an arc").iter())
                .map(|d| {
                    qx += number(&d[0]);
                    qy += number(&d[1]);
                    (qx * sx + tx, qy * sy + ty)
                })
                .collect()
        })
        .collect();
    // A ring in degrees, as the map draws it: rings that cross the antimeridian (Russia,
    // Fiji) are unwrapped so that they do not cross the whole map, and drawn on the side
    // where most of them lies (the rest is clipped by the map's edge).
    let project = |ring: Vec<(f64, f64)>| -> Vec<(i64, i64)> {
        let mut unwrapped: Vec<(f64, f64)> = Vec::with_capacity(ring.len());
        for (lon, lat) in ring {
            let lon = match unwrapped.last() {
                Some(&(prev, _)) => lon + 360.0 * ((prev - lon) / 360.0).round(),
                None => lon,
            };
            unwrapped.push((lon, lat));
        }
        let mean = unwrapped.iter().map(|p| p.0).sum::<f64>() / unwrapped.len().max(1) as f64;
        let shift = -360.0 * (mean / 360.0).round();
        let pts: Vec<(f64, f64)> = unwrapped
            .into_iter()
            .map(|(lon, lat)| {
                let (x, y) = equal_earth(lon + shift, lat);
                ((x + x_max) * k, (y_max - y) * k)
            })
            .collect();
        let mut keep = Vec::new();
        simplify(&pts, &mut keep);
        let mut snapped: Vec<(i64, i64)> = keep
            .into_iter()
            .map(|(x, y)| (x.round() as i64, y.round() as i64))
            .collect();
        snapped.dedup();
        snapped
    };

    let mut shapes = Vec::new();
    let (mut top, mut bottom) = (i64::MAX, i64::MIN);
    for g in topo["objects"]["countries"]["geometries"]
        .as_array()
        .expect("geometries")
    {
        // Shapes without a code (Kosovo, Somaliland, N. Cyprus...) are keyed by name.
        let key = match (g["id"].as_str(), g["properties"]["name"].as_str()) {
            (Some(ANTARCTICA), _) => continue,
            (Some(id), _) => id.to_string(),
            (None, Some(name)) => name.to_string(),
            (None, None) => continue,
        };
        let polygons: Vec<&Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["arcs"]],
            Some("MultiPolygon") => g["arcs"].as_array().expect("polygons").iter().collect(),
            _ => continue,
        };
        let (mut rings, mut all) = (Vec::new(), Vec::new());
        for ring in polygons.iter().flat_map(|p| p.as_array().expect("rings")) {
            let mut raw: Vec<(f64, f64)> = Vec::new();
            for i in ring.as_array().expect("a ring") {
                // Arcs join end to start: each after the first adds all but its first point.
                let (i, skip) = (
                    i.as_i64().expect("an arc index"),
                    usize::from(!raw.is_empty()),
                );
                match i {
                    0.. => raw.extend(arcs[i as usize].iter().skip(skip)),
                    _ => raw.extend(arcs[!i as usize].iter().rev().skip(skip)),
                }
            }
            let pts = project(raw);
            all.extend(pts.iter().copied());
            if pts.len() > 3 {
                rings.push(pts);
            }
        }
        if all.is_empty() {
            continue;
        }
        if rings.is_empty() {
            // Too small for the grid: a small square where it is.
            let n = all.len() as i64;
            let (x, y) = all.iter().fold((0, 0), |s, p| (s.0 + p.0, s.1 + p.1));
            let (x, y) = (x / n, y / n);
            rings.push(vec![
                (x - 3, y - 3),
                (x + 3, y - 3),
                (x + 3, y + 3),
                (x - 3, y + 3),
            ]);
        }
        for p in rings.iter().flatten() {
            top = top.min(p.1);
            bottom = bottom.max(p.1);
        }
        shapes.push((key, rings));
    }

    // Shift up by the empty band left by Antarctica's absence.
    let mut out = String::new();
    writeln!(out, "/// Map size in SVG units.").unwrap();
    writeln!(out, "pub const WIDTH: i64 = {};", WIDTH as i64).unwrap();
    writeln!(out, "pub const HEIGHT: i64 = {};", bottom - top + 1).unwrap();
    writeln!(
        out,
        "/// Countries by ISO 3166-1 numeric code (or name, for shapes without one), with their paths."
    )
    .unwrap();
    writeln!(out, "pub const SHAPES: &[(&str, &str)] = &[").unwrap();
    for (key, mut rings) in shapes {
        for p in rings.iter_mut().flatten() {
            p.1 -= top;
        }
        let mut d = String::new();
        path(&rings, &mut d);
        writeln!(out, "    ({key:?}, {d:?}),").unwrap();
    }
    writeln!(out, "];").unwrap();
    std::fs::write(out_dir.join("world.rs"), out).expect("world.rs");
}
