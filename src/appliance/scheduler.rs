//! The in-process scheduler. Items come down at the end of their publication period without
//! cron and without depending on visitors (seed 4.2).

use std::time::Duration;

use rusqlite::Connection;

use crate::store::audit::{self, Who};
use crate::store::requests::{self, Change};
use crate::store::{Store, StoreResult, items, notifications};
use crate::thai;
use crate::workflow::state::{Action, Actor, RequestFacts, State, decide};

/// How often the jobs run.
pub const PERIOD: Duration = Duration::from_secs(60);

/// Takes down every published item whose end date has passed: the item becomes `expired`
/// (kept, never deleted), its request follows, the audit trail records it and the requester is
/// told. Returns how many items came down.
pub fn expire_items(conn: &mut Connection, today: jiff::civil::Date) -> StoreResult<usize> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let expired = items::expire_due(&tx, today)?;
    let system = Who { user_id: None, address: "scheduler".into() };
    for (item_id, request_id) in &expired {
        audit::append(&tx, &system, "item.expire", &format!("item/{item_id}"), "")?;
        let Some(request) = request_id.map(|id| requests::get(&tx, id)).transpose()?.flatten() else {
            continue;
        };
        let facts = RequestFacts {
            state: State::parse(&request.state).unwrap_or(State::Published),
            requester_id: request.requester_id,
            verbal_pending: request.verbal_pending,
        };
        // The workflow decides; a request that is not `published` any more is left as it is.
        let Ok(outcome) = decide(&facts, &Action::Expire, &Actor::system()) else {
            continue;
        };
        let change = Change {
            from: &request.state,
            to: outcome.next.as_str(),
            verbal_pending: outcome.verbal_pending,
            ..Change::default()
        };
        requests::change_state(&tx, request.id, &change, |c| {
            audit::append(c, &system, "request.expire", &format!("request/{}", request.id), "")?;
            let text = format!("ข้อมูล \"{}\" ครบระยะเวลาเผยแพร่และถูกนำลงจากเว็บไซต์แล้ว", request.fields.topic);
            notifications::add(c, request.requester_id, &text, &format!("/staff/requests/{}", request.id))
        })?;
    }
    tx.commit()?;
    Ok(expired.len())
}

/// Deletes traffic-log days older than `retention_days`, recording each in the audit trail.
pub fn purge_logs(store: &Store, data_dir: &std::path::Path, retention_days: u32) -> StoreResult<usize> {
    let keep_from = thai::today()
        .checked_sub(jiff::Span::new().days(i64::from(retention_days)))
        .unwrap_or_else(|_| thai::today());
    let purged = super::traffic::purge(store, data_dir, keep_from)?;
    let system = Who { user_id: None, address: "scheduler".into() };
    for day in &purged {
        store.run_sync(|c| audit::append(c, &system, "log.purge", &format!("log/{day}"), "retention"))?;
    }
    Ok(purged.len())
}

/// Whether the daily backup is due: its time has come today and nothing ran since.
fn backup_due(store: &Store, settings: &crate::config::Backups) -> StoreResult<bool> {
    let Some(time) = settings.time() else { return Ok(false) };
    let now = jiff::Timestamp::now().to_zoned_datetime(thai::bangkok());
    let Ok(due) = now.date().to_datetime(time).to_zoned_datetime(thai::bangkok()) else { return Ok(false) };
    if now.timestamp() < due.timestamp() {
        return Ok(false);
    }
    let since = due.timestamp().as_second();
    Ok(!store.run_sync(|c| crate::store::backups::ran_since(c, since))?)
}

/// The first release-feed check waits this long after start, so that a restart loop or a short
/// test run never asks the feed.
const FIRST_UPDATE_CHECK_AFTER: Duration = Duration::from_secs(15 * 60);

/// Runs the jobs every [`PERIOD`] until the process ends; `changed` is called when public
/// content changed (to drop cached pages), `restart` when a new binary was installed.
pub async fn run(
    store: Store,
    config: crate::config::Config,
    changed: impl Fn() + Send + 'static,
    restart: impl Fn() + Send + 'static,
) {
    let started = tokio::time::Instant::now();
    let data_dir = config.data_dir.clone();
    let retention_days = config.settings.logs.retention_days;
    let backups = config.settings.backups.clone();
    let mut tick = tokio::time::interval(PERIOD);
    let mut swept_at: Option<tokio::time::Instant> = None;
    loop {
        tick.tick().await;
        if started.elapsed() >= FIRST_UPDATE_CHECK_AFTER && update_duties(&config, &store).await {
            restart();
            return;
        }
        let (s, d, b) = (store.clone(), data_dir.clone(), backups.clone());
        let _ = tokio::task::spawn_blocking(move || {
            if backup_due(&s, &b).unwrap_or(false) {
                let who = Who { user_id: None, address: "scheduler".into() };
                if let Err(e) = super::backup::run_once(&s, &d, &b, &who) {
                    tracing::error!(error = %e, "scheduled backup failed");
                }
            }
        })
        .await;
        // Crash leftovers at start and daily, the weekly restore drill (issue 20).
        let sweep_now = swept_at.is_none_or(|t| t.elapsed() >= super::sweep::EVERY);
        swept_at = if sweep_now { Some(tokio::time::Instant::now()) } else { swept_at };
        let (s, d) = (store.clone(), data_dir.clone());
        let _ = tokio::task::spawn_blocking(move || super::sweep::upkeep(&s, &d, sweep_now)).await;
        let (s, d) = (store.clone(), data_dir.clone());
        match tokio::task::spawn_blocking(move || purge_logs(&s, &d, retention_days)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(days = n, "traffic-log days past retention purged"),
            Ok(Err(e)) => tracing::error!(error = %e, "traffic-log purge failed"),
            Err(e) => tracing::error!(error = %e, "traffic-log purge task failed"),
        }
        if !config.settings.logs.copy_dir.trim().is_empty() {
            let (s, d) = (store.clone(), data_dir.clone());
            let copy_dir = std::path::PathBuf::from(config.settings.logs.copy_dir.trim());
            let keep_from = thai::today()
                .checked_sub(jiff::Span::new().days(i64::from(retention_days)))
                .unwrap_or_else(|_| thai::today());
            match tokio::task::spawn_blocking(move || super::traffic::mirror(&s, &d, &copy_dir, keep_from))
                .await
            {
                Ok(Ok(days)) if !days.is_empty() => tracing::info!(days = days.len(), "traffic logs copied"),
                Ok(Err(e)) => tracing::error!(error = %e, "copying traffic logs failed"),
                _ => {}
            }
        }
        // e-Services: personal data of closed cases past retention (PDPA).
        let (s, d) = (store.clone(), data_dir.clone());
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || crate::store::cases::purge_job(&s, &d)).await
        {
            tracing::error!(error = %e, "e-Service personal-data purge failed");
        }
        match store.run(|c| expire_items(c, thai::today())).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(items = n, "items past their end date taken down");
                changed();
            }
            Err(e) => tracing::error!(error = %e, "expiry job failed"),
        }
    }
}

