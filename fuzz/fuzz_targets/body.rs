#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lore_digest_fuzz::body(data));
