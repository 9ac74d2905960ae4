//! Compliance handlers: the dashboard, the public `/ita` index, checklist import, tagging
//! published items, and the evidence reports. Web masters and admins only, except `/ita`.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use jiff::civil::Date;
use serde::Deserialize;

use super::session::Staff;
use super::{Shared, WebError};
use crate::compliance::builtin;
use crate::compliance::checklist::{self, Checklist, Library};
use crate::compliance::checks::{self, Held};
use crate::compliance::period::{self, Period};
use crate::compliance::status::{self, Evidence};
use crate::store::audit;
use crate::store::compliance::{self as tags, NewTag};
use crate::store::items::At;
use crate::store::reports;
use crate::thai;
use crate::views::compliance::{self as view, PublicLink, PublicRow, TagChoices, TagForm};
use crate::views::forms::Problem;
use crate::workflow::audit::AuditAction;
use crate::workflow::state::Role;

fn html(m: maud::Markup) -> Response {
    Html(m.into_string()).into_response()
}

/// Web masters and admins only.
fn may_see(staff: &Staff) -> Result<(), WebError> {
    staff.require_any(&[Role::Admin, Role::WebMaster], "หน้านี้สำหรับผู้ดูแลเว็บไซต์และผู้ดูแลระบบเท่านั้น")
}

/// The checklists in force: embedded, overridden by the admin's imports. An import is checked
/// when it is stored, so one that fails now (after an upgrade) is only logged and skipped.
pub(super) async fn library(app: &Shared) -> Result<Library, WebError> {
    let files = app.store.run(|c| tags::imported(c)).await?;
    let lists = files
        .into_iter()
        .filter_map(|f| match checklist::parse(&f.file_name, &f.source) {
            Ok(l) => Some(l),
            Err(e) => {
                tracing::warn!("imported checklist skipped: {e}");
                None
            }
        })
        .collect();
    Ok(Library::new(lists))
}

/// The visible evidence for each item of `list` in `fy`: this year's tags, and earlier years'
/// only where the checklist then in force had the same item (codes are renumbered between
/// years).
fn evidence_for(
    library: &Library,
    list: &Checklist,
    all: &[Evidence],
    codes: &[String],
    code: &str,
) -> Vec<Evidence> {
    let title = list.item(code).map(|i| i.title_th.as_str());
    all.iter()
        .zip(codes)
        .filter(|(e, c)| {
            c.as_str() == code
                && (e.fiscal_year >= list.year
                    || library
                        .resolve(&list.scheme, e.fiscal_year)
                        .and_then(|l| l.item(code))
                        .map(|i| i.title_th.as_str())
                        == title)
        })
        .map(|(e, _)| e.clone())
        .collect()
}

/// A scheme's tagged evidence, split into what counts and what waits for a second look.
#[derive(Debug, Clone, Default)]
pub struct Sorted {
    /// Counted evidence, with the code of each.
    pub counted: Vec<Evidence>,
    /// The codes of `counted`, in the same order.
    pub codes: Vec<String>,
    /// Held back.
    pub held: Vec<Held>,
}

/// Runs the evidence checks ([`checks::concerns`]) over a scheme's tags: a tag with a doubt
/// counts only once someone other than its tagger has confirmed it.
fn sort_evidence(library: &Library, scheme: &str, rows: Vec<tags::EvidenceRow>) -> Sorted {
    let mut out = Sorted::default();
    for row in rows {
        let list = library.resolve(scheme, row.evidence.fiscal_year);
        let facts = checks::TagFacts {
            item: list.and_then(|l| l.item(&row.code)),
            fiscal_year: row.evidence.fiscal_year,
            period: row.evidence.period,
            tagged_by: row.tagged_by,
            category: &row.category,
            published: row.evidence.published,
            covers: row.covers,
            tags_that_year: row.tags_that_year,
        };
        let concerns = checks::concerns(&facts);
        if concerns.is_empty() || row.confirmed {
            out.counted.push(row.evidence);
            out.codes.push(row.code);
        } else {
            out.held.push(Held {
                code: row.code,
                evidence: row.evidence,
                concerns,
                tagged_by: row.tagged_by,
            });
        }
    }
    out
}

