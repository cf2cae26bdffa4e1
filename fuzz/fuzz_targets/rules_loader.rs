//! Fuzz target: see `roadsub::fuzzing::rules_loader`, which `cargo test` also replays over the corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| roadsub::fuzzing::rules_loader(data));
