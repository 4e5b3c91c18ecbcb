//! The numeral reader on any characters: never panics, never reads past its input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let cs: Vec<char> = s.chars().collect();
        for i in 0..cs.len().min(64) {
            if let Some(n) = readout_core::quantity::numeral::read(&cs[i..]) {
                assert!(n.len <= cs.len() - i);
            }
        }
    }
});
