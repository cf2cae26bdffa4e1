//! Fuzz target: see `roadsub::fuzzing::xls_book`, which `cargo test` also replays over the corpus.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| roadsub::fuzzing::xls_book(data));
