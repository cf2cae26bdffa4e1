//! Batch throughput: generates N segment rows (mixed classes and widths, about 64 bytes a row),
//! runs the release binary over them and reports rows/s, MB/s and peak resident memory.
//!
//! `cargo bench --bench batch` (1,000,000 rows), or `ROADSUB_BENCH_ROWS=200000 cargo bench`.
//! The best of three runs is reported: these machines are shared and noisy. The input is
//! synced to disk before the runs, and each run writes a new output file. Then the same table
//! under a budget that binds (the group road envelope prorated: the input is read twice); its
//! peak RSS is the largest of every run so far.

use std::io::{BufWriter, Write};
use std::process::Command;
use std::time::Instant;

fn generate(path: &std::path::Path, rows: u64) -> u64 {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("create bench input"));
    writeln!(
        out,
        "id,township,village,name,class,width_m,length_km,cost,households"
    )
    .unwrap();
    let classes = ["village", "group", "通村", "社道"];
    let widths = ["3.5", "4.5", "4.0", "3.0", "6.0"];
    // A small linear congruential generator: the same rows on every machine.
    let mut x: u64 = 0x2018_0515;
    let mut next = || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x >> 33
    };
    for i in 0..rows {
        let r = next();
        writeln!(
            out,
            "AY-{i:07},镇{:02},村{:03},{}组道路,{},{},{}.{:03},{}00,{}",
            r % 40,
            r % 997,
            1 + r % 12,
            classes[(r % 4) as usize],
            widths[(r / 4 % 5) as usize],
            r % 6,
            1 + r % 999,
            1000 + r % 50_000,
            1 + r % 300
        )
        .unwrap();
    }
    out.flush().unwrap();
    // On disk before timing starts: the kernel writing the input back is not roadsub's work.
    out.get_ref().sync_all().unwrap();
    std::fs::metadata(path).unwrap().len()
}

/// Peak resident memory of the largest child so far, in KiB.
fn children_max_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_CHILDREN is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss
}

/// The best of three runs of `roadsub batch INPUT -o OUTPUT EXTRA…`, in seconds.
fn best_of_three(input: &std::path::Path, output: &std::path::Path, extra: &[&str]) -> f64 {
    let exe = env!("CARGO_BIN_EXE_roadsub");
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        // Each run writes a new file, as a first run does: replacing the last run's output
        // would add the file system's freeing of 200 MB to the time.
        if output.exists() {
            std::fs::remove_file(output).unwrap();
            Command::new("sync").status().ok();
        }
        let start = Instant::now();
        let status = Command::new(exe)
            .args([
                "batch",
                input.to_str().unwrap(),
                "-o",
                output.to_str().unwrap(),
            ])
            .args(extra)
            .env("LANG", "C")
            .stderr(std::process::Stdio::null())
            .status()
            .expect("run roadsub");
        let secs = start.elapsed().as_secs_f64();
        assert!(status.success(), "roadsub batch failed");
        best = best.min(secs);
    }
    best
}

fn main() {
    let rows: u64 = std::env::var("ROADSUB_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("segments.csv");
    let output = dir.path().join("results.csv");
    let bytes = generate(&input, rows);
    let best = best_of_three(&input, &output, &[]);
    let mb = bytes as f64 / 1e6;
    println!(
        "batch: {rows} rows, {mb:.1} MB ({:.0} bytes/row) in {best:.3} s — {:.0} rows/s, {:.1} MB/s, peak RSS {:.1} MiB",
        bytes as f64 / rows as f64,
        rows as f64 / best,
        mb / best,
        children_max_rss_kib() as f64 / 1024.0
    );
    // The same table under a budget that binds: the group road envelope (690万) prorated, so
    // the input is read twice and every group road is cut.
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml"),
    )
    .expect("read rules.toml");
    let prorated = shipped.replace(
        "amount = \"690万\"",
        "amount = \"690万\"\non_overrun = \"prorate\"",
    );
    assert_ne!(
        prorated, shipped,
        "the group road envelope is in rules.toml"
    );
    let rules = dir.path().join("prorate.toml");
    std::fs::write(&rules, prorated).unwrap();
    let allocating = best_of_three(&input, &output, &["--rules", rules.to_str().unwrap()]);
    println!(
        "batch with a prorated budget: {rows} rows in {allocating:.3} s ({:.2}× the run without), peak RSS {:.1} MiB",
        allocating / best,
        children_max_rss_kib() as f64 / 1024.0
    );
}
