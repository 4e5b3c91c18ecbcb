//! Damaged archives: the WARC reader never panics, always ends, and never yields a body
//! longer than its limit; HTTP heads inside records parse or are refused.
#![no_main]
use libfuzzer_sys::fuzz_target;
use readout_store::warc::{WarcItem, WarcReader, charset_of, http_response};

fuzz_target!(|data: &[u8]| {
    let reader = WarcReader::new(Box::new(std::io::Cursor::new(data.to_vec())), 4096);
    let mut n = 0;
    for item in reader {
        n += 1;
        assert!(n <= data.len() + 1, "the reader must make progress");
        if let WarcItem::Record(r) = item {
            assert!(r.body.len() <= 4096);
            if let Some(h) = http_response(&r.body) {
                let _ = h.content_type.as_deref().map(charset_of);
            }
        }
    }
});
