//! A streaming WARC reader (WARC/1.0 and 1.1; `.warc`, `.warc.gz` with one gzip member per
//! record or one for the whole file, WET conversion records). Memory per record is bounded:
//! header lines are capped and bodies larger than the limit are skipped without being held.
//!
//! Why not the `warc` crate: it reads header lines without a bound and, after a record whose
//! Content-Length is wrong, continues from wherever the bad read stopped, so the records
//! after a damaged one are lost. This reader resynchronises on the next `WARC/1.` line and
//! reports every damaged record with a reason.

use std::io::{self, BufRead, Read};

/// Longest header line kept; longer ones make the record bad.
const MAX_LINE: usize = 64 * 1024;

/// One record as read.
#[derive(Debug, Clone)]
pub struct WarcRecord {
    /// WARC-Type: response, request, conversion, resource, metadata, warcinfo …
    pub kind: String,
    pub target_uri: Option<String>,
    pub date: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What the reader yields: a record, or a reason why the bytes at this point were not one.
#[derive(Debug)]
pub enum WarcItem {
    Record(WarcRecord),
    /// `reason` is a short code (`bad_length`, `truncated`, `too_large`, `junk`,
    /// `bad_header`), `detail` one line for the log.
    Bad {
        reason: &'static str,
        detail: String,
    },
}

pub struct WarcReader {
    r: Box<dyn BufRead + Send>,
    max_body: usize,
    /// A `WARC/` line found while resynchronising, to be taken as the next version line.
    pending_version: Option<String>,
    done: bool,
    /// Bytes consumed from the (decompressed) stream.
    pub offset: u64,
}

enum Line {
    Eof,
    Text(Vec<u8>),
    TooLong,
}

impl WarcReader {
    /// `max_body`: bodies longer than this are skipped as `too_large`.
    pub fn new(r: Box<dyn BufRead + Send>, max_body: usize) -> WarcReader {
        WarcReader {
            r,
            max_body,
            pending_version: None,
            done: false,
            offset: 0,
        }
    }

    /// Reads one line (with its end) of at most [`MAX_LINE`] bytes; longer lines are
    /// consumed and reported as `TooLong`.
    fn line(&mut self) -> io::Result<Line> {
        let mut out = Vec::new();
        let mut too_long = false;
        loop {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                return Ok(if too_long {
                    Line::TooLong
                } else if out.is_empty() {
                    Line::Eof
                } else {
                    Line::Text(out)
                });
            }
            let (take, end) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if !too_long {
                if out.len() + take > MAX_LINE {
                    too_long = true;
                    out.clear();
                } else {
                    out.extend_from_slice(&buf[..take]);
                }
            }
            self.r.consume(take);
            self.offset += take as u64;
            if end {
                return Ok(if too_long {
                    Line::TooLong
                } else {
                    Line::Text(out)
                });
            }
        }
    }

    fn fail(&mut self, e: io::Error) -> Option<WarcItem> {
        self.done = true;
        let reason = if e.kind() == io::ErrorKind::UnexpectedEof {
            "truncated"
        } else {
            "read_error"
        };
        Some(WarcItem::Bad {
            reason,
            detail: format!("at byte {}: {e}", self.offset),
        })
    }

    /// Puts bytes back in front of the stream.
    fn unread(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        self.offset = self.offset.saturating_sub(bytes.len() as u64);
        let old = std::mem::replace(&mut self.r, Box::new(io::empty()));
        self.r = Box::new(io::BufReader::new(io::Cursor::new(bytes).chain(old)));
    }

    /// Skips forward to the next line that starts a record; returns it, or None at the end.
    fn resync(&mut self) -> io::Result<Option<String>> {
        loop {
            match self.line()? {
                Line::Eof => return Ok(None),
                Line::TooLong => continue,
                Line::Text(l) => {
                    if l.starts_with(b"WARC/1.") {
                        return Ok(Some(String::from_utf8_lossy(&l).trim_end().to_string()));
                    }
                }
            }
        }
    }
}

