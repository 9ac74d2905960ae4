//! Demo compliance data: tags on the demo items (`assets/demo/compliance.toml`) and a few
//! publication requests through the workflow's states, so that the dashboard, `/ita` and the
//! evidence reports have something to show. The requests are dated in fiscal year 2569, so
//! that the first request of the current year is still numbered 0001.

use std::collections::HashMap;

use anyhow::{Context as _, bail};
use jiff::civil::date;
use serde::Deserialize;

use crate::compliance::checklist::Library;
use crate::compliance::period::Period;
use crate::store::Store;
use crate::store::audit::Who;
use crate::store::compliance::{self as tags, NewTag};
use crate::store::requests::{self, Fields, Record, Target};
use crate::store::users;
use crate::workflow::state::{Action, Actor, Role};
use crate::workflow::transition::{self, Transition};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TagFile {
    tag: Vec<DemoTag>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoTag {
    title: String,
    codes: Vec<String>,
    years: Vec<i32>,
    #[serde(default)]
    period: String,
}

/// The demo tags, checked against the embedded checklists; `(title prefix, tags)`.
fn demo_tags() -> anyhow::Result<Vec<(String, Vec<NewTag>)>> {
    let file = super::demo_file("compliance.toml")?;
    let parsed: TagFile = toml::from_str(std::str::from_utf8(&file)?).context("demo compliance.toml")?;
    let lib = Library::new(Vec::new());
    let mut out = Vec::new();
    for t in parsed.tag {
        if Period::parse(&t.period).is_none() {
            bail!("demo tag {}: bad period {}", t.title, t.period);
        }
        let mut list = Vec::new();
        for fy in &t.years {
            for value in &t.codes {
                let (scheme, code) = value.split_once('|').context("demo tag code needs SCHEME|CODE")?;
                if lib.resolve(scheme, *fy).and_then(|l| l.item(code)).is_none() {
                    bail!("demo tag {}: no {value} in the {fy} checklist", t.title);
                }
                list.push(NewTag {
                    scheme: scheme.into(),
                    code: code.into(),
                    fiscal_year: *fy,
                    period: t.period.clone(),
                });
            }
        }
        out.push((t.title, list));
    }
    Ok(out)
}

/// Tags the demo items (by title) and records a few requests. `items` maps titles to ids.
pub fn fill(store: &Store, items: &HashMap<String, i64>) -> anyhow::Result<()> {
    let wanted = demo_tags()?;
    let find = |prefix: &str| items.iter().find(|(t, _)| t.starts_with(prefix)).map(|(_, id)| *id);
    let mut plan = Vec::new();
    for (prefix, list) in wanted {
        let id = find(&prefix).with_context(|| format!("no demo item titled {prefix}…"))?;
        plan.push((id, list));
    }
    let published = |prefix: &str| find(prefix).with_context(|| format!("no demo item titled {prefix}…"));
    let requests = [
        (
            "สรุปผลการดำเนินการจัดซื้อจัดจ้าง ประจำเดือนกุมภาพันธ์ 2569 (แบบ สขร.1)",
            "news/procurement-results",
            date(2026, 3, 4),
            Some(published("สรุปผลการดำเนินการจัดซื้อจัดจ้าง ประจำเดือนกุมภาพันธ์")?),
            None,
        ),
        (
            "เปิดให้บริการฉีดวัคซีนป้องกันโรคไข้หวัดใหญ่ ปีงบประมาณ 2570",
            "news/general",
            date(2026, 9, 28),
            Some(published("เปิดให้บริการฉีดวัคซีนป้องกันโรคไข้หวัดใหญ่")?),
            None,
        ),
        (
            "ประกาศรับสมัครพนักงานกระทรวงสาธารณสุขทั่วไป ตำแหน่งนักวิชาการสาธารณสุข",
            "news/jobs",
            date(2026, 9, 29),
            Some(published("ประกาศรับสมัครบุคคลเพื่อเลือกสรรเป็นพนักงานกระทรวงสาธารณสุขทั่วไป")?),
            None,
        ),
        (
            "เตือนภัยสุขภาพช่วงฤดูหนาวและฤดูท่องเที่ยว จังหวัดเลย",
            "news/alerts",
            date(2026, 9, 30),
            Some(published("เตือนภัยสุขภาพช่วงฤดูหนาว")?),
            None,
        ),
        (
            "ภาพกิจกรรมงานเลี้ยงปีใหม่ของเจ้าหน้าที่",
            "news/activities",
            date(2026, 9, 15),
            None,
            Some("เป็นกิจกรรมภายใน ไม่เกี่ยวกับภารกิจของหน่วยงาน และมีภาพบุคคลที่ยังไม่ได้รับความยินยอม"),
        ),
        (
            "สรุปผลการจัดซื้อจัดจ้าง ประจำเดือนสิงหาคม 2569 (แบบ สขร.1)",
            "news/procurement-results",
            date(2026, 9, 25),
            None,
            None,
        ),
    ];
    let (staff, head, webmaster, requester) = store.run_sync(|c| {
        let id_of = |name: &str| -> crate::store::StoreResult<i64> {
            Ok(users::for_login(c, name)?.map(|(u, _)| u.id).unwrap_or_default())
        };
        let (staff, head, webmaster) = (id_of("staff")?, id_of("head")?, id_of("webmaster")?);
        for (item, list) in &plan {
            tags::add_tags(c, *item, list, Some(webmaster))?;
        }
        // The complaint statistics of every quarter that has ended were checked and published.
        let by = Who { user_id: Some(webmaster), address: "demo".into() };
        let today = crate::thai::today();
        for fy in 2568..=crate::thai::fiscal_year(today) {
            for q in 1..=4u8 {
                if Period::Quarter(q).range(fy).1 < today {
                    tags::publish_quarter(c, fy, q, &by)?;
                }
            }
        }
        Ok((staff, head, webmaster, users::by_id(c, staff)?))
    })?;
    let who = |id: i64| Who { user_id: Some(id), address: "demo".into() };
    let actor = |id: i64, role: Role| Actor { user_id: id, roles: [role].into_iter().collect() };
    for (topic, category, day, item, rejection) in &requests {
        let fields = Fields {
            unit: requester.as_ref().map(|u| u.unit.clone()).unwrap_or_default(),
            request_date: *day,
            topic: (*topic).into(),
            details: format!("ขอเผยแพร่{topic} บนเว็บไซต์ของหน่วยงาน"),
            link: None,
            remarks: None,
            requester_name: requester.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
            requester_position: requester.as_ref().map(|u| u.position.clone()).unwrap_or_default(),
            requester_contact: "042 812665".into(),
            category: (*category).into(),
            period_from: None,
            period_to: None,
            end: None,
        };
        // Through the workflow, as people would: sent, then decided (and published).
        let fy = crate::thai::fiscal_year(*day);
        let create =
            transition::plan(&Transition::Create { submit: true }, None, &actor(staff, Role::Staff))?;
        let target = Target::New {
            requester_id: staff,
            fiscal_year: fy,
            fields: &fields,
            files: &[],
            amendment: None,
        };
        let as_staff = who(staff);
        let rec = Record {
            who: &as_staff,
            actor_id: staff,
            edit: None,
            item: None,
            amendment: None,
            tag_year: None,
        };
        let id = store.run_sync(|c| Ok(requests::record(c, target, &create, rec)))??;
        let steps = match (item, rejection) {
            (Some(_), _) => {
                vec![(head, Role::Approver, Action::Approve), (webmaster, Role::WebMaster, Action::Publish)]
            }
            (None, Some(reason)) => vec![(head, Role::Approver, Action::Reject { reason: (*reason).into() })],
            (None, None) => Vec::new(),
        };
        for (uid, role, action) in steps {
            let r = store.run_sync(|c| requests::get(c, id))?.context("demo request")?;
            let p = transition::plan(&Transition::Act(action), Some(&r.facts()), &actor(uid, role))?;
            let by = who(uid);
            let rec =
                Record { who: &by, actor_id: uid, edit: None, item: None, amendment: None, tag_year: None };
            store.run_sync(|c| Ok(requests::record(c, Target::Existing(&r), &p, rec)))??;
        }
        if let Some(item) = item {
            store.run_sync(|c| requests::link_item(c, id, *item))?;
        }
    }
    // The demo's history is old news: nobody has unread notices about it.
    store.run_sync(|c| {
        for id in [staff, head, webmaster] {
            crate::store::notifications::mark_all_read(c, id)?;
        }
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_tags_name_real_checklist_items() {
        // demo_tags() refuses a code that the checklist of its year does not have.
        let tags = demo_tags().unwrap();
        assert!(tags.len() >= 20);
        assert!(tags.iter().flat_map(|(_, t)| t).any(|t| t.period == "M02"));
    }
}
