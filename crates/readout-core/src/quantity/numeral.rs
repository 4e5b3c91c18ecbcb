//! Numerals: exact decimal values from every way Chinese news writes a number, and back.
//!
//! Values are exact decimals (`mantissa / 10^scale`), never floats, so that 3.3万 is
//! 33000 and 1.3万亿 is 1300000000000 to the unit: 万 and 亿 multiply the mantissa.
//!
//! Accepted forms: Arabic with thousands separators and decimals (1,234.5), full-width
//! digits (３．３), Chinese (一千二百三十四, 两万三千五百, 十二, 一百零五), digit strings
//! (二〇二三), decimals (三点五), abbreviations (九万四 = 94000, 一千二 = 1200), mixed
//! (3.3万, 940亿, 1.3万亿, 3万4000), financial digits (壹贰叁 … 拾佰仟), bare units
//! (千亿 = 100000000000) and the approximators 多/余/几 inside a numeral (一千多万,
//! 十余万), which the caller turns into a qualifier.

use serde::{Serialize, Serializer};

/// An exact decimal: `m / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dec {
    pub m: i128,
    pub scale: u32,
}

const MAX_SCALE: u32 = 12;

impl Dec {
    pub const ZERO: Dec = Dec { m: 0, scale: 0 };

    pub fn int(v: i128) -> Dec {
        Dec { m: v, scale: 0 }
    }

    /// Parses `123`, `1234.5`, `-3.25` (ASCII digits only).
    pub fn parse(s: &str) -> Option<Dec> {
        let (neg, s) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let frac = &frac[..frac.len().min(MAX_SCALE as usize)];
        let digits = format!("{int}{frac}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return None;
        }
        let m: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        Some(
            Dec {
                m: if neg { -m } else { m },
                scale: frac.len() as u32,
            }
            .normalize(),
        )
    }

    /// Removes trailing zeros after the decimal point.
    pub fn normalize(mut self) -> Dec {
        while self.scale > 0 && self.m % 10 == 0 {
            self.m /= 10;
            self.scale -= 1;
        }
        if self.m == 0 {
            self.scale = 0;
        }
        self
    }

    fn align(a: Dec, b: Dec) -> Option<(i128, i128, u32)> {
        let s = a.scale.max(b.scale);
        let am = a.m.checked_mul(10i128.checked_pow(s - a.scale)?)?;
        let bm = b.m.checked_mul(10i128.checked_pow(s - b.scale)?)?;
        Some((am, bm, s))
    }

    pub fn checked_add(self, o: Dec) -> Option<Dec> {
        let (a, b, s) = Dec::align(self, o)?;
        Some(
            Dec {
                m: a.checked_add(b)?,
                scale: s,
            }
            .normalize(),
        )
    }

    pub fn checked_mul(self, o: Dec) -> Option<Dec> {
        let scale = self.scale + o.scale;
        let d = Dec {
            m: self.m.checked_mul(o.m)?,
            scale,
        };
        let d = d.normalize();
        (d.scale <= MAX_SCALE).then_some(d)
    }

    /// Multiplies by 10^k.
    pub fn shift(self, k: u32) -> Option<Dec> {
        self.checked_mul(Dec::int(10i128.checked_pow(k)?))
    }

    pub fn negated(self) -> Dec {
        Dec {
            m: -self.m,
            scale: self.scale,
        }
    }

    pub fn is_integer(&self) -> bool {
        self.scale == 0
    }

    pub fn to_f64(self) -> f64 {
        // via the decimal string: the nearest double to the exact value
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Digits before the decimal point, and after it (no trailing zeros).
    fn parts(self) -> (bool, String, String) {
        let neg = self.m < 0;
        let digits = self.m.unsigned_abs().to_string();
        let s = self.scale as usize;
        if s == 0 {
            return (neg, digits, String::new());
        }
        let padded = format!("{:0>width$}", digits, width = s + 1);
        let (i, f) = padded.split_at(padded.len() - s);
        (neg, i.to_string(), f.to_string())
    }
}

impl std::fmt::Display for Dec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (neg, i, frac) = self.parts();
        if neg {
            f.write_str("-")?;
        }
        f.write_str(&i)?;
        if !frac.is_empty() {
            write!(f, ".{frac}")?;
        }
        Ok(())
    }
}

/// A value as the contract writes it: an integer where it is one (33000, not 33000.0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Dec(Dec),
    /// A ratio that has no exact decimal (三分之一).
    Ratio(f64),
}

impl Num {
    pub fn to_f64(self) -> f64 {
        match self {
            Num::Dec(d) => d.to_f64(),
            Num::Ratio(r) => r,
        }
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Num::Dec(d) if d.is_integer() => {
                if let Ok(v) = i64::try_from(d.m) {
                    s.serialize_i64(v)
                } else {
                    s.serialize_f64(d.to_f64())
                }
            }
            Num::Dec(d) => s.serialize_f64(d.to_f64()),
            Num::Ratio(r) => s.serialize_f64((r * 1e6).round() / 1e6),
        }
    }
}