/// What the built-in evidence of fiscal year `fy` depends on: the settings and a few counts.
async fn builtin_facts(app: &Shared, fy: i32) -> Result<builtin::Facts, WebError> {
    let (published_quarters, answered, survey) = app
        .store
        .run(move |c| {
            Ok((
                tags::published_quarters(c)?,
                tags::answered_questions(c)?,
                crate::store::survey::results(c, fy)?.count,
            ))
        })
        .await?;
    Ok(builtin::Facts {
        features: app.settings().features.clone(),
        social_links: app.settings().office.links.len(),
        first_social_link: app
            .config
            .settings
            .office
            .links
            .first()
            .map(|l| l.url.clone())
            .unwrap_or_default(),
        published_quarters,
        answered_questions: answered,
        survey_responses: survey,
    })
}

/// Every scheme's tagged evidence up to `fy`, visible at `at`, sorted by the checks.
async fn sorted_evidence(
    app: &Shared,
    lib: &Library,
    fy: i32,
    at: At,
) -> Result<HashMap<String, Sorted>, WebError> {
    let schemes: Vec<String> = lib.schemes().into_iter().map(str::to_owned).collect();
    let rows = app
        .store
        .run(move |c| {
            let mut all = Vec::new();
            for s in schemes {
                let ev = tags::evidence(c, &s, fy, at)?;
                all.push((s, ev));
            }
            Ok(all)
        })
        .await?;
    Ok(rows.into_iter().map(|(s, ev)| (s.clone(), sort_evidence(lib, &s, ev))).collect())
}

/// The moment a chosen date is judged at: now for today, else noon of that day.
fn at_on(on: Date) -> At {
    if on == thai::today() {
        return At::now();
    }
    let noon = on.to_datetime(jiff::civil::Time::constant(12, 0, 0, 0)).to_zoned_datetime(thai::bangkok());
    noon.map(|z| At::from(z.timestamp())).unwrap_or_else(|_| At::now())
}

/// Query of the dashboard and the public page.
#[derive(Debug, Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    scheme: String,
    #[serde(default)]
    done: String,
}

fn year_or(q: &str, default: i32) -> i32 {
    q.trim().parse().ok().filter(|y| (2540..=2700).contains(y)).unwrap_or(default)
}

fn years_around(fy_now: i32, chosen: i32) -> Vec<i32> {
    let mut years: Vec<i32> = ((fy_now - 3)..=(fy_now + 1)).collect();
    if !years.contains(&chosen) {
        years.push(chosen);
        years.sort_unstable();
    }
    years
}

/// `GET /admin/compliance[?year=2569][&on=2026-10-01]`
pub async fn dashboard(
    State(app): State<Shared>,
    staff: Staff,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    let today = thai::today();
    let on: Date = q.on.trim().parse().unwrap_or(today);
    let fy = year_or(&q.year, thai::fiscal_year(on));
    let lib = library(&app).await?;
    let at = at_on(on);
    let evidence = sorted_evidence(&app, &lib, fy, at).await?;
    let (untagged, without_period) = app
        .store
        .run(|c| {
            let untagged = tags::items_with_tags(c, true, 10_000)?.len();
            Ok((untagged, crate::store::items::without_period(c, crate::store::items::At::now())?))
        })
        .await?;
    let facts = builtin_facts(&app, fy).await?;
    let empty = Sorted::default();
    let mut held = Vec::new();
    let results = lib
        .in_force(fy)
        .into_iter()
        .map(|list| {
            let sorted = evidence.get(&list.scheme).unwrap_or(&empty);
            held.extend(
                sorted
                    .held
                    .iter()
                    .filter(|h| h.evidence.fiscal_year == fy)
                    .map(|h| (list.scheme.clone(), h.clone())),
            );
            status::evaluate_checklist(
                list,
                fy,
                on,
                |code| evidence_for(&lib, list, &sorted.counted, &sorted.codes, code),
                |item| item.builtin.map(|b| builtin::check(b, &facts, fy, on)),
            )
        })
        .collect();
    let published = facts.published_quarters.clone();
    let d = view::Dashboard {
        fiscal_year: fy,
        on,
        as_of: on != today,
        years: years_around(thai::fiscal_year(today), fy),
        schemes: results,
        untagged,
        held,
        me: staff.user.id,
        quarters: builtin::recent_quarters(today)
            .iter()
            .map(|&(y, q)| (y, q, published.iter().find(|p| p.0 == y && p.1 == q).map(|p| p.2)))
            .collect(),
        no_2570: lib
            .all()
            .iter()
            .all(|(l, _)| !(l.year >= 2570 && (l.scheme == "MOIT" || l.scheme == "ITA"))),
        done: q.done.clone(),
        without_period,
    };
    let bar = super::staff::bar(&app, &staff).await?;
    Ok(html(view::dashboard(&app.plain_chrome(), &bar, &d)))
}

