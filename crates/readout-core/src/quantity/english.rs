//! Quantities in English: thousands separators, "million/billion/trillion" for round large
//! values, units singular or plural, qualifiers as words.

use super::numeral::Dec;

/// Groups the integer part with commas: 33000 → 33,000; 1234.5 → 1,234.5.
pub fn group(d: Dec) -> String {
    let s = d.to_string();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, s),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s, None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    if neg { format!("-{out}") } else { out }
}

/// A number as English news writes it: 94000000000 → "94 billion", 1300000000000 →
/// "1.3 trillion", 1500000 → "1.5 million", 33000 → "33,000", 1234567 → "1,234,567".
/// A large value is named by its scale word when that leaves at most three decimals.
pub fn number(d: Dec) -> String {
    for (pow, word) in [(12u32, "trillion"), (9, "billion"), (6, "million")] {
        let scaled = Dec {
            m: d.m,
            scale: d.scale + pow,
        }
        .normalize();
        let unit = 10u128.pow(scaled.scale);
        let int = scaled.m.unsigned_abs() / unit;
        if (1..1000).contains(&int) && scaled.scale <= 3 {
            return format!("{} {word}", group(scaled));
        }
    }
    group(d)
}

/// Rounds a float to 3 significant figures, for converted values ("about 2,200 hectares").
pub fn approx(v: f64) -> String {
    if !v.is_finite() || v == 0.0 {
        return "0".into();
    }
    let mag = v.abs().log10().floor() as i32;
    let step = 10f64.powi(mag - 2);
    let r = (v / step).round() * step;
    let d = if r.abs() >= 100.0 {
        Dec::int(r.round() as i128)
    } else {
        Dec::parse(&format!("{r:.2}")).unwrap_or(Dec::ZERO)
    };
    number(d)
}

/// English of a simple fraction: 三分之一 → "one-third".
pub fn fraction(num: u32, den: u32) -> String {
    const NUM: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let den_word = match den {
        2 => "half",
        3 => "third",
        4 => "quarter",
        5 => "fifth",
        6 => "sixth",
        7 => "seventh",
        8 => "eighth",
        9 => "ninth",
        10 => "tenth",
        _ => return format!("{num}/{den}"),
    };
    if num >= 10 {
        return format!("{num}/{den}");
    }
    let plural = if num > 1 && den != 2 {
        "s"
    } else if num > 1 {
        "ves"
    } else {
        ""
    };
    let den_word = if num > 1 && den == 2 { "hal" } else { den_word };
    format!("{}-{den_word}{plural}", NUM[num as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }

    #[test]
    fn numbers() {
        for (v, e) in [
            ("33000", "33,000"),
            ("94000000000", "94 billion"),
            ("1300000000000", "1.3 trillion"),
            ("1500000", "1.5 million"),
            ("1234567", "1,234,567"),
            ("100000000000", "100 billion"),
            ("150.5", "150.5"),
            ("0.3", "0.3"),
            ("999", "999"),
            ("1000", "1,000"),
            ("12340000000", "12.34 billion"),
            ("12345000000", "12.345 billion"),
            ("12345600000", "12,345,600,000"),
            ("-2500", "-2,500"),
            ("20000000", "20 million"),
        ] {
            assert_eq!(number(d(v)), e, "{v}");
        }
    }

    #[test]
    fn approximations_and_fractions() {
        assert_eq!(approx(2200.0), "2,200");
        assert_eq!(approx(1333.333), "1,330");
        assert_eq!(approx(6.6667), "6.67");
        assert_eq!(fraction(1, 3), "one-third");
        assert_eq!(fraction(2, 3), "two-thirds");
        assert_eq!(fraction(1, 2), "one-half");
        assert_eq!(fraction(3, 4), "three-quarters");
    }
}
