//! Visit statistics and the satisfaction survey (seed 1.10): the public statistics page, the
//! survey form and its results, and the admin charts and CSV exports.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};

use super::access::ClientIp;
use super::session::Staff;
use super::{Shared, WebError, limits};
use crate::store::items::At;
use crate::store::{survey, visits};
use crate::thai;
use crate::views::csv::CsvWriter;
use crate::views::forms::Problem;
use crate::views::stats as view;
use crate::workflow::state::Role;
use crate::workflow::survey::{ASPECTS, validate};

type Fields = HashMap<String, String>;

fn html(m: maud::Markup) -> Response {
    Html(m.into_string()).into_response()
}

/// `YYYY-MM-DD` of the Bangkok day `days` before today.
fn days_ago(days: i64) -> String {
    let today = thai::today();
    today.checked_sub(jiff::Span::new().days(days)).unwrap_or(today).to_string()
}

/// `GET /stats`
pub async fn public(State(app): State<Shared>) -> Result<Response, WebError> {
    // Counts still in memory are written first, so the page agrees with the footer.
    app.visits.flush(&app.store).await;
    let from = days_ago(29);
    let s = app
        .store
        .run(move |c| {
            let at = At::now();
            Ok(view::Public {
                totals: visits::totals(c, &at.today.to_string())?,
                days: visits::days_since(c, &from)?,
                most_read: visits::most_read(c, 10, at)?,
                downloads: visits::top_downloads(c, 10, at)?,
            })
        })
        .await?;
    Ok(html(view::public(&app.chrome(None).await?, &s)))
}

fn admin_only(staff: &Staff) -> Result<(), WebError> {
    staff.require_any(&[Role::Admin, Role::WebMaster], "เฉพาะผู้ดูแลระบบและผู้ดูแลเว็บไซต์ที่ดูสถิติได้")
}

/// `GET /admin/stats`
pub async fn admin(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    admin_only(&staff)?;
    app.visits.flush(&app.store).await;
    let from_day = days_ago(59);
    let from_month = days_ago(730)[..7].to_owned();
    let (days, months) = app
        .store
        .run(move |c| Ok((visits::days_since(c, &from_day)?, visits::months_since(c, &from_month)?)))
        .await?;
    let bar = super::staff::bar(&app, &staff).await?;
    Ok(html(view::admin(&app.plain_chrome(), &bar, &days, &months)))
}

/// The rows as a CSV download (the shared writer: byte-order mark, no formulas).
fn csv_response(name: &str, rows: Vec<Vec<String>>) -> Response {
    let mut out = CsvWriter::in_memory();
    for row in rows {
        let _ = out.row(row);
    }
    out.download(name)
}

/// `GET /admin/stats.csv`: every stored day.
pub async fn admin_csv(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    admin_only(&staff)?;
    app.visits.flush(&app.store).await;
    let days = app.store.run(|c| visits::days_since(c, "0000")).await?;
    let mut rows = vec![vec!["day".into(), "page_views".into(), "unique_visitors".into()]];
    rows.extend(days.into_iter().map(|d| vec![d.day, d.views.to_string(), d.visitors.to_string()]));
    Ok(csv_response("prakat-visits.csv", rows))
}

/// `GET /admin/survey.csv`: every survey answer.
pub async fn survey_csv(State(app): State<Shared>, staff: Staff) -> Result<Response, WebError> {
    admin_only(&staff)?;
    let answers = app.store.run(|c| survey::all(c)).await?;
    let mut header = vec!["time".to_owned(), "fiscal_year".to_owned()];
    header.extend(ASPECTS.iter().map(|(n, _)| n.to_string()));
    header.push("comment".into());
    let mut rows = vec![header];
    for (at, fy, levels, comment) in answers {
        let time = jiff::Timestamp::from_second(at)
            .map(|t| t.to_zoned_datetime(thai::bangkok()).strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let mut row = vec![time, fy.to_string()];
        row.extend(levels.iter().map(|l| l.to_string()));
        row.push(comment);
        rows.push(row);
    }
    Ok(csv_response("prakat-survey.csv", rows))
}

/// `GET /survey`
pub async fn survey_form(State(app): State<Shared>) -> Result<Response, WebError> {
    let token = app.form_tokens.issue("survey", crate::store::now_unix());
    Ok(html(view::survey_form(&app.chrome(None).await?, &token, &[None; 5], "", &[])))
}

/// `POST /survey`: stored once per form; bad input comes back with Thai messages.
pub async fn survey_submit(
    State(app): State<Shared>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    app.limits.check(limits::Kind::Form, ip)?;
    let now = crate::store::now_unix();
    let token = fields.get("token").cloned().unwrap_or_default();
    let chosen: [Option<u8>; 5] = std::array::from_fn(|i| {
        fields.get(ASPECTS[i].0).and_then(|v| v.parse().ok()).filter(|v| (1..=5).contains(v))
    });
    let comment = fields.get("comment").cloned().unwrap_or_default();
    let redisplay = |token: String, problems: Vec<Problem>| {
        let app = app.clone();
        let comment = comment.clone();
        async move {
            let chrome = app.chrome(None).await?;
            let page = view::survey_form(&chrome, &token, &chosen, &comment, &problems);
            Ok::<_, WebError>((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html(page)).into_response())
        }
    };
    let nonce = match app.form_tokens.check("survey", &token, now) {
        Ok(nonce) => nonce,
        Err(why) => {
            return redisplay(app.form_tokens.issue("survey", now), vec![Problem::new("", why.message())])
                .await;
        }
    };
    let answer = match validate(&fields) {
        Ok(a) => a,
        Err(errors) => return redisplay(token, errors.into_iter().map(Problem::from).collect()).await,
    };
    let fy = thai::fiscal_year(thai::today());
    let stored = app.store.run(move |c| survey::insert(c, &answer, fy, &nonce)).await?;
    let chrome = app.chrome(None).await?;
    let status = if stored { axum::http::StatusCode::OK } else { axum::http::StatusCode::CONFLICT };
    Ok((status, html(view::survey_thanks(&chrome, !stored))).into_response())
}

/// `GET /survey/results?fy=`
pub async fn survey_results(
    State(app): State<Shared>,
    Query(params): Query<Fields>,
) -> Result<Response, WebError> {
    let (fy, years) = super::public::past_fiscal_year(&params);
    let results = app.store.run(move |c| survey::results(c, fy)).await?;
    Ok(html(view::survey_results(&app.chrome(None).await?, fy, &years, &results)))
}