/// The daily release-feed check and, when the settings allow, the night-time install.
/// Returns whether a new binary was installed (the server should restart on it).
async fn update_duties(config: &crate::config::Config, store: &Store) -> bool {
    use super::update;
    let settings = config.settings.clone();
    if settings.update.mode == crate::config::UpdateMode::Off || settings.update.feed.trim().is_empty() {
        return false;
    }
    let (data_dir, store) = (config.data_dir.clone(), store.clone());
    tokio::task::spawn_blocking(move || {
        let now = jiff::Timestamp::now();
        let mut status = update::Status::load(&data_dir);
        if update::check_due(&status, now.as_second()) {
            if let Err(e) = update::check_and_record(&settings.update, &data_dir) {
                tracing::warn!(error = %e, "release feed check failed");
            }
            status = update::Status::load(&data_dir);
        }
        if !update::auto_install_due(&settings.update, &status, now.to_zoned_datetime(thai::bangkok())) {
            return false;
        }
        status.auto_tried_at = Some(now.as_second());
        let _ = status.save(&data_dir);
        let who = Who { user_id: None, address: "scheduler".into() };
        match update::install(&settings, &data_dir, &store, &who, false) {
            Ok(Some(version)) => {
                tracing::info!(%version, "new release installed; restarting");
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::error!(error = %e, "automatic update failed");
                false
            }
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::items::{At, NewItem};
    use crate::store::requests::Fields;
    use crate::store::users::{self, NewUser};
    use jiff::civil::date;

    #[test]
    fn items_past_their_end_come_down_with_their_requests() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (item_id, request_id, lasting) = store
            .run_sync(|c| {
                let user = NewUser {
                    username: "staff".into(),
                    name: "นางสาวณภาพัช".into(),
                    roles: "staff".into(),
                    ..NewUser::default()
                };
                let uid = users::insert(c, &user, "hash")?.unwrap();
                let fields = Fields {
                    unit: "กลุ่มงานบริหารทั่วไป".into(),
                    request_date: date(2026, 1, 5),
                    topic: "ประกาศรับสมัครงาน".into(),
                    details: "รายละเอียด".into(),
                    link: None,
                    remarks: None,
                    requester_name: "นางสาวณภาพัช".into(),
                    requester_position: "นักวิชาการ".into(),
                    requester_contact: "042".into(),
                    category: "news/jobs".into(),
                    period_from: None,
                    period_to: None,
                    end: Some(date(2026, 1, 31)),
                };
                let rid = requests::create(c, uid, 2569, "published", &fields, &[], |_, _| Ok(()))?;
                let item = |title: &str, end| NewItem {
                    expires_on: end,
                    request_id: Some(rid),
                    ..NewItem::sample("news/jobs", title, "2026-01-05T02:00:00Z")
                };
                let id = items::insert(c, &item("ประกาศรับสมัครงาน", Some(date(2026, 1, 31))))?;
                let lasting = items::insert(c, &item("ไม่มีวันสิ้นสุด", None))?;
                Ok((id, rid, lasting))
            })
            .unwrap();

        // On its last day it stays; the day after it comes down.
        assert_eq!(store.run_sync(|c| expire_items(c, date(2026, 1, 31))).unwrap(), 0);
        assert_eq!(store.run_sync(|c| expire_items(c, date(2026, 2, 1))).unwrap(), 1);
        assert_eq!(store.run_sync(|c| expire_items(c, date(2026, 2, 2))).unwrap(), 0, "only once");
        store
            .run_sync(|c| {
                let at = At::from("2026-02-01T05:00:00Z".parse::<jiff::Timestamp>().unwrap());
                assert!(items::visible(c, item_id, at)?.is_none());
                assert_eq!(items::gone(c, item_id, at)?, Some(items::Gone::Expired), "kept, not deleted");
                assert!(items::visible(c, lasting, at)?.is_some());
                assert_eq!(requests::get(c, request_id)?.unwrap().state, "expired");
                let trail = audit::list(c, &audit::Filter::default())?;
                assert!(trail.iter().any(|e| e.action == "request.expire"));
                assert_eq!(notifications::unread_count(c, 1)?, 1, "the requester is told");
                Ok(())
            })
            .unwrap();
    }
}
