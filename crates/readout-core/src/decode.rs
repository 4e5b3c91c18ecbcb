//! Bytes in, text out: BOM, UTF-8, GB18030/GBK and Big5 (detected with chardetng, or taken
//! from an HTML `<meta charset>`), binary input refused, and line-level normalisation
//! (CRLF, full-width and non-breaking spaces, zero-width characters).

use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8};

/// Why input could not be read as text. Each renders as one line for the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    Binary { offset: usize },
    UnknownEncoding { guess: &'static str },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "the input is empty"),
            DecodeError::Binary { offset } => {
                write!(
                    f,
                    "the input is binary, not text (control byte at offset {offset})"
                )
            }
            DecodeError::UnknownEncoding { guess } => write!(
                f,
                "the input is not valid UTF-8, GB18030/GBK or Big5 (closest guess: {guess})"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    /// A short code for counting refused inputs (`empty`, `binary`, `unknown_encoding`).
    pub fn reason(&self) -> &'static str {
        match self {
            DecodeError::Empty => "empty",
            DecodeError::Binary { .. } => "binary",
            DecodeError::UnknownEncoding { .. } => "unknown_encoding",
        }
    }
}

/// Decoded text and the name of the encoding it came from.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decodes `bytes`, detecting the encoding. `charset_hint` is a label from a transport
/// (HTTP `Content-Type`) or markup (`<meta charset>`); it is used when it decodes cleanly.
pub fn decode(bytes: &[u8], charset_hint: Option<&str>) -> Result<Decoded, DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors && enc == UTF_8 {
            return Err(DecodeError::UnknownEncoding {
                guess: "UTF-8 with a BOM, but invalid",
            });
        }
        return finish(text.into_owned(), enc.name());
    }
    if let Some(offset) = binary_offset(bytes) {
        return Err(DecodeError::Binary { offset });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => return finish(text.to_owned(), UTF_8.name()),
        // cut in the middle of the last character (a truncated download): keep the rest
        Err(e) if e.error_len().is_none() => {
            return finish(
                String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
                UTF_8.name(),
            );
        }
        Err(_) if mostly_utf8(bytes) => {
            return finish(String::from_utf8_lossy(bytes).into_owned(), UTF_8.name());
        }
        Err(_) => {}
    }
    if let Some(enc) = charset_hint.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
        let enc = widen(enc);
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return finish(text.into_owned(), enc.name());
        }
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = widen(detector.guess(None, chardetng::Utf8Detection::Allow));
    if guess != GB18030 && guess != BIG5 {
        return Err(DecodeError::UnknownEncoding {
            guess: guess.name(),
        });
    }
    let (text, had_errors) = guess.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DecodeError::UnknownEncoding {
            guess: guess.name(),
        });
    }
    finish(text.into_owned(), guess.name())
}

/// UTF-8 with a few stray bytes (at most one bad sequence per 4 KiB, and some multi-byte
/// text): decoded with U+FFFD for the bad bytes rather than refused or mis-detected.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut bad, mut multibyte, mut rest) = (0usize, 0usize, bytes);
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                multibyte += s.len() - s.chars().filter(char::is_ascii).count();
                break;
            }
            Err(e) => {
                let ok = &rest[..e.valid_up_to()];
                multibyte += ok.iter().filter(|b| **b >= 0x80).count();
                bad += 1;
                if bad > bytes.len() / 4096 + 1 {
                    return false;
                }
                match e.error_len() {
                    Some(n) => {
                        // one damaged character is one error, however many bytes it spans
                        let mut k = e.valid_up_to() + n;
                        while rest.get(k).is_some_and(|b| (0x80..0xc0).contains(b)) {
                            k += 1;
                        }
                        rest = &rest[k..];
                    }
                    None => break,
                }
            }
        }
    }
    multibyte >= 16 * bad
}

/// GBK and GB2312 labels decode as GB18030, their superset.
fn widen(enc: &'static Encoding) -> &'static Encoding {
    if enc == GBK { GB18030 } else { enc }
}

fn finish(text: String, encoding: &'static str) -> Result<Decoded, DecodeError> {
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(Decoded { text, encoding })
}

/// Finds a control byte that no text file contains (NUL, and C0 controls other than
/// tab, newlines, form feed and escape) in the first 64 KiB. UTF-16 input carries a BOM.
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .take(64 * 1024)
        .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
}

