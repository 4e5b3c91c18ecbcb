//! The web pages. Rendered with maud, which escapes every interpolated string; the only
//! markup not built here is tantivy's snippet HTML, which escapes the text it highlights.

use crate::{
    PeopleParams, SearchParams, Shared, TrackParams, blocking, load_article, run_search, run_track,
    rusqlite_conn::with_conn,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use readout_store::query::{self, Series};

const CSS: &str = r#"
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2328;background:#fff}
header{background:#0f2a4a;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.4rem;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}
header a.brand{font-size:1.15rem;letter-spacing:.02em}
main{max-width:1180px;margin:0 auto;padding:1rem 1.2rem 3rem}
form.search{display:flex;flex-wrap:wrap;gap:.5rem;margin:.6rem 0 1rem}
form.search input{padding:.35rem .5rem;border:1px solid #bbb;border-radius:4px}
form.search input[name=q]{flex:1 1 22rem;font-size:1.05rem}
button{padding:.35rem .9rem;border:0;border-radius:4px;background:#0f2a4a;color:#fff}
.hit{margin:1rem 0;padding-bottom:.8rem;border-bottom:1px solid #eee}
.hit h3{margin:0 0 .15rem;font-size:1.05rem}
.meta{color:#57606a;font-size:.88rem}
.snippet b{background:#fde68a;font-weight:normal}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:2rem}
.zh p{margin:.2rem 0 .8rem;text-indent:2em}
mark{background:#fde68a;border-radius:2px;padding:0 1px;cursor:help}
mark.f-indicator{background:#bbf7d0}
mark.f-person{background:#bfdbfe}
mark.f-event{background:#fbcfe8}
mark.f-time{background:#e9d5ff}
mark.f-place,mark.f-organization{background:#fed7aa}
mark.f-document{background:#fecaca}
.en{background:#f6f8fa;border-radius:6px;padding:1rem 1.2rem}
.en h2{margin-top:0;font-size:1.2rem}
.facts li{margin:.3rem 0}
.facts .zhsrc{color:#57606a}
.series{margin:1.5rem 0 2.5rem}
.series h2{font-size:1.1rem;margin:.2rem 0}
svg.chart{background:#fbfbfc;border:1px solid #e5e7eb;border-radius:6px;max-width:100%;height:auto}
svg .achieved{fill:none;stroke:#1d4ed8;stroke-width:2.5}
svg .point{fill:#1d4ed8}
svg .target{fill:#dc2626}
svg .axis{stroke:#9ca3af;stroke-width:1}
svg text{font-size:12px;fill:#374151}
table{border-collapse:collapse;font-size:.92rem}
td,th{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.status-target{color:#dc2626}.status-achieved{color:#1d4ed8}.status-forecast{color:#7c3aed}
@media (max-width:800px){.cols{grid-template-columns:1fr}}
"#;

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — readout" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    a.brand href="/" { "readout" }
                    a href="/search" { "Search" }
                    a href="/track" { "Tracker" }
                    a href="/people" { "People" }
                }
                main { (body) }
            }
        }
    }
}

fn page_error(status: StatusCode, msg: &str) -> Response {
    (
        status,
        layout("Error", html! { h1 { (status.as_u16()) } p { (msg) } }),
    )
        .into_response()
}

fn search_form(p: &SearchParams) -> Markup {
    let v = |s: &Option<String>| s.clone().unwrap_or_default();
    html! {
        form.search action="/search" method="get" {
            input type="search" name="q" value=(p.q) placeholder="新型工业化, industrial land, 郭文海 …" autofocus;
            input type="date" name="from" value=(v(&p.from)) title="published from";
            input type="date" name="to" value=(v(&p.to)) title="published to";
            input name="place" value=(v(&p.place)) placeholder="place" size="10";
            input name="person" value=(v(&p.person)) placeholder="person" size="10";
            input name="kind" value=(v(&p.kind)) placeholder="fact kind" size="9";
            button type="submit" { "Search" }
        }
    }
}

pub async fn home(state: State<Shared>, q: Query<SearchParams>) -> Response {
    search(state, q).await
}

pub async fn search(State(state): State<Shared>, Query(p): Query<SearchParams>) -> Response {
    let form = search_form(&p);
    let q = p.q.clone();
    let listing = !q.trim().is_empty()
        || p.filters().place.is_some()
        || p.filters().person.is_some()
        || p.filters().kind.is_some()
        || p.filters().from.is_some()
        || p.filters().to.is_some();
    let offset = p.offset.unwrap_or(0);
    let limit = p.limit.unwrap_or(10).clamp(1, 100);
    let result = match run_search(&state, p).await {
        Ok(r) => r,
        Err(_) => return page_error(StatusCode::BAD_REQUEST, "the search could not run"),
    };
    let body = html! {
        h1 { "Search" }
        (form)
        @if listing || result.total > 0 {
            p.meta { (result.total) " articles" @if !q.is_empty() { " match “" (q) "”" } }
        }
        @for h in &result.hits {
            div.hit {
                h3 {
                    a href={ "/articles/" (h.article_id) } {
                        @if h.headline_en.is_empty() { (h.headline) } @else { (h.headline_en) }
                    }
                }
                @if !h.headline_en.is_empty() { div.zh-headline { (h.headline) } }
                div.snippet { (PreEscaped(&h.snippet_html)) }
                div.meta { (h.published) " · " (h.article_id) }
            }
        }
        @if result.total > offset + limit {
            p { a href={ "/search?q=" (urlencode(&q)) "&offset=" (offset + limit) } { "More results →" } }
        }
    };
    layout(if q.is_empty() { "Search" } else { &q }, body).into_response()
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A run of text, with the fact kind and English when it is a marked fact.
type Piece = (String, Option<(String, String)>);

/// The article's text with fact spans marked (outermost first, no overlaps), English on
/// hover, paragraphs kept.
fn highlighted(text: &str, facts: &[serde_json::Value]) -> Markup {
    let mut spans: Vec<(usize, usize, String, String)> = facts
        .iter()
        .filter_map(|f| {
            Some((
                f["start"].as_u64()? as usize,
                f["end"].as_u64()? as usize,
                f["kind"].as_str()?.to_string(),
                f["en"].as_str().unwrap_or_default().to_string(),
            ))
        })
        .filter(|(s, e, _, _)| s < e)
        .collect();
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut chosen = Vec::new();
    let mut end = 0;
    for s in spans {
        if s.0 >= end {
            end = s.1;
            chosen.push(s);
        }
    }
    let chars: Vec<char> = text.chars().collect();
    // pieces of each paragraph: (text, Some((kind, en)) when marked)
    let mut paragraphs: Vec<Vec<Piece>> = vec![Vec::new()];
    let push =
        |paragraphs: &mut Vec<Vec<Piece>>, piece: &[char], mark: Option<(String, String)>| {
            let s: String = piece.iter().collect();
            let mut parts = s.split('\n').peekable();
            while let Some(part) = parts.next() {
                if !part.is_empty() {
                    paragraphs
                        .last_mut()
                        .expect("one")
                        .push((part.to_string(), mark.clone()));
                }
                if parts.peek().is_some() && !paragraphs.last().expect("one").is_empty() {
                    paragraphs.push(Vec::new());
                }
            }
        };
    let mut at = 0;
    for (s, e, kind, en) in chosen {
        let (s, e) = (s.min(chars.len()), e.min(chars.len()));
        if s < at {
            continue;
        }
        push(&mut paragraphs, &chars[at..s], None);
        push(&mut paragraphs, &chars[s..e], Some((kind, en)));
        at = e;
    }
    push(&mut paragraphs, &chars[at..], None);
    html! {
        @for para in paragraphs.iter().filter(|p| !p.is_empty()) {
            p {
                @for (piece, mark) in para {
                    @match mark {
                        Some((kind, en)) => mark class={ "f-" (kind) } title=(en) data-kind=(kind) { (piece) },
                        None => (piece),
                    }
                }
            }
        }
    }
}

pub async fn article(State(state): State<Shared>, Path(id): Path<String>) -> Response {
    let a = match load_article(&state, id).await {
        Ok(a) => a,
        Err(_) => return page_error(StatusCode::NOT_FOUND, "No such article."),
    };
    let art = &a.article;
    let s = |k: &str| art[k].as_str().unwrap_or_default().to_string();
    let facts = art["facts"].as_array().cloned().unwrap_or_default();
    let headline = s("headline");
    let headline_en = s("headline_en");
    let mut seen = std::collections::HashSet::new();
    let listed: Vec<&serde_json::Value> = facts
        .iter()
        .filter(|f| {
            matches!(
                f["kind"].as_str(),
                Some("event" | "indicator" | "person" | "document" | "organization")
            )
        })
        .filter(|f| seen.insert((f["kind"].to_string(), f["en"].to_string())))
        .collect();
    let body = html! {
        div.cols {
            div.zh lang="zh" {
                h1 { (headline) }
                div.meta {
                    (a.published) " · " (a.source)
                    @if let Some(u) = &a.url { " · " (u) }
                    @if a.converted_from.is_some() { " · converted from traditional characters" }
                }
                (highlighted(&s("text"), &facts))
            }
            aside.en lang="en" {
                h2 { @if headline_en.is_empty() { (headline) } @else { (headline_en) } }
                @if let Some(sum) = art["summary_en"].as_str() { p.summary { (sum) } }
                h3 { "Facts" }
                ul.facts {
                    @for f in &listed {
                        li {
                            (f["en"].as_str().unwrap_or_default())
                            " "
                            span.zhsrc lang="zh" { "— " (f["text"].as_str().unwrap_or_default()) }
                        }
                    }
                }
                @if !a.duplicates.is_empty() {
                    h3 { "Other copies" }
                    ul {
                        @for d in &a.duplicates {
                            li { (d.url.clone().unwrap_or(d.source.clone())) " (" (d.kind) ")" }
                        }
                    }
                }
                p.meta { a href={ "/api/articles/" (a.article_id) } { "JSON" } }
            }
        }
    };
    layout(
        if headline_en.is_empty() {
            &headline
        } else {
            &headline_en
        },
        body,
    )
    .into_response()
}

/// Thousands separators for a chart label.
fn fmt_num(v: f64) -> String {
    let neg = v < 0.0;
    let rounded = (v.abs() * 100.0).round() / 100.0;
    let int = rounded.trunc() as u128;
    let frac = rounded - rounded.trunc();
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if frac > 0.0 {
        let f = format!("{frac:.2}");
        out.push_str(f.trim_start_matches('0').trim_end_matches('0'));
    }
    if neg { format!("-{out}") } else { out }
}

fn days(d: &str) -> Option<i64> {
    let d = if d.len() == 4 {
        format!("{d}-12-31")
    } else if d.len() == 7 {
        format!("{d}-28")
    } else {
        d.get(..10)?.to_string()
    };
    let date = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()?;
    Some(
        date.signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?)
            .num_days(),
    )
}

/// One series as an SVG chart: achievements as a line with points, targets as diamonds,
/// each with its English on hover.
fn chart(s: &Series) -> Markup {
    let (w, h, ml, mr, mt, mb) = (640.0, 230.0, 70.0, 20.0, 16.0, 36.0);
    let pts: Vec<(f64, f64, &query::Point)> = s
        .points
        .iter()
        .filter_map(|p| {
            // a target stands at the end of its period (全年 2024 → the end of 2024)
            let when = match (&p.period, p.status.as_str()) {
                (Some(period), "target" | "forecast") => period.as_str(),
                _ => p.date.as_str(),
            };
            Some((days(when)? as f64, p.value.as_f64()?, p))
        })
        .collect();
    if pts.is_empty() {
        return html! {};
    }
    let (x0, x1) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let ymax = pts.iter().map(|p| p.1).fold(0.0, f64::max).max(1.0) * 1.1;
    let x = |d: f64| {
        if x1 > x0 {
            ml + (d - x0) / (x1 - x0) * (w - ml - mr)
        } else {
            ml + (w - ml - mr) / 2.0
        }
    };
    let y = |v: f64| mt + (1.0 - v / ymax) * (h - mt - mb);
    let achieved: Vec<&(f64, f64, &query::Point)> =
        pts.iter().filter(|p| p.2.status == "achieved").collect();
    let line: String = achieved
        .iter()
        .map(|p| format!("{:.1},{:.1}", x(p.0), y(p.1)))
        .collect::<Vec<_>>()
        .join(" ");
    let label = |d: f64| {
        chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|e| e.checked_add_signed(chrono::Duration::days(d as i64)))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let (first, last) = (label(x0), label(x1));
    html! {
        svg.chart viewBox={ "0 0 " (w) " " (h) } width=(w) height=(h) role="img"
            aria-label={ (s.subject_en) ", " (s.unit) } {
            line.axis x1=(ml) y1=(h - mb) x2=(w - mr) y2=(h - mb) {}
            line.axis x1=(ml) y1=(mt) x2=(ml) y2=(h - mb) {}
            text x=(ml - 6.0) y=(y(ymax / 1.1) + 4.0) text-anchor="end" { (fmt_num(ymax / 1.1)) }
            text x=(ml - 6.0) y=(h - mb + 4.0) text-anchor="end" { "0" }
            text x=(ml) y=(h - 12.0) text-anchor="start" { (first) }
            @if last != first { text x=(w - mr) y=(h - 12.0) text-anchor="end" { (last) } }
            @if achieved.len() > 1 { polyline.achieved points=(line) {} }
            @for p in &achieved {
                circle.point cx=(format!("{:.1}", x(p.0))) cy=(format!("{:.1}", y(p.1))) r="5" {
                    title { (p.2.date) ": " (p.2.en) " (achieved)" }
                }
            }
            @for p in pts.iter().filter(|p| p.2.status != "achieved") {
                @let (cx, cy) = (x(p.0), y(p.1));
                path.target d=(format!("M{:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z", cx - 7.0, cy, cx, cy - 7.0, cx + 7.0, cy, cx, cy + 7.0)) {
                    title { (p.2.date) ": " (p.2.en) " (" (p.2.status) ")" }
                }
            }
        }
    }
}

pub async fn track(State(state): State<Shared>, Query(p): Query<TrackParams>) -> Response {
    let q = p.q.clone().unwrap_or_default();
    let r = match run_track(&state, p.q.filter(|q| !q.trim().is_empty())).await {
        Ok(r) => r,
        Err(_) => return page_error(StatusCode::INTERNAL_SERVER_ERROR, "The tracker failed."),
    };
    let body = html! {
        h1 { "Tracker" }
        form.search action="/track" method="get" {
            input type="search" name="q" value=(q) placeholder="低效工业用地, investment, 中山 …";
            button type="submit" { "Track" }
        }
        p.meta { (r.series.len()) " series · "
            svg width="14" height="10" { line x1="0" y1="5" x2="14" y2="5" stroke="#1d4ed8" stroke-width="2.5" {} }
            " achieved · "
            svg width="12" height="12" { path d="M0 6 L6 0 L12 6 L6 12 Z" fill="#dc2626" {} }
            " target or forecast" }
        @for s in r.series.iter().take(50) {
            section.series {
                h2 { (s.subject_en) " " span.meta lang="zh" { (s.subject) } }
                div.meta {
                    @if s.place_en.is_empty() { "place not stated" } @else { (s.place_en) }
                    " · unit: " (s.unit) " · " (s.points.len()) " points"
                }
                (chart(s))
                table {
                    tr { th { "Date" } th { "Status" } th { "Value" } th { "Source" } }
                    @for pt in &s.points {
                        tr {
                            td { (pt.date) }
                            td class={ "status-" (pt.status) } { (pt.status) }
                            td { (pt.en) }
                            td { a href={ "/articles/" (pt.article_id) } lang="zh" { (pt.text) } }
                        }
                    }
                }
            }
        }
    };
    layout("Tracker", body).into_response()
}

pub async fn people(State(state): State<Shared>, Query(p): Query<PeopleParams>) -> Response {
    let db = state.config.db.clone();
    let q = p.q.clone().unwrap_or_default();
    let r = blocking(move || with_conn(&db, |c| query::people(c, p.q.as_deref(), 200))).await;
    let Ok(list) = r else {
        return page_error(StatusCode::INTERNAL_SERVER_ERROR, "The list failed.");
    };
    let body = html! {
        h1 { "People" }
        form.search action="/people" method="get" {
            input type="search" name="q" value=(q) placeholder="郭文海, Guo …";
            button type="submit" { "Find" }
        }
        table {
            tr { th { "Name" } th { "" } th { "Articles" } }
            @for p in &list {
                tr {
                    td { a href={ "/people/" (urlencode(&p.name)) } { (p.name_en) } }
                    td lang="zh" { (p.name) }
                    td.num { (p.articles) }
                }
            }
        }
    };
    layout("People", body).into_response()
}

pub async fn person(State(state): State<Shared>, Path(name): Path<String>) -> Response {
    let db = state.config.db.clone();
    let r = blocking(move || with_conn(&db, |c| query::person(c, &name))).await;
    let Ok(Some(p)) = r else {
        return page_error(StatusCode::NOT_FOUND, "No such person.");
    };
    let body = html! {
        h1 { (p.name_en) " " span lang="zh" { (p.name) } }
        h2 { "Titles" }
        table {
            tr { th { "Date" } th { "Title" } th { "" } }
            @for t in &p.titles {
                tr {
                    td { a href={ "/articles/" (t.article_id) } { (t.date) } }
                    td { (t.title_en) }
                    td lang="zh" { (t.title) }
                }
            }
        }
        h2 { "Meetings and events" }
        table {
            tr { th { "Date" } th { "Event" } th { "Role" } }
            @for e in &p.events {
                tr {
                    td { a href={ "/articles/" (e.article_id) } { (e.date) } }
                    td { (e.name_en) " " span.meta lang="zh" { (e.name) } }
                    td { (e.roles.join(", ")) }
                }
            }
        }
    };
    layout(&p.name_en.clone(), body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_marks() {
        assert_eq!(fmt_num(33000.0), "33,000");
        assert_eq!(fmt_num(150.5), "150.5");
        assert_eq!(fmt_num(1234567.25), "1,234,567.25");
        let facts = vec![
            serde_json::json!({"kind": "indicator", "start": 2, "end": 8, "en": "x <b>"}),
            serde_json::json!({"kind": "quantity", "start": 4, "end": 8, "en": "inner"}),
        ];
        let m =
            highlighted("全市拆除土地超3万亩。\n<script>alert(1)</script>", &facts).into_string();
        assert!(m.contains(r#"<mark class="f-indicator" title="x &lt;b&gt;" data-kind="indicator">拆除土地超3</mark>"#), "{m}");
        assert!(!m.contains("inner"));
        assert!(m.contains("&lt;script&gt;") && !m.contains("<script>"));
        assert_eq!(m.matches("<p>").count(), 2);
    }
}
