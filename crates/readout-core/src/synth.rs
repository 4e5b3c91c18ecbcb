//! Synthetic news pages for benchmarks, throughput runs and load tests: deterministic
//! (seeded), varied (places, people, numbers, dates), in the layout of a real front page
//! (masthead, teasers, reports with datelines and broken paragraphs). Not for accuracy
//! claims: the case corpora are.

const CITIES: &[&str] = &[
    "中山", "佛山", "江门", "惠州", "珠海", "东莞", "肇庆", "清远", "韶关", "湛江",
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "欧阳", "曾", "单",
];
const GIVEN: &[&str] = &[
    "建国", "文海", "晓东", "丽华", "志强", "明", "思远", "小华", "伟", "静",
];
const TOPICS: &[(&str, &str)] = &[
    ("村镇低效工业园改造", "拆除整理低效工业用地"),
    ("水污染治理", "整治黑臭水体"),
    ("制造业数字化转型", "推动规上工业企业数字化改造"),
    ("优化营商环境", "新增市场主体"),
    ("乡村振兴", "建设美丽乡村示范带"),
];

/// A small xorshift generator: no dependency, same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

fn person(r: &mut Rng) -> String {
    format!("{}{}", r.pick(SURNAMES), r.pick(GIVEN))
}

/// One synthetic page (several articles), published in `year`.
pub fn page(r: &mut Rng, year: i32) -> String {
    let city = r.pick(CITIES);
    let (topic, indicator) = TOPICS[r.below(TOPICS.len() as u64) as usize];
    let (month, day) = (1 + r.below(12), 1 + r.below(28));
    let secretary = person(r);
    let mayor = person(r);
    let reporters = [person(r), person(r)];
    let done = 1 + r.below(90);
    let target = 1 + r.below(50);
    let invest = 10 + r.below(990);
    let share = 1 + r.below(9);
    let firms = 20 + r.below(800);
    let pct = format!("{}.{}", 100 + r.below(80), r.below(10));
    format!(
        "{year}年{month}月{day}日 星期五\n\n\
         {city}前{m2}月新增推动{firms}家规上工业企业数字化转型\n完成省年度任务目标的{pct}%\n\n\
         {city}召开{year}年度{topic}总结大会 坚决打赢攻坚战\n\n\
         本报讯(记者 {r0} {r1}){month}月{day}日,{city}召开{year}年度{topic}总结大会。市委书记{secretary}出席会议并讲话,市长{mayor}主持会议。\n\n\
         会议通报,截至目前,全市已{indicator}超{done}.{d2}万亩,服务新招引企业{firms}家,推动新增投资额约{invest}亿元,黑臭河涌较去年减少{share}成,带动全市签约项目投资额\n\n\
         突破千亿大关。\n\n\
         {secretary}强调,要坚定信心,力争明年{indicator}{target}万亩,确保全年新增投资不少于{invest}亿元。要坚持改革突破,推动工作提质增效,以优异成绩迎接{next}年。\n\n",
        m2 = month.max(2),
        r0 = reporters[0],
        r1 = reporters[1],
        d2 = r.below(10),
        next = year + 1,
    )
}

/// About `bytes` of pages, one after another.
pub fn corpus(seed: u64, bytes: usize) -> String {
    let mut r = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 4096);
    while out.len() < bytes {
        let year = 2018 + r.below(8) as i32;
        out.push_str(&page(&mut r, year));
    }
    out
}

/// `n` pages, each a separate document (for `--lines`, ingest and load tests).
pub fn pages(seed: u64, n: usize) -> Vec<String> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|_| {
            let year = 2018 + r.below(8) as i32;
            page(&mut r, year)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn deterministic_and_sized() {
        assert_eq!(super::corpus(7, 10_000), super::corpus(7, 10_000));
        assert!(super::corpus(7, 10_000).len() >= 10_000);
        assert_ne!(super::pages(1, 2)[0], super::pages(1, 2)[1]);
    }
}