/// `GET /ita[?scheme=MOIT][&year=2569]`: the public index of evidence (cached like other public
/// pages). Only evidence that counts is shown: tags waiting for a second look are not.
pub async fn ita(State(app): State<Shared>, Query(q): Query<YearQuery>) -> Result<Response, WebError> {
    let today = thai::today();
    let fy_now = thai::fiscal_year(today);
    // Only a few years, so that the page cache cannot be filled with arbitrary ones.
    let fy = year_or(&q.year, fy_now).clamp(fy_now - 5, fy_now + 1);
    let lib = library(&app).await?;
    let scheme = if q.scheme.is_empty() {
        lib.schemes().first().map(|s| s.to_string()).unwrap_or_default()
    } else {
        q.scheme.clone()
    };
    let Some(list) = lib.resolve(&scheme, fy) else { return Err(WebError::NotFound) };
    let evidence = sorted_evidence(&app, &lib, fy, At::now()).await?;
    let sorted = evidence.get(&list.scheme).cloned().unwrap_or_default();
    let facts = builtin_facts(&app, fy).await?;
    // A past year is judged as it stood at its end; the current one today.
    let on = today.min(period::fy_end(fy));
    let rows: Vec<PublicRow> = list
        .items
        .iter()
        .map(|item| {
            let group = list.is_group(&item.code);
            let ev = evidence_for(&lib, list, &sorted.counted, &sorted.codes, &item.code);
            let check = item.builtin.map(|b| builtin::check(b, &facts, fy, on));
            let status = status::evaluate_with(item, &ev, check.clone(), fy, on);
            let mut links: Vec<PublicLink> = Vec::new();
            if let Some(c) = check.filter(|c| c.ok) {
                links.push(PublicLink::builtin(&c));
            }
            let mut seen = std::collections::HashSet::new();
            for e in ev.iter().filter(|e| e.fiscal_year == fy) {
                if seen.insert((e.item_id, e.period)) {
                    links.push(PublicLink::item(e, false));
                }
            }
            // Never "nothing published" when last year's evidence is there: show it, marked.
            let previous = if links.is_empty() {
                let last = ev.iter().filter(|e| e.fiscal_year < fy).map(|e| e.fiscal_year).max();
                ev.iter()
                    .filter(|e| Some(e.fiscal_year) == last)
                    .filter(|e| seen.insert((e.item_id, e.period)))
                    .map(|e| PublicLink::item(e, true))
                    .collect()
            } else {
                Vec::new()
            };
            let complete = !links.is_empty() && status.colour == status::Colour::Green;
            let due = status.due.or_else(|| {
                status
                    .cells
                    .iter()
                    .find(|c| c.evidence.is_empty() && c.colour != status::Colour::Green)
                    .map(|c| c.due)
            });
            PublicRow { item, group, links, previous, in_progress: (!group && !complete).then_some(due) }
        })
        .collect();
    let chrome = app.chrome(None).await?;
    Ok(html(view::ita(&chrome, &lib, list, fy, &years_around(fy_now, fy), &rows)))
}

/// Query of the checklists page.
#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// `GET /admin/compliance/checklists`
pub async fn checklists(
    State(app): State<Shared>,
    staff: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    let lib = library(&app).await?;
    let bar = super::staff::bar(&app, &staff).await?;
    let done = (!q.done.is_empty()).then(|| format!("นำเข้าเกณฑ์ {} เรียบร้อยแล้ว", q.done));
    let admin = staff.roles.contains(Role::Admin);
    Ok(html(view::checklists(&app.plain_chrome(), &bar, &lib, admin, &[], done.as_deref())))
}