/// The value of one Chinese digit character (simplified, traditional financial forms).
pub fn zh_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' | '○' | 'Ｏ' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '两' | '贰' | '貳' | '兩' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Powers of ten of the small units.
pub fn zh_small_unit(c: char) -> Option<u32> {
    Some(match c {
        '十' | '拾' => 1,
        '百' | '佰' => 2,
        '千' | '仟' => 3,
        _ => return None,
    })
}

/// Powers of ten of the large units.
pub fn zh_big_unit(c: char) -> Option<u32> {
    Some(match c {
        '万' | '萬' => 4,
        '亿' | '億' => 8,
        _ => return None,
    })
}

/// An ASCII or full-width Arabic digit.
pub fn arabic_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// How a numeral was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Arabic,
    Chinese,
    Mixed,
}

/// A numeral read from text.
#[derive(Debug, Clone, PartialEq)]
pub struct Numeral {
    pub value: Dec,
    /// Characters consumed.
    pub len: usize,
    /// 多/余/几 inside or right after: "more than".
    pub more: bool,
    pub script: Script,
    /// Written as a bare string of digits with no unit character (二〇二三, 2023).
    pub digit_string: bool,
    /// Starts with a bare large unit (万亩级) rather than a digit.
    pub bare_big_unit: bool,
}

/// Reads the longest numeral starting at `cs[0]`.
pub fn read(cs: &[char]) -> Option<Numeral> {
    // collect the run
    let mut end = 0;
    let mut more = false;
    let mut has_arabic = false;
    let mut has_zh = false;
    while end < cs.len() {
        let c = cs[end];
        if arabic_digit(c).is_some() {
            has_arabic = true;
            end += 1;
        } else if zh_digit(c).is_some() || zh_small_unit(c).is_some() || zh_big_unit(c).is_some() {
            has_zh = true;
            end += 1;
        } else if separator_inside(cs, end) {
            // 3.3, 1,234, 三点五
            end += 1;
        } else if matches!(c, '多' | '余' | '几')
            && end > 0
            && cs
                .get(end + 1)
                .is_some_and(|&n| zh_big_unit(n).is_some() || zh_small_unit(n).is_some())
        {
            // 一千多万, 十余万, 三十万多亿: 多 inside the numeral
            more = true;
            end += 1;
        } else {
            break;
        }
    }
    if end == 0 {
        return None;
    }
    // a run ending in 十/百/千 followed by a non-unit is fine; trailing '.' or ',' not consumed
    let run: Vec<char> = cs[..end]
        .iter()
        .copied()
        .filter(|c| !matches!(c, '多' | '余' | '几' | ','))
        .collect();
    let bare_big_unit = zh_big_unit(run[0]).is_some();
    let value = eval(&run)?;
    let digit_string = run
        .iter()
        .all(|&c| arabic_digit(c).is_some() || zh_digit(c).is_some())
        && run.len() > 1;
    let script = match (has_arabic, has_zh) {
        (true, false) => Script::Arabic,
        (false, true) => Script::Chinese,
        _ => Script::Mixed,
    };
    Some(Numeral {
        value,
        len: end,
        more,
        script,
        digit_string,
        bare_big_unit,
    })
}

/// A decimal point or thousands separator at `at`, between digits of one numeral.
fn separator_inside(cs: &[char], at: usize) -> bool {
    let (Some(&c), Some(&prev)) = (cs.get(at), at.checked_sub(1).and_then(|p| cs.get(p))) else {
        return false;
    };
    let next_is = |f: fn(char) -> Option<u32>| cs.get(at + 1).is_some_and(|&n| f(n).is_some());
    match c {
        '.' | '．' => arabic_digit(prev).is_some() && next_is(arabic_digit),
        ',' => arabic_digit(prev).is_some() && thousands_group(&cs[at + 1..]),
        '点' => zh_digit(prev).is_some() && next_is(zh_digit),
        _ => false,
    }
}

fn thousands_group(rest: &[char]) -> bool {
    rest.len() >= 3
        && rest[..3].iter().all(|&c| arabic_digit(c).is_some())
        && rest.get(3).is_none_or(|&c| arabic_digit(c).is_none())
}

