//! Damaged gzip archives: the member-by-member reader never panics and always ends, and
//! its output, read as WARC, never yields a body over the limit.
#![no_main]
use libfuzzer_sys::fuzz_target;
use readout_store::gz::Members;
use readout_store::warc::{WarcItem, WarcReader};
use std::io::{BufReader, Read};

fuzz_target!(|data: &[u8]| {
    let raw = Box::new(BufReader::with_capacity(7, std::io::Cursor::new(data.to_vec())));
    let mut out = Vec::new();
    let _ = Members::new(raw).take(1 << 20).read_to_end(&mut out);
    let raw = Box::new(BufReader::new(std::io::Cursor::new(data.to_vec())));
    let members = BufReader::new(Members::new(raw));
    for item in WarcReader::new(Box::new(members), 4096).take(10_000) {
        if let WarcItem::Record(r) = item {
            assert!(r.body.len() <= 4096);
        }
    }
});