/// `POST /admin/compliance/checklists`: an admin imports a newer checklist file.
pub async fn import(
    State(app): State<Shared>,
    staff: Staff,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let (mut csrf, mut file_name, mut bytes) = (String::new(), String::new(), Vec::new());
    let mut problems = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                if name == "file" {
                    file_name = field.file_name().unwrap_or("checklist.toml").to_owned();
                }
                match field.bytes().await {
                    Ok(b) if name == "csrf" => csrf = String::from_utf8_lossy(&b).into_owned(),
                    Ok(b) if name == "file" => bytes = b.to_vec(),
                    Ok(_) => {}
                    Err(_) => {
                        problems.push(Problem::new("file", "ไฟล์: อ่านไม่สำเร็จหรือใหญ่เกินไป (file too large)"))
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                problems.push(Problem::new("file", "ไฟล์: อ่านไม่สำเร็จหรือใหญ่เกินไป (file too large)"));
                break;
            }
        }
    }
    // Refused only after the (size-limited) body is read, so that the browser is not cut off
    // mid-upload and shows the reason.
    staff.require(Role::Admin)?;
    staff.check_csrf(&csrf)?;
    if problems.is_empty() && bytes.is_empty() {
        problems.push(Problem::new("file", "ไฟล์: ต้องเลือกไฟล์เกณฑ์ (.toml)"));
    }
    let imported = if problems.is_empty() {
        match String::from_utf8(bytes) {
            Err(_) => {
                problems.push(Problem::new(
                    "file",
                    format!("{file_name}: ไฟล์ต้องเป็นข้อความ UTF-8 (must be UTF-8 text)"),
                ));
                None
            }
            Ok(text) => {
                let (who, name) = (staff.who(), file_name.clone());
                match app.store.run(move |c| tags::import(c, &name, &text, &who)).await? {
                    Ok(list) => Some(list),
                    Err(invalid) => {
                        problems.extend(invalid.0.iter().map(|p| Problem::new("file", p.to_string())));
                        None
                    }
                }
            }
        }
    } else {
        None
    };
    if let Some(list) = imported {
        app.pages.invalidate();
        let done = format!("{} {}", list.scheme, list.year);
        return Ok(Redirect::to(&format!(
            "/admin/compliance/checklists?done={}",
            crate::paths::percent_encode_segment(&done)
        ))
        .into_response());
    }
    let lib = library(&app).await?;
    let bar = super::staff::bar(&app, &staff).await?;
    let page = view::checklists(&app.plain_chrome(), &bar, &lib, true, &problems, None);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html(page)).into_response())
}

/// The fiscal year whose checklists a tag form offers: the one typed if it may be tagged,
/// else today's.
pub(super) fn choice_year(typed: &str, fy_now: i32) -> i32 {
    typed.trim().parse().ok().filter(|y| status::taggable_years(fy_now).contains(y)).unwrap_or(fy_now)
}

