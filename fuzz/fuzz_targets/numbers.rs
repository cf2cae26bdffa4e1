//! Fuzz target: see `roadsub::fuzzing::numbers`, which `cargo test` also replays over the corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| roadsub::fuzzing::numbers(data));
