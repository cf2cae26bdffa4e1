//! Fuzz target: see `roadsub::fuzzing::xlsx_sheet`, which `cargo test` also replays over the corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| roadsub::fuzzing::xlsx_sheet(data));
