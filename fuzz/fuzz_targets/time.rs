//! The time rules on any text and any publication date: never panic; spans are in range.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: (u16, &[u8])| {
    let (days, bytes) = data;
    if let Ok(s) = std::str::from_utf8(bytes) {
        let p = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(days as i64 * 3);
        for (span, _) in readout_core::time::extract(s, readout_core::Span::new(0, s.len()), p) {
            assert!(span.end <= s.len() && s.is_char_boundary(span.start) && s.is_char_boundary(span.end));
        }
    }
});