/// Returns the `<meta charset>` / `http-equiv` label of an HTML page, from its first 4 KiB.
pub fn sniff_meta_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let pos = find(&lower, b"charset=")?;
    let rest = &head[pos + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'>' | b'/'))
        .unwrap_or(rest.len());
    let label = std::str::from_utf8(&rest[..end]).ok()?;
    (!label.is_empty()).then(|| label.to_string())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Normalises line breaks and spaces: CRLF/CR → LF; full-width (U+3000), no-break and
/// other Unicode spaces → ASCII space; zero-width characters removed; each line trimmed.
pub fn normalize(text: &str) -> String {
    let unified;
    let text = if text.contains('\r') {
        unified = text.replace("\r\n", "\n").replace('\r', "\n");
        unified.as_str()
    } else {
        text
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let start = out.len();
        for c in line.chars() {
            match c {
                '\u{3000}'
                | '\u{a0}'
                | '\u{2002}'..='\u{200a}'
                | '\u{202f}'
                | '\u{205f}'
                | '\t' => out.push(' '),
                '\u{200b}'..='\u{200d}' | '\u{feff}' | '\u{2060}' => {}
                c => out.push(c),
            }
        }
        // trim the line in place
        let trimmed_end = out[start..].trim_end().len() + start;
        out.truncate(trimmed_end);
        let lead = out[start..].len() - out[start..].trim_start().len();
        if lead > 0 {
            out.replace_range(start..start + lead, "");
        }
        out.push('\n');
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("中山".as_bytes(), None).unwrap().text, "中山");
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("中山".as_bytes());
        let d = decode(&b, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("中山", "UTF-8"));
    }

    #[test]
    fn gbk_and_big5_detected() {
        let s =
            "中山市召开新型工业化大会，市委书记出席会议并讲话。全市规上工业企业数字化转型提速。";
        let (gbk, _, _) = GBK.encode(s);
        let d = decode(&gbk, None).unwrap();
        assert_eq!(d.text, s);
        assert_eq!(d.encoding, "gb18030");
        let t =
            "中山市召開新型工業化大會，市委書記出席會議並講話。全市規上工業企業數字化轉型提速。";
        let (big5, _, _) = BIG5.encode(t);
        let d = decode(&big5, None).unwrap();
        assert_eq!(d.text, t);
        assert_eq!(d.encoding, "Big5");
    }

    #[test]
    fn truncated_or_slightly_damaged_utf8_is_kept() {
        let s = "中山市召开会议，全市完成任务。".repeat(20);
        let b = s.as_bytes();
        let cut = &b[..b.len() - 1];
        let d = decode(cut, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(s.starts_with(&d.text) && d.text.len() == b.len() - 3);
        let mut damaged = b.to_vec();
        damaged[30] = 0xff;
        let d = decode(&damaged, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains('\u{fffd}') && d.text.ends_with("任务。"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in "中山".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b, None).unwrap().text, "中山");
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        assert_eq!(decode(b"", None).unwrap_err(), DecodeError::Empty);
        assert_eq!(decode(b" \n\t\r\n", None).unwrap_err(), DecodeError::Empty);
        assert!(matches!(
            decode(b"ab\x00\x01cd", None),
            Err(DecodeError::Binary { offset: 2 })
        ));
        // Latin-1 bytes that are neither UTF-8 nor a Chinese encoding.
        let err = decode(b"caf\xe9 cr\xe8me br\xfbl\xe9e", None).unwrap_err();
        assert!(
            matches!(err, DecodeError::UnknownEncoding { .. }),
            "{err:?}"
        );
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn meta_charset() {
        assert_eq!(
            sniff_meta_charset(b"<meta charset=\"gbk\">").as_deref(),
            Some("gbk")
        );
        assert_eq!(
            sniff_meta_charset(
                b"<meta http-equiv=Content-Type content='text/html; charset=GB2312'>"
            )
            .as_deref(),
            Some("GB2312")
        );
        assert_eq!(sniff_meta_charset(b"<p>no charset</p>"), None);
    }

    #[test]
    fn normalize_spaces_and_breaks() {
        assert_eq!(
            normalize("\u{3000}\u{3000}第一段\r\n第二\u{200b}段 \r\n"),
            "第一段\n第二段\n"
        );
        assert_eq!(normalize("a\u{3000}b"), "a b");
    }
}
