//! Fuzz target: see `roadsub::fuzzing::ods_content`, which `cargo test` also replays over the corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| roadsub::fuzzing::ods_content(data));