fn parse_headers(lines: &[Vec<u8>]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter_map(|l| {
            let l = String::from_utf8_lossy(l);
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect()
}

impl Iterator for WarcReader {
    type Item = WarcItem;

    fn next(&mut self) -> Option<WarcItem> {
        if self.done {
            return None;
        }
        // the version line, skipping blank lines; anything else before it is junk
        // the version line itself (WARC/1.0, WARC/1.1) says nothing the reader needs
        match self.pending_version.take() {
            Some(_) => {}
            None => loop {
                match self.line() {
                    Err(e) => return self.fail(e),
                    Ok(Line::Eof) => {
                        self.done = true;
                        return None;
                    }
                    Ok(Line::Text(l)) if l.iter().all(|b| b.is_ascii_whitespace()) => continue,
                    Ok(Line::Text(l)) if l.starts_with(b"WARC/") => {
                        break;
                    }
                    Ok(_) => {
                        let at = self.offset;
                        match self.resync() {
                            Err(e) => return self.fail(e),
                            Ok(v) => {
                                self.pending_version = v;
                                if self.pending_version.is_none() {
                                    self.done = true;
                                }
                                return Some(WarcItem::Bad {
                                    reason: "junk",
                                    detail: format!(
                                        "bytes that are not a WARC record near byte {at}"
                                    ),
                                });
                            }
                        }
                    }
                }
            },
        };
        let mut lines = Vec::new();
        loop {
            match self.line() {
                Err(e) => return self.fail(e),
                Ok(Line::Eof) => {
                    self.done = true;
                    return Some(WarcItem::Bad {
                        reason: "truncated",
                        detail: "the archive ends inside a record header".into(),
                    });
                }
                Ok(Line::TooLong) => {
                    self.pending_version = self.resync().ok().flatten();
                    return Some(WarcItem::Bad {
                        reason: "bad_header",
                        detail: format!("a header line over {MAX_LINE} bytes"),
                    });
                }
                Ok(Line::Text(l)) => {
                    if l == b"\r\n" || l == b"\n" {
                        break;
                    }
                    lines.push(l);
                }
            }
        }
        let headers = parse_headers(&lines);
        let get = |k: &str| {
            headers
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone())
        };
        let Some(len) = get("content-length").and_then(|v| v.parse::<u64>().ok()) else {
            self.pending_version = self.resync().ok().flatten();
            return Some(WarcItem::Bad {
                reason: "bad_header",
                detail: "a record without a valid Content-Length".into(),
            });
        };
        let uri = get("warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_string());
        if len as usize > self.max_body {
            // skip the body without holding it
            match io::copy(&mut (&mut self.r).take(len), &mut io::sink()) {
                Ok(n) if n == len => self.offset += n,
                Ok(_) => {
                    self.done = true;
                    return Some(WarcItem::Bad {
                        reason: "truncated",
                        detail: "the archive ends inside a record body".into(),
                    });
                }
                Err(e) => return self.fail(e),
            }
            return Some(WarcItem::Bad {
                reason: "too_large",
                detail: format!(
                    "{} bytes, over the limit of {} ({})",
                    len,
                    self.max_body,
                    uri.as_deref().unwrap_or("-")
                ),
            });
        }
        let mut body = Vec::new();
        match (&mut self.r).take(len).read_to_end(&mut body) {
            Ok(n) if n as u64 == len => self.offset += len,
            Ok(_) => {
                self.done = true;
                return Some(WarcItem::Bad {
                    reason: "truncated",
                    detail: format!(
                        "the archive ends inside the body of {}",
                        uri.as_deref().unwrap_or("a record")
                    ),
                });
            }
            Err(e) => return self.fail(e),
        }
        // the record ends with CRLF CRLF; anything else means Content-Length was wrong.
        // Read byte by byte: a buffer may hold fewer than four bytes at its end.
        let mut tail = Vec::with_capacity(4);
        while tail.len() < 4 {
            let b = match self.r.fill_buf() {
                Ok([]) => break,
                Ok(buf) => buf[0],
                Err(e) => return self.fail(e),
            };
            tail.push(b);
            self.r.consume(1);
            self.offset += 1;
            if !b"\r\n\r\n".starts_with(&tail) && !b"\n\n".starts_with(&tail) {
                break;
            }
        }
        let ok = if tail.starts_with(b"\r\n\r\n") || tail.is_empty() || tail == b"\r\n" {
            true
        } else if tail.starts_with(b"\n\n") {
            self.unread(tail[2..].to_vec());
            true
        } else {
            false
        };
        if !ok {
            // too long a length: the next record may begin inside what we read
            let found = body
                .windows(9)
                .position(|w| w == b"\r\n\r\nWARC/" || (w[..2] == *b"\n\n" && &w[2..7] == b"WARC/"))
                .map(|i| if body[i] == b'\r' { i + 4 } else { i + 2 });
            if let Some(i) = found {
                let mut rest = body.split_off(i);
                rest.extend_from_slice(&tail);
                self.unread(rest);
            } else {
                // too short a length: resynchronise on the next record
                self.unread(tail);
                match self.resync() {
                    Ok(v) => self.pending_version = v,
                    Err(e) => return self.fail(e),
                }
                if self.pending_version.is_none() {
                    self.done = true;
                }
            }
            return Some(WarcItem::Bad {
                reason: "bad_length",
                detail: format!(
                    "Content-Length {} does not end the record {}",
                    len,
                    uri.as_deref().unwrap_or("")
                ),
            });
        }
        Some(WarcItem::Record(WarcRecord {
            kind: get("warc-type").unwrap_or_default().to_ascii_lowercase(),
            target_uri: uri,
            date: get("warc-date"),
            content_type: get("content-type"),
            body,
        }))
    }
}

/// An HTTP response as a WARC response record carries it.
pub struct HttpResponse<'a> {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: &'a [u8],
}

/// Parses the HTTP status line and headers in front of a response record's payload.
pub fn http_response(payload: &[u8]) -> Option<HttpResponse<'_>> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut headers);
    match resp.parse(payload) {
        Ok(httparse::Status::Complete(n)) => {
            let content_type = resp
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-type"))
                .map(|h| String::from_utf8_lossy(h.value).to_string());
            Some(HttpResponse {
                status: resp.code.unwrap_or(0),
                content_type,
                body: &payload[n..],
            })
        }
        _ => None,
    }
}