/// Evaluates a numeral run (approximators and separators removed).
pub fn eval(cs: &[char]) -> Option<Dec> {
    if cs.is_empty() {
        return None;
    }
    // split at the last 亿, then the last 万 (the largest unit governs its left side)
    for unit_pow in [8u32, 4] {
        if let Some(pos) = cs.iter().rposition(|&c| zh_big_unit(c) == Some(unit_pow)) {
            let left = &cs[..pos];
            let right = &cs[pos + 1..];
            let left_v = if left.is_empty() {
                Dec::int(1)
            } else {
                eval(left)?
            };
            let mut v = left_v.shift(unit_pow)?;
            if !right.is_empty() {
                let r = if right.len() == 1 && zh_digit(right[0]).is_some() {
                    // abbreviation: 九万四 = 9万4千, 三亿五 = 3亿5千万
                    Dec::int(zh_digit(right[0])? as i128).shift(unit_pow - 1)?
                } else {
                    eval(right)?
                };
                v = v.checked_add(r)?;
            }
            return Some(v);
        }
    }
    eval_small(cs)
}

/// Below 万: Arabic decimals, Chinese with 十百千, digit strings, 点 decimals.
fn eval_small(cs: &[char]) -> Option<Dec> {
    if cs
        .iter()
        .all(|&c| arabic_digit(c).is_some() || matches!(c, '.' | '．'))
    {
        let s: String = cs
            .iter()
            .map(|&c| match arabic_digit(c) {
                Some(d) => char::from_digit(d, 10).unwrap_or(c),
                None => '.',
            })
            .collect();
        return Dec::parse(&s);
    }
    if let Some(p) = cs.iter().position(|&c| c == '点') {
        let int = eval_small(&cs[..p])?;
        let mut frac = String::new();
        for &c in &cs[p + 1..] {
            frac.push(char::from_digit(zh_digit(c)?, 10)?);
        }
        return int.checked_add(Dec::parse(&format!("0.{frac}"))?);
    }
    // digit strings: 二〇二三 → 2023, 3千 → (mixed) handled below
    if cs
        .iter()
        .all(|&c| zh_digit(c).is_some() || arabic_digit(c).is_some())
    {
        let mut v: i128 = 0;
        for &c in cs {
            v = v
                .checked_mul(10)?
                .checked_add(zh_digit(c).or(arabic_digit(c))? as i128)?;
        }
        return Some(Dec::int(v));
    }
    let mut total = Dec::ZERO;
    let mut cur: Option<Dec> = None;
    let mut last_unit: Option<u32> = None;
    let mut zero_seen = false;
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if let Some(p) = zh_small_unit(c) {
            let n = cur.take().unwrap_or(Dec::int(1));
            total = total.checked_add(n.shift(p)?)?;
            last_unit = Some(p);
            zero_seen = false;
            i += 1;
        } else if c == '零' || c == '〇' {
            zero_seen = true;
            i += 1;
        } else {
            // a digit, or an Arabic number (3千, 1.5千)
            let start = i;
            while i < cs.len() && (arabic_digit(cs[i]).is_some() || matches!(cs[i], '.' | '．')) {
                i += 1;
            }
            if i > start {
                cur = Some(eval_small(&cs[start..i])?);
            } else {
                if cur.is_some() {
                    return None; // two Chinese digits in a row inside a unit numeral
                }
                cur = Some(Dec::int(zh_digit(c)? as i128));
                i += 1;
            }
        }
    }
    if let Some(n) = cur {
        // 一千二 = 1200: a lone trailing digit right after a unit above 十 means the next unit down
        let v = match last_unit {
            Some(p) if p >= 2 && !zero_seen => n.shift(p - 1)?,
            _ => n,
        };
        total = total.checked_add(v)?;
    }
    Some(total)
}

