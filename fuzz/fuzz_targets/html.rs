//! Malformed HTML: reducing it to text, or to its main content, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = readout_core::html::to_text(s);
        let _ = readout_core::html::title(s);
        let _ = readout_core::html::main_text(s);
    }
});