/// The `charset=` parameter of a Content-Type value.
pub fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// An HTTP 200 response with `content_type` and `body`, as a response record carries it
/// (for tests, benchmarks and generated archives).
pub fn http_payload(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    v.extend_from_slice(body);
    v
}

/// Writes a WARC record (for tests, benchmarks and generated archives).
pub fn write_record(out: &mut Vec<u8>, kind: &str, uri: &str, date: &str, payload: &[u8]) {
    let content_type = match kind {
        "response" => "application/http; msgtype=response",
        "conversion" => "text/plain",
        _ => "application/octet-stream",
    };
    out.extend_from_slice(
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n\
             WARC-Record-ID: <urn:uuid:{:08x}-0000-0000-0000-000000000000>\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            out.len(),
            payload.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(payload);
    out.extend_from_slice(b"\r\n\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: Vec<u8>) -> Vec<WarcItem> {
        WarcReader::new(Box::new(io::Cursor::new(bytes)), 1 << 20).collect()
    }

    fn http(body: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    fn uris(items: &[WarcItem]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                WarcItem::Record(r) => r.target_uri.clone().unwrap_or_default(),
                WarcItem::Bad { reason, .. } => format!("!{reason}"),
            })
            .collect()
    }

    #[test]
    fn reads_records_in_order() {
        let mut w = Vec::new();
        write_record(
            &mut w,
            "warcinfo",
            "",
            "2024-01-01T00:00:00Z",
            b"software: t",
        );
        write_record(
            &mut w,
            "response",
            "http://a/1",
            "2024-01-02T00:00:00Z",
            &http("<p>一</p>"),
        );
        write_record(
            &mut w,
            "response",
            "http://a/2",
            "2024-01-02T00:00:00Z",
            &http("<p>二</p>"),
        );
        let items = read_all(w);
        assert_eq!(uris(&items), ["", "http://a/1", "http://a/2"]);
        let WarcItem::Record(r) = &items[1] else {
            panic!()
        };
        assert_eq!(r.kind, "response");
        let h = http_response(&r.body).unwrap();
        assert_eq!(h.status, 200);
        assert_eq!(
            charset_of(h.content_type.as_deref().unwrap()).as_deref(),
            Some("utf-8")
        );
        assert_eq!(h.body, "<p>一</p>".as_bytes());
    }

    #[test]
    fn a_wrong_length_loses_only_its_record() {
        for delta in [-7i64, 9, 400] {
            let mut w = Vec::new();
            write_record(&mut w, "response", "http://a/1", "d", &http("<p>一</p>"));
            let mut bad = Vec::new();
            write_record(
                &mut bad,
                "response",
                "http://a/bad",
                "d",
                &http("<p>坏</p>"),
            );
            let len = http("<p>坏</p>").len() as i64;
            let bad = String::from_utf8(bad).unwrap().replace(
                &format!("Content-Length: {len}"),
                &format!("Content-Length: {}", len + delta),
            );
            w.extend_from_slice(bad.as_bytes());
            write_record(&mut w, "response", "http://a/3", "d", &http("<p>三</p>"));
            write_record(&mut w, "response", "http://a/4", "d", &http("<p>四</p>"));
            let got = uris(&read_all(w));
            assert_eq!(
                got,
                ["http://a/1", "!bad_length", "http://a/3", "http://a/4"],
                "delta {delta}"
            );
        }
    }

    #[test]
    fn junk_truncation_and_huge_bodies_are_reported() {
        let mut w = b"garbage line\r\nmore garbage\r\n".to_vec();
        write_record(&mut w, "response", "http://a/1", "d", &http("<p>一</p>"));
        write_record(
            &mut w,
            "response",
            "http://a/big",
            "d",
            &http(&"长".repeat(1 << 19)),
        );
        write_record(&mut w, "response", "http://a/3", "d", &http("<p>三</p>"));
        let mut t = Vec::new();
        write_record(
            &mut t,
            "response",
            "http://a/4",
            "d",
            &http("<p>四四四四</p>"),
        );
        w.extend_from_slice(&t[..t.len() - 10]);
        let got = uris(&read_all(w));
        assert_eq!(
            got,
            [
                "!junk",
                "http://a/1",
                "!too_large",
                "http://a/3",
                "!truncated"
            ]
        );
    }

    #[test]
    fn record_ends_split_across_buffers() {
        // a reader that hands out one byte at a time: every boundary falls mid-trailer
        struct Trickle(io::Cursor<Vec<u8>>);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(1);
                self.0.read(&mut buf[..n])
            }
        }
        let mut w = Vec::new();
        for i in 0..5 {
            write_record(
                &mut w,
                "response",
                &format!("http://a/{i}"),
                "d",
                &http("<p>一</p>"),
            );
        }
        let r = io::BufReader::with_capacity(3, Trickle(io::Cursor::new(w)));
        let got: Vec<_> = WarcReader::new(Box::new(r), 1 << 20).collect();
        assert_eq!(
            uris(&got),
            [
                "http://a/0",
                "http://a/1",
                "http://a/2",
                "http://a/3",
                "http://a/4"
            ]
        );
        // LF-only trailers are accepted too
        let lf = b"WARC/1.0\nWARC-Type: conversion\nContent-Length: 2\n\nab\n\nWARC/1.0\nWARC-Type: conversion\nContent-Length: 1\n\nc\n\n".to_vec();
        let got = read_all(lf);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(|g| matches!(g, WarcItem::Record(_))));
    }

    #[test]
    fn gzip_members_and_empty_input() {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        let mut gz = Vec::new();
        for i in 0..3 {
            let mut rec = Vec::new();
            write_record(
                &mut rec,
                "conversion",
                &format!("http://a/{i}"),
                "d",
                "文本".as_bytes(),
            );
            let mut e = GzEncoder::new(Vec::new(), Compression::fast());
            e.write_all(&rec).unwrap();
            gz.extend(e.finish().unwrap());
        }
        let r = io::BufReader::new(flate2::bufread::MultiGzDecoder::new(io::Cursor::new(
            gz.clone(),
        )));
        let got: Vec<_> = WarcReader::new(Box::new(r), 1 << 20).collect();
        assert_eq!(uris(&got), ["http://a/0", "http://a/1", "http://a/2"]);
        // cut inside the last member: two records, then a truncation
        let cut = gz.len() - 12;
        let r = io::BufReader::new(flate2::bufread::MultiGzDecoder::new(io::Cursor::new(
            gz[..cut].to_vec(),
        )));
        let got: Vec<_> = WarcReader::new(Box::new(r), 1 << 20).collect();
        assert_eq!(&uris(&got)[..2], ["http://a/0", "http://a/1"]);
        assert!(uris(&got)[2].starts_with('!'));
        assert!(read_all(Vec::new()).is_empty());
    }
}