/// Writes an integer in Chinese (standard form: 一百零五, 二万三千五百, 十万), for
/// round-trip tests and display.
pub fn to_chinese(v: u64) -> String {
    const D: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    fn section(n: u64, out: &mut String) {
        const U: [(u64, Option<char>); 4] = [
            (1000, Some('千')),
            (100, Some('百')),
            (10, Some('十')),
            (1, None),
        ];
        let (mut zero, mut started) = (false, false);
        for (u, c) in U {
            let d = (n / u) % 10;
            if d > 0 {
                if zero {
                    out.push('零');
                    zero = false;
                }
                out.push(D[d as usize]);
                out.extend(c);
                started = true;
            } else if started {
                zero = true;
            }
        }
    }
    if v == 0 {
        return "零".into();
    }
    let groups = [
        (v / 100_000_000, Some('亿')),
        ((v / 10_000) % 10_000, Some('万')),
        (v % 10_000, None),
    ];
    let mut out = String::new();
    let (mut started, mut pending_zero) = (false, false);
    for (n, unit) in groups {
        if n == 0 {
            pending_zero |= started;
            continue;
        }
        if started && (pending_zero || n < 1000) {
            out.push('零');
        }
        pending_zero = false;
        if n >= 10_000 {
            out.push_str(&to_chinese(n));
        } else {
            section(n, &mut out);
        }
        out.extend(unit);
        started = true;
    }
    match out.strip_prefix("一十") {
        Some(rest) => format!("十{rest}"),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> String {
        let cs: Vec<char> = s.chars().collect();
        let n = read(&cs).unwrap_or_else(|| panic!("no numeral in {s}"));
        assert_eq!(n.len, cs.len(), "{s} not fully read");
        n.value.to_string()
    }

    #[test]
    fn arabic() {
        assert_eq!(v("1,234.5"), "1234.5");
        assert_eq!(v("３．３"), "3.3");
        assert_eq!(v("150.5"), "150.5");
        assert_eq!(v("0.30"), "0.3");
        assert_eq!(v("12,345,678"), "12345678");
    }

    #[test]
    fn chinese() {
        for (s, e) in [
            ("一千二百三十四", "1234"),
            ("两万三千五百", "23500"),
            ("十二", "12"),
            ("二十", "20"),
            ("一百零五", "105"),
            ("三千零五十", "3050"),
            ("二〇二三", "2023"),
            ("三点五", "3.5"),
            ("九万四", "94000"),
            ("一千二", "1200"),
            ("三百五", "350"),
            ("十万", "100000"),
            ("一亿二千万", "120000000"),
            ("三亿五", "350000000"),
            ("壹仟贰佰叁拾肆", "1234"),
            ("千", "1000"),
        ] {
            assert_eq!(v(s), e, "{s}");
        }
    }

    #[test]
    fn mixed_scale_units() {
        for (s, e) in [
            ("3.3万", "33000"),
            ("940亿", "94000000000"),
            ("1.3万亿", "1300000000000"),
            ("3万4000", "34000"),
            ("千亿", "100000000000"),
            ("0.5万", "5000"),
            ("12.34亿", "1234000000"),
            ("2万", "20000"),
        ] {
            assert_eq!(v(s), e, "{s}");
        }
    }

    #[test]
    fn approximators_inside() {
        let cs: Vec<char> = "一千多万".chars().collect();
        let n = read(&cs).unwrap();
        assert_eq!(
            (n.value.to_string().as_str(), n.more, n.len),
            ("10000000", true, 4)
        );
        let cs: Vec<char> = "十余万".chars().collect();
        let n = read(&cs).unwrap();
        assert_eq!((n.value.to_string().as_str(), n.more), ("100000", true));
        let cs: Vec<char> = "三十万多亿".chars().collect();
        assert_eq!(read(&cs).unwrap().value.to_string(), "30000000000000");
    }

    #[test]
    fn stops_at_non_numerals() {
        let cs: Vec<char> = "3.3万亩。".chars().collect();
        assert_eq!(read(&cs).unwrap().len, 4);
        let cs: Vec<char> = "12.".chars().collect();
        assert_eq!(read(&cs).unwrap().len, 2);
        let cs: Vec<char> = "1,2,3".chars().collect();
        assert_eq!(read(&cs).unwrap().len, 1);
    }

    #[test]
    fn chinese_writing() {
        for (n, s) in [
            (0, "零"),
            (12, "十二"),
            (105, "一百零五"),
            (1234, "一千二百三十四"),
            (23500, "二万三千五百"),
            (100000, "十万"),
            (100_000_001, "一亿零一"),
            (1_000_000_000_000, "一万亿"),
        ] {
            assert_eq!(to_chinese(n), s, "{n}");
        }
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn parse_all(s: &str) -> Option<Dec> {
            let cs: Vec<char> = s.chars().collect();
            let n = read(&cs)?;
            (n.len == cs.len()).then_some(n.value)
        }

        proptest! {
            #[test]
            fn chinese_round_trip(v in 0u64..10_000_000_000_000_000) {
                prop_assert_eq!(parse_all(&to_chinese(v)), Some(Dec::int(v as i128)));
            }

            #[test]
            fn arabic_with_separators_round_trip(v in 0u64..1_000_000_000_000) {
                let plain = v.to_string();
                let grouped = crate::quantity::english::group(Dec::int(v as i128));
                prop_assert_eq!(parse_all(&plain), Some(Dec::int(v as i128)));
                prop_assert_eq!(parse_all(&grouped), Some(Dec::int(v as i128)));
            }

            #[test]
            fn wan_and_yi_scale_exactly(int in 0u32..100_000, frac in 0u32..100, unit in 0usize..3) {
                let (word, pow) = [("万", 4u32), ("亿", 8), ("万亿", 12)][unit];
                let s = format!("{int}.{frac:02}{word}");
                let expect = Dec { m: int as i128 * 100 + frac as i128, scale: 2 }.normalize().shift(pow).unwrap();
                prop_assert_eq!(parse_all(&s), Some(expect));
            }

            #[test]
            fn full_width_equals_ascii(v in 0u64..1_000_000_000) {
                let fw: String = v.to_string().chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()).collect();
                prop_assert_eq!(parse_all(&fw), Some(Dec::int(v as i128)));
            }
        }
    }
}
