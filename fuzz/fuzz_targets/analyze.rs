//! Any bytes through the whole analysis: decoding, HTML, segmentation, every fact family.
//! It must return a document or a decode error, never panic, and every fact's offsets
//! must slice its text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = readout_core::Options::new(chrono::NaiveDate::from_ymd_opt(2023, 12, 28).unwrap());
    if let Ok(doc) = readout_core::analyze_bytes(data, &opts) {
        for a in &doc.articles {
            let chars: Vec<char> = a.text.chars().collect();
            for f in &a.facts {
                let slice: String = chars[f.start..f.end].iter().collect();
                assert_eq!(slice, f.text);
            }
        }
    }
});