/// Checks ticked `SCHEME|CODE` values against the checklists in force for the chosen year.
pub(super) fn check_tags(
    lib: &Library,
    ticked: &[String],
    year: &str,
    period: &str,
    fy_now: i32,
) -> Result<Vec<NewTag>, Vec<Problem>> {
    if ticked.is_empty() {
        return Ok(Vec::new());
    }
    let mut problems = Vec::new();
    let allowed = status::taggable_years(fy_now);
    let fy = match year.trim().parse::<i32>() {
        Ok(y) if allowed.contains(&y) => Some(y),
        _ => {
            problems.push(Problem::new(
                "tag_year",
                format!("ปีงบประมาณของป้าย: ต้องเป็นปี พ.ศ. {} ถึง {}", allowed.start(), allowed.end()),
            ));
            None
        }
    };
    let Some(period) = Period::parse(period) else {
        problems.push(Problem::new("tag_period", "ช่วงที่ครอบคลุม: ไม่ถูกต้อง"));
        return Err(problems);
    };
    let mut out = Vec::new();
    if let Some(fy) = fy {
        for value in ticked {
            let known = value.split_once('|').and_then(|(scheme, code)| {
                let list = lib.resolve(scheme, fy).filter(|l| !l.is_group(code))?;
                Some((scheme, code, list.item(code)?))
            });
            match known {
                Some((scheme, code, item)) => {
                    match checks::fit_period(&view::code_label(scheme, code), item, period) {
                        Ok(fits) => out.push(NewTag {
                            scheme: scheme.into(),
                            code: code.into(),
                            fiscal_year: fy,
                            period: fits.code(),
                        }),
                        Err(why) => problems.push(Problem::new("tags", why)),
                    }
                }
                None => problems.push(Problem::new(
                    "tags",
                    format!("ป้าย {}: ไม่มีข้อนี้ในเกณฑ์ของปีงบประมาณ {fy}", value.replace('|', " ")),
                )),
            }
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// Query of the tagged-items list.
#[derive(Debug, Deserialize, Default)]
pub struct ItemsQuery {
    #[serde(default)]
    untagged: String,
}

/// `GET /admin/compliance/items[?untagged=1]`
pub async fn items(
    State(app): State<Shared>,
    staff: Staff,
    Query(q): Query<ItemsQuery>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    let untagged = q.untagged == "1";
    let list = app.store.run(move |c| tags::items_with_tags(c, untagged, 500)).await?;
    let bar = super::staff::bar(&app, &staff).await?;
    Ok(html(view::tagged_items(&app.plain_chrome(), &bar, &list, untagged)))
}

async fn editor(
    app: &Shared,
    staff: &Staff,
    id: i64,
    form: Option<TagForm>,
    problems: &[Problem],
) -> Result<Response, WebError> {
    let item = app.store.run(move |c| tags::item_head(c, id)).await?.ok_or(WebError::NotFound)?;
    let fy_now = thai::fiscal_year(thai::today());
    // New tags count for the current fiscal year unless the web master says otherwise.
    let form = form.unwrap_or_else(|| TagForm { tag_year: fy_now.to_string(), ..TagForm::default() });
    let fy = choice_year(&form.tag_year, fy_now);
    let lib = library(app).await?;
    let period = Period::parse(&form.tag_period).unwrap_or(Period::Year);
    let choices = TagChoices::ranked(&lib, &item.category, &item.title, period, fy);
    let bar = super::staff::bar(app, staff).await?;
    let page = view::tag_editor(&app.plain_chrome(), &bar, &item, &choices, &form, problems, fy_now);
    let code = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((code, html(page)).into_response())
}

/// `GET /admin/compliance/items/{id}`
pub async fn edit_tags(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    editor(&app, &staff, id, None, &[]).await
}

/// `POST /admin/compliance/items/{id}`: removes the ticked tags and adds the chosen ones, in
/// one transaction.
pub async fn save_tags(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<TagForm>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    staff.check_csrf(&form.csrf)?;
    let lib = library(&app).await?;
    let fy_now = thai::fiscal_year(thai::today());
    let new = match check_tags(&lib, &form.tags, &form.tag_year, &form.tag_period, fy_now) {
        Ok(new) => new,
        Err(problems) => return editor(&app, &staff, id, Some(form), &problems).await,
    };
    let (who, remove) = (staff.who(), form.remove.clone());
    let found = app
        .store
        .run(move |c| {
            if tags::item_head(c, id)?.is_none() {
                return Ok(false);
            }
            let tx = c.transaction()?;
            let removed = tags::remove_tags(&tx, id, &remove)?;
            tags::add_tags(&tx, id, &new, who.user_id)?;
            let added: Vec<String> = new
                .iter()
                .map(|t| format!("{} {} {} {}", t.scheme, t.code, t.fiscal_year, t.period))
                .collect();
            let detail = format!("+[{}] -{removed}", added.join(", "));
            audit::append(&tx, &who, AuditAction::ItemTags, &format!("item/{id}"), detail.trim())?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !found {
        return Err(WebError::NotFound);
    }
    app.pages.invalidate();
    Ok(Redirect::to(&format!("/admin/compliance/items/{id}")).into_response())
}

/// Query of the report pages.
#[derive(Debug, Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// `GET /admin/compliance/reports`
pub async fn reports_page(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    may_see(&staff)?;
    let today = thai::today();
    let bar = super::staff::bar(&app, &staff).await?;
    let from = today.first_of_month();
    Ok(html(view::reports(
        &app.plain_chrome(),
        &bar,
        thai::fiscal_year(today),
        period::quarter_of(today),
        from,
        today,
    )))
}

async fn publication_rows(app: &Shared, q: &ReportQuery) -> Result<(i32, Vec<reports::LogRow>), WebError> {
    let fy = year_or(&q.year, thai::fiscal_year(thai::today()));
    let (from, to) = Period::Year.range(fy);
    let rows = app.store.run(move |c| reports::publication_log(c, from, to)).await?;
    Ok((fy, rows))
}

/// `GET /admin/compliance/report?year=2569`: the yearly publication report, printable.
pub async fn publication_report(
    State(app): State<Shared>,
    staff: Staff,
    headers: axum::http::HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    let (fy, rows) = publication_rows(&app, &q).await?;
    let s = &app.settings();
    let (base, configured) = public_address(&app, &headers);
    Ok(html(view::publication_report(&s.office, s.display.digits, fy, &rows, &base, configured)))
}

/// `GET /admin/compliance/report.csv?year=2569`: the same report as CSV (UTF-8 with BOM).
pub async fn publication_csv(
    State(app): State<Shared>,
    staff: Staff,
    headers: axum::http::HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    let (fy, rows) = publication_rows(&app, &q).await?;
    let (base, _) = public_address(&app, &headers);
    let mut out = crate::views::csv::CsvWriter::in_memory();
    let _ = out.row(view::LOG_HEADER);
    for row in &rows {
        let _ = out.row(view::log_cells(row, &base));
    }
    Ok(out.download(&format!("prakat-publication-{fy}.csv")))
}

/// `GET /admin/compliance/forms?from=…&to=…`: every request's official form in the period.
pub async fn bulk_forms(
    State(app): State<Shared>,
    staff: Staff,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    let today = thai::today();
    let to: Date = q.to.trim().parse().unwrap_or(today);
    let from: Date = q.from.trim().parse().unwrap_or_else(|_| to.first_of_month());
    if from > to || period::days_between(from, to) > 400 {
        return Err(WebError::Forbidden("ช่วงวันที่: วันเริ่มต้องไม่หลังวันสิ้นสุด และไม่เกิน 400 วัน".into()));
    }
    let rows = app.store.run(move |c| reports::publication_log(c, from, to)).await?;
    let mut forms = Vec::with_capacity(rows.len());
    for row in rows {
        let signatures = super::staff::signatures(&app, &row.request).await?;
        forms.push((row.request, signatures));
    }
    let s = &app.settings();
    Ok(html(view::bulk_forms(&s.office, s.display.digits, from, to, &forms)))
}

/// `GET /admin/compliance/quarter?year=2569&q=2`
pub async fn quarter(
    State(app): State<Shared>,
    staff: Staff,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    let today = thai::today();
    let fy = year_or(&q.year, thai::fiscal_year(today));
    let n: u8 = q.q.trim().parse().ok().filter(|n| (1..=4).contains(n)).unwrap_or(period::quarter_of(today));
    let (from, to) = Period::Quarter(n).range(fy);
    let summary = app.store.run(move |c| reports::summary(c, from, to, today)).await?;
    let bar = super::staff::bar(&app, &staff).await?;
    Ok(html(view::quarter(&app.plain_chrome(), &bar, fy, n, from, to, &summary)))
}

/// The site's public address for absolute links in reports an assessor opens elsewhere:
/// `smtp.site_url`, else `https://` and `tls.domain`, else the address this page was asked on
/// (then `false`: the report says to set it).
fn public_address(app: &Shared, headers: &axum::http::HeaderMap) -> (String, bool) {
    let s = &app.settings();
    let site = s.smtp.site_url.trim().trim_end_matches('/');
    if !site.is_empty() {
        return (site.to_owned(), true);
    }
    if !s.tls.domain.trim().is_empty() {
        return (format!("https://{}", s.tls.domain.trim()), true);
    }
    (super::public::origin(headers), false)
}

/// Form of the confirm and statistics buttons.
#[derive(Debug, Deserialize, Default)]
pub struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    withdraw: String,
    #[serde(default)]
    tag: Vec<i64>,
}

/// `POST /admin/compliance/tags/{id}/confirm`: a second web master confirms a tag the
/// dashboard held back; the one who ticked it cannot.
pub async fn confirm_tag(
    State(app): State<Shared>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(form): Form<ActForm>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    staff.check_csrf(&form.csrf)?;
    let who = staff.who();
    let done = app.store.run(move |c| tags::confirm_tag(c, id, &who)).await?;
    match done {
        Ok(t) => {
            app.pages.invalidate();
            Ok(Redirect::to(&format!("/admin/compliance?year={}&done=confirmed#review", t.tag.fiscal_year))
                .into_response())
        }
        Err(tags::NotConfirmed::Missing) => Err(WebError::NotFound),
        Err(tags::NotConfirmed::OwnTag) => Err(WebError::Forbidden(
            "ยืนยันป้ายนี้ไม่ได้: ผู้ที่ติดป้ายเองยืนยันไม่ได้ ต้องเป็นผู้ดูแลเว็บไซต์อีกคนหนึ่ง (a second web master must confirm)"
                .into(),
        )),
    }
}

/// `POST /admin/compliance/tags/confirm`: confirms every ticked tag of the review list (a tag
/// the confirming web master ticked himself is refused, with the others kept).
pub async fn confirm_tags(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<ActForm>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    staff.check_csrf(&form.csrf)?;
    if form.tag.is_empty() {
        return Ok(Redirect::to("/admin/compliance#review").into_response());
    }
    let who = staff.who();
    let ids = form.tag.clone();
    let (done, own) = app
        .store
        .run(move |c| {
            let tx = c.transaction()?;
            let (mut done, mut own) = (0, 0);
            for id in ids {
                match tags::confirm_tag(&tx, id, &who)? {
                    Ok(_) => done += 1,
                    Err(tags::NotConfirmed::OwnTag) => own += 1,
                    Err(tags::NotConfirmed::Missing) => {}
                }
            }
            tx.commit()?;
            Ok((done, own))
        })
        .await?;
    if own > 0 && done == 0 {
        return Err(WebError::Forbidden(
            "ยืนยันป้ายไม่ได้: ผู้ที่ติดป้ายเองยืนยันไม่ได้ ต้องเป็นผู้ดูแลเว็บไซต์อีกคนหนึ่ง (a second web master must confirm)"
                .into(),
        ));
    }
    app.pages.invalidate();
    Ok(Redirect::to("/admin/compliance?done=confirmed#review").into_response())
}

/// `POST /admin/compliance/complaint-stats`: a web master publishes (or withdraws) a quarter's
/// complaint statistics after checking the numbers; only quarters that have ended.
pub async fn complaint_stats(
    State(app): State<Shared>,
    staff: Staff,
    Form(form): Form<ActForm>,
) -> Result<Response, WebError> {
    may_see(&staff)?;
    staff.check_csrf(&form.csrf)?;
    let today = thai::today();
    let fy = form.year.trim().parse::<i32>().ok().filter(|y| (2540..=2700).contains(y));
    let q = form.quarter.trim().parse::<u8>().ok().filter(|q| (1..=4).contains(q));
    let (Some(fy), Some(q)) = (fy, q) else {
        return Err(WebError::Forbidden("ปีงบประมาณหรือไตรมาสไม่ถูกต้อง (ไตรมาส 1–4)".into()));
    };
    let withdraw = form.withdraw == "1";
    if !withdraw && Period::Quarter(q).range(fy).1 >= today {
        return Err(WebError::Forbidden(format!(
            "ไตรมาส {q} ปีงบประมาณ {fy} ยังไม่สิ้นสุด เผยแพร่สถิติได้เมื่อสิ้นไตรมาสแล้ว"
        )));
    }
    let who = staff.who();
    app.store
        .run(move |c| {
            if withdraw {
                tags::withdraw_quarter(c, fy, q, &who)?;
            } else {
                tags::publish_quarter(c, fy, q, &who)?;
            }
            Ok(())
        })
        .await?;
    app.pages.invalidate();
    Ok(Redirect::to("/admin/compliance?done=stats#stats").into_response())
}

/// Middleware: a public feature switched off in `[features]` answers 404, like a page that
/// does not exist (and its checklist items stop counting).
pub async fn feature_gate(
    State(app): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if app.settings().features.serves(request.uri().path()) {
        next.run(request).await
    } else {
        WebError::NotFound.into_response()
    }
}
