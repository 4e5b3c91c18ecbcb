//! Gzip archives written as one member per record (as crawlers write WARC files), read so
//! that a damaged member costs only its own records: the decoder restarts at the next
//! member's magic bytes instead of ending the archive.

use flate2::bufread::GzDecoder;
use std::io::{self, BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The compressed stream.
pub type Raw = Box<dyn BufRead + Send>;

/// Decompresses the members of a gzip stream one after another; a member that fails to
/// decode is counted in [`Members::damaged`] and skipped up to the next member header.
pub struct Members {
    decoder: Option<GzDecoder<Raw>>,
    /// The current member has given no bytes yet.
    fresh: bool,
    raw: Option<Raw>,
    damaged: Arc<AtomicU64>,
}

/// The gzip member header's first three bytes: magic and the deflate method.
const MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

impl Members {
    pub fn new(r: Raw) -> Self {
        Members {
            decoder: None,
            fresh: false,
            raw: Some(r),
            damaged: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The count of damaged members so far, shared with whoever reports it.
    pub fn damaged(&self) -> Arc<AtomicU64> {
        self.damaged.clone()
    }
}

/// Consumes `r` up to the next member header; None at the end of the stream. With `step`,
/// at least one byte goes first, so a header that failed where it stands is not read again
/// (without it, a member whose checksum failed at its very end leaves the next header be).
/// A header split between two buffers is put back in front of the stream.
fn skip_to_member(mut r: Raw, step: bool) -> io::Result<Option<Raw>> {
    if r.fill_buf()?.is_empty() {
        return Ok(None);
    }
    if step {
        r.consume(1);
    }
    let mut matched = 0usize;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        let mut i = 0;
        while i < buf.len() {
            if buf[i] == MAGIC[matched] {
                matched += 1;
                i += 1;
                if matched == MAGIC.len() {
                    let here = MAGIC.len().min(i);
                    r.consume(i - here);
                    if here == MAGIC.len() {
                        return Ok(Some(r));
                    }
                    let before = MAGIC[..MAGIC.len() - here].to_vec();
                    return Ok(Some(Box::new(io::Cursor::new(before).chain(r))));
                }
            } else if matched > 0 {
                // the magic does not overlap itself: look at this byte afresh
                matched = 0;
            } else {
                i += 1;
            }
        }
        let n = buf.len();
        r.consume(n);
    }
}

impl Read for Members {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(d) = self.decoder.as_mut() {
                match d.read(buf) {
                    Ok(0) => self.raw = self.decoder.take().map(GzDecoder::into_inner),
                    Ok(n) => {
                        self.fresh = false;
                        return Ok(n);
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let r = self
                            .decoder
                            .take()
                            .map(GzDecoder::into_inner)
                            .expect("decoder");
                        self.raw = skip_to_member(r, self.fresh)?;
                        // a cut at the very end is the archive's truncation, which the record
                        // reader reports; damage with more members after it is counted here
                        if self.raw.is_some() || e.kind() != io::ErrorKind::UnexpectedEof {
                            self.damaged.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            } else {
                let Some(mut r) = self.raw.take() else {
                    return Ok(0);
                };
                let head = r.fill_buf()?;
                if head.is_empty() {
                    return Ok(0);
                }
                // junk where a member should start: skipped here, before the decoder takes
                // bytes of the next member's header into its own
                if !head.starts_with(&MAGIC[..head.len().min(MAGIC.len())]) {
                    self.damaged.fetch_add(1, Ordering::Relaxed);
                    self.raw = skip_to_member(r, true)?;
                    continue;
                }
                self.decoder = Some(GzDecoder::new(r));
                self.fresh = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn member(s: &str) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(s.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    fn read_all(bytes: &[u8], buf_size: usize) -> (String, u64) {
        let mut m = Members::new(Box::new(io::BufReader::with_capacity(
            buf_size,
            bytes.to_vec().leak() as &[u8],
        )));
        let damaged = m.damaged();
        let mut out = Vec::new();
        m.read_to_end(&mut out).unwrap();
        (
            String::from_utf8_lossy(&out).into_owned(),
            damaged.load(Ordering::Relaxed),
        )
    }

    #[test]
    fn whole_members_read_in_order() {
        let gz: Vec<u8> = ["one\n", "two\n", "three\n"]
            .iter()
            .flat_map(|s| member(s))
            .collect();
        for size in [1, 3, 7, 64, 1 << 16] {
            assert_eq!(read_all(&gz, size), ("one\ntwo\nthree\n".into(), 0));
        }
    }

    #[test]
    fn a_damaged_member_costs_only_itself() {
        let long = "中山市拆除整理低效工业用地。".repeat(50);
        let (a, mut b, c) = (member("first\n"), member(&long), member("last\n"));
        let mid = b.len() / 2;
        for x in &mut b[mid..mid + 8] {
            *x ^= 0x5a;
        }
        let gz: Vec<u8> = [a.clone(), b, c.clone()].concat();
        for size in [1, 5, 64, 1 << 16] {
            let (text, damaged) = read_all(&gz, size);
            assert!(
                text.starts_with("first\n") && text.ends_with("last\n"),
                "{size}: {text:?}"
            );
            assert_eq!(damaged, 1, "{size}");
        }
        // damage caught only by the checksum at the member's end: the next member stays
        let mut crc = member(&long);
        let n = crc.len();
        crc[n - 6] ^= 0xff;
        let gz: Vec<u8> = [a.clone(), crc, c.clone()].concat();
        let (text, damaged) = read_all(&gz, 64);
        assert!(
            text.starts_with("first\n") && text.ends_with("last\n"),
            "{text:?}"
        );
        assert_eq!(damaged, 1);
        // junk between members
        let gz: Vec<u8> = [a.clone(), b"\0\0junk\x1f\x8b".to_vec(), c.clone()].concat();
        let (text, damaged) = read_all(&gz, 64);
        assert_eq!(text, "first\nlast\n");
        assert_eq!(damaged, 1);
        // a cut last member is a truncation, not damage
        let cut = [a.clone(), c[..c.len() / 2].to_vec()].concat();
        let (text, damaged) = read_all(&cut, 64);
        assert!(text.starts_with("first\n"));
        assert_eq!(damaged, 0);
    }

    #[test]
    fn garbage_never_loops_or_panics() {
        for junk in [
            &b""[..],
            b"\x1f",
            b"\x1f\x8b",
            b"\x1f\x8b\x08",
            b"\x1f\x8b\x08\0\0\0\0\0\0\0garbage",
            b"not gzip at all",
        ] {
            let _ = read_all(junk, 1);
            let _ = read_all(junk, 64);
        }
    }
}
