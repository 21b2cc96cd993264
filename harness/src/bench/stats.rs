//! Summaries of repeated timings: median with its spread (min, max), ratios between runtimes
//! and geometric means of ratios.

/// What a figure measures, and which way is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Metric {
    /// A benchmark's own score (CoreMark); higher is better.
    #[serde(rename = "score")]
    Score,
    /// Wall or CPU seconds; lower is better.
    #[serde(rename = "seconds")]
    Seconds,
    /// Megabytes (10^6 bytes) per second; higher is better.
    #[serde(rename = "MB/s")]
    MBps,
    /// Nanoseconds per operation; lower is better.
    #[serde(rename = "ns")]
    Nanos,
    /// Calls completed per second (over all threads); higher is better.
    #[serde(rename = "calls/s")]
    CallsPerSec,
    /// A ratio of two of the runtime's own times (e.g. memory64 over 32-bit memory); lower is
    /// better.
    #[serde(rename = "ratio")]
    Ratio,
}

impl Metric {
    /// Whether a larger figure is better.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Metric::Score | Metric::MBps | Metric::CallsPerSec)
    }
    /// The unit as written in the reports.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Score => "score",
            Metric::Seconds => "seconds",
            Metric::MBps => "MB/s",
            Metric::Nanos => "ns",
            Metric::CallsPerSec => "calls/s",
            Metric::Ratio => "x",
        }
    }
}

/// The median of a set of samples and its spread.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// The median (the mean of the two middle samples for an even count).
    pub median: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
    /// How many samples.
    pub runs: usize,
}

/// Summarises `samples`; `None` when there are none or one is not finite.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    if samples.is_empty() || samples.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let median = if n % 2 == 1 { s[n / 2] } else { (s[n / 2 - 1] + s[n / 2]) / 2.0 };
    Some(Summary { median, min: s[0], max: s[n - 1], runs: n })
}

/// How many times faster `ours` is than `peer` (> 1: ours is faster), whichever way the metric
/// points: `ours/peer` for scores and rates, `peer/ours` for times. `None` for a zero or
/// non-finite figure.
pub fn speedup(metric: Metric, ours: f64, peer: f64) -> Option<f64> {
    let r = if metric.higher_is_better() { ours / peer } else { peer / ours };
    (r.is_finite() && r > 0.0).then_some(r)
}

/// The geometric mean of positive ratios; `None` for an empty list.
pub fn geomean(ratios: &[f64]) -> Option<f64> {
    if ratios.is_empty() || ratios.iter().any(|r| !(r.is_finite() && *r > 0.0)) {
        return None;
    }
    Some((ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread() {
        let s = summarize(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.runs), (2.0, 1.0, 3.0, 3));
        assert_eq!(summarize(&[4.0, 1.0, 2.0, 3.0]).unwrap().median, 2.5);
        assert_eq!(summarize(&[]), None);
        assert_eq!(summarize(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn speedup_follows_the_metric() {
        assert_eq!(speedup(Metric::Score, 200.0, 100.0), Some(2.0));
        assert_eq!(speedup(Metric::Seconds, 2.0, 1.0), Some(0.5));
        assert_eq!(speedup(Metric::Nanos, 10.0, 20.0), Some(2.0));
        assert_eq!(speedup(Metric::MBps, 0.0, 1.0), None);
    }

    #[test]
    fn geomean_of_ratios() {
        assert!((geomean(&[2.0, 0.5]).unwrap() - 1.0).abs() < 1e-12);
        assert!((geomean(&[4.0, 1.0]).unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(geomean(&[]), None);
    }
}
