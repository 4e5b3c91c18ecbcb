//! Duplicate detection. Exact copies share the hash of their normalised text (which is also
//! the article's id); near copies (the same report re-posted with a changed byline, a
//! site's lead sentence, an edited phrase) are found by MinHash over character shingles with
//! locality-sensitive hashing: 64 minimum hashes cut into 16 bands of 4, each band stored as
//! one indexed key. Two texts whose shingle sets have Jaccard similarity J share a band with
//! probability 1 − (1 − J⁴)¹⁶ (0.9998 at J = 0.8, 0.12 at J = 0.3); candidates that share a
//! band are then compared on all 64 values and kept at [`NEAR_JACCARD`] or more, and only
//! if their figures agree ([`figures_compatible`]): the same words with other numbers are
//! another month's report, not a copy.

/// Estimated Jaccard similarity of shingle sets at or above which two texts are copies.
pub const NEAR_JACCARD: f64 = 0.8;

/// Texts shorter than this (in characters, after normalisation) are only matched exactly:
/// a fingerprint of a headline says little.
pub const NEAR_MIN_CHARS: usize = 80;

/// Minimum hashes per text, and how they are banded.
pub const HASHES: usize = 64;
pub const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;

/// Characters per shingle.
const SHINGLE: usize = 4;

/// The text reduced to what makes two copies the same story: letters, digits and CJK,
/// without whitespace, punctuation or case.
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The article's id: the first 16 hex digits of the BLAKE3 hash of its normalised headline
/// and text. Exact copies get the same id.
pub fn article_id(headline: &str, text: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(normalize(headline).as_bytes());
    h.update(b"\n");
    h.update(normalize(text).as_bytes());
    h.finalize().to_hex()[..16].to_string()
}

/// FNV-1a, 64 bit: stable across builds and platforms (fingerprints are stored).
fn fnv1a(chars: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        for b in (*c as u32).to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// SplitMix64's finaliser: a strong 64-bit mix.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The MinHash signature of the normalised text; `None` for texts too short to compare.
pub fn minhash(text: &str) -> Option<[u64; HASHES]> {
    let chars: Vec<char> = normalize(text).chars().collect();
    if chars.len() < NEAR_MIN_CHARS {
        return None;
    }
    let seeds: [u64; HASHES] = std::array::from_fn(|i| mix(i as u64 + 1));
    let mut sig = [u64::MAX; HASHES];
    for w in chars.windows(SHINGLE) {
        let h = fnv1a(w);
        for (slot, seed) in sig.iter_mut().zip(seeds) {
            let v = mix(h ^ seed);
            if v < *slot {
                *slot = v;
            }
        }
    }
    Some(sig)
}

/// The band keys of a signature, one per band (stored and looked up as integers).
pub fn band_keys(sig: &[u64; HASHES]) -> [i64; BANDS] {
    std::array::from_fn(|b| {
        let key = sig[b * ROWS..(b + 1) * ROWS]
            .iter()
            .fold(b as u64, |acc, v| mix(acc ^ v));
        key as i64
    })
}

/// The figures a text states (runs of Arabic digits, with decimal points), sorted and
/// unique. Two texts are copies only if one's figures include the other's: formulaic
/// reports (monthly statistics in the same words) differ in nothing but their figures and
/// are not copies, while a repost keeps every figure and may add a date.
pub fn figures(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        };
        if c.is_ascii_digit() || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(cur.trim_end_matches('.').to_string());
            cur.clear();
        }
    }
    out.sort();
    out.dedup();
    out
}

/// True when one sorted figure list contains the other.
pub fn figures_compatible(a: &[String], b: &[String]) -> bool {
    let subset =
        |small: &[String], big: &[String]| small.iter().all(|x| big.binary_search(x).is_ok());
    subset(a, b) || subset(b, a)
}

/// Estimated Jaccard similarity: the share of equal minimum hashes.
pub fn similarity(a: &[u64; HASHES], b: &[u64; HASHES]) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / HASHES as f64
}

/// A signature as stored (little-endian bytes) and back.
pub fn to_blob(sig: &[u64; HASHES]) -> Vec<u8> {
    sig.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub fn from_blob(b: &[u8]) -> Option<[u64; HASHES]> {
    if b.len() != HASHES * 8 {
        return None;
    }
    Some(std::array::from_fn(|i| {
        u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().expect("8 bytes"))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "本报讯 近日，某市召开全市生态环境保护大会，总结今年以来污染防治攻坚战成效，\
        部署明年重点工作。会议指出，今年全市空气质量优良天数比例达到百分之九十二点五，\
        累计整治黑臭水体四十六条，新建污水管网三百二十公里，完成年度目标任务。\
        会议强调，要坚持精准治污、科学治污、依法治污，持续深入打好蓝天碧水净土保卫战。";

    #[test]
    fn exact_copies_share_an_id_whatever_the_spacing() {
        let spaced = STORY.replace('，', " ， ");
        assert_eq!(article_id("题", STORY), article_id("题", &spaced));
        assert_ne!(article_id("题", STORY), article_id("另一题", STORY));
    }

    #[test]
    fn a_small_edit_is_near_a_different_story_is_far() {
        let a = minhash(STORY).unwrap();
        let edited = STORY
            .replace("三百二十公里", "三百一十公里")
            .replace("本报讯", "");
        let b = minhash(&edited).unwrap();
        assert!(
            similarity(&a, &b) >= NEAR_JACCARD,
            "similarity {}",
            similarity(&a, &b)
        );
        let other = "某区举行招商引资项目集中签约仪式，现场签约项目二十个，总投资额超过一百亿元，\
            涵盖新能源、智能制造、生物医药等领域。区委书记在致辞中表示，将持续优化营商环境，\
            为企业提供全周期服务，推动项目早落地、早投产、早见效。";
        let c = minhash(other).unwrap();
        assert!(
            similarity(&a, &c) < 0.2,
            "similarity {}",
            similarity(&a, &c)
        );
        // near signatures share a band key; far ones do not
        let (ka, kb, kc) = (band_keys(&a), band_keys(&b), band_keys(&c));
        assert!(ka.iter().zip(kb.iter()).any(|(x, y)| x == y));
        assert!(!ka.iter().zip(kc.iter()).any(|(x, y)| x == y));
        assert_eq!(from_blob(&to_blob(&a)), Some(a));
    }

    #[test]
    fn same_words_other_figures_are_not_copies() {
        let jan = "某市统计局发布数据，1月全市规模以上工业增加值同比增长5.2%，固定资产投资增长3.1%，\
            社会消费品零售总额增长4.4%，全市居民消费价格同比上涨0.3%，工业生产者出厂价格同比下降1.2%，\
            全市城镇新增就业1.2万人，城镇调查失业率为5.1%，全市经济运行总体平稳、稳中有进。";
        let feb = jan
            .replace("1月", "2月")
            .replace("5.2%", "5.6%")
            .replace("3.1%", "2.7%");
        let (a, b) = (minhash(jan).unwrap(), minhash(&feb).unwrap());
        assert!(similarity(&a, &b) >= NEAR_JACCARD, "the words are the same");
        assert!(!figures_compatible(&figures(jan), &figures(&feb)));
        // a repost that adds a dateline keeps every figure
        let repost = format!("（2024年3月5日）{jan}");
        assert!(figures_compatible(&figures(jan), &figures(&repost)));
        assert_eq!(figures("增长５.２%，共3.3万亩，第3次"), ["3", "3.3", "5.2"]);
    }

    #[test]
    fn short_texts_have_no_fingerprint() {
        assert_eq!(minhash("中山召开大会"), None);
    }
}
