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

/// Runs the jobs every [`PERIOD`] until the process ends; `changed` is called when public
/// content changed (to drop cached pages).
pub async fn run(store: Store, changed: impl Fn() + Send + 'static) {
    let mut tick = tokio::time::interval(PERIOD);
    loop {
        tick.tick().await;
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
