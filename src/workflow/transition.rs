//! What a change to a request *does*, as data: the state it moves to, the audit lines, who is
//! told what, and what happens to the public item.
//!
//! [`plan`] is pure: it asks [`decide`] (or [`may_edit`]) whether the change is allowed and
//! returns a [`Plan`]. `store::requests::record` applies a plan in one SQLite transaction.
//! Web handlers and the scheduler only call the two, so every path through the workflow has the
//! same consequences, and a new transition is one new arm here, tested in the table below.

use super::audit::AuditAction;
use super::state::{Action, Actor, Refusal, RequestFacts, Role, State, decide, may_amend, may_edit};

/// A change someone wants to make to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// A new request: kept as a draft, or sent to the approvers at once.
    Create {
        /// Send it at once.
        submit: bool,
    },
    /// New fields and files for a draft or rejected request, optionally sent again.
    Edit {
        /// Send it after saving.
        submit: bool,
    },
    /// A new request that amends a published or withdrawn item, planned against the item's
    /// current request (its facts decide who may). It then goes the way of any request; when
    /// it is published the item is revised at the same address.
    Amend {
        /// Send it at once.
        submit: bool,
    },
    /// A lifecycle action (approve, publish, withdraw, expire …).
    Act(Action),
}

/// What an audit line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The request (`request/N`).
    Request,
    /// Its public item (`item/N`).
    Item,
    /// Each earlier request of the item that a published amendment replaces (`request/M`).
    Superseded,
}

/// The free text of an audit line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// Nothing to add.
    None,
    /// The request's topic (known to the store, not to the plan).
    Topic,
    /// A reason or a verbal approver, as typed.
    Text(String),
}

/// One line the change adds to the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    /// What happened.
    pub action: AuditAction,
    /// What it happened to.
    pub subject: Subject,
    /// What else the trail keeps.
    pub detail: Detail,
}

/// Who a notice goes to. The person acting is never told about their own action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipients {
    /// The request's requester.
    Requester,
    /// Every account holding this role.
    Role(Role),
    /// The request's routed approvers: its unit's heads, or the director when the requester is
    /// a head or the unit has no head available, and their acting approvers
    /// ([`RequestFacts::approvers`], resolved by the store).
    UnitApprovers,
}

/// Which message a notice carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A request waits for approval.
    AwaitsApproval,
    /// The request was approved.
    Approved,
    /// The request was rejected (the detail is the reason).
    Rejected,
    /// The request is on the public site.
    Published,
    /// A verbal approval waits for the approver to confirm it.
    ConfirmVerbal,
    /// The item was withdrawn (the detail is the reason).
    Withdrawn,
    /// The item reached its end date.
    Expired,
    /// An amendment was published: the item shows its new revision at the same address.
    Revised,
    /// An amendment waiting for its date was cancelled because the item was withdrawn (the
    /// detail is the withdrawal's reason).
    PendingCancelled,
}

impl NoticeKind {
    /// The notice's Thai text. `reason` is the decision's reason (reject, withdraw), and
    /// `scheduled` the Thai date it goes live when that is still to come. The text names no
    /// address: the notice's link leads to the item or the request.
    pub fn text(self, topic: &str, reason: &str, scheduled: Option<&str>) -> String {
        match (self, scheduled) {
            (NoticeKind::Published, Some(on)) => {
                return format!("ข้อมูล \"{topic}\" กำหนดเผยแพร่บนเว็บไซต์วันที่ {on}");
            }
            (NoticeKind::Revised, Some(on)) => {
                return format!("ฉบับแก้ไขของ \"{topic}\" กำหนดเผยแพร่วันที่ {on} ที่อยู่ของรายการไม่เปลี่ยน");
            }
            _ => {}
        }
        match self {
            NoticeKind::AwaitsApproval => format!("มีคำขอเผยแพร่ข้อมูลรออนุมัติ: {topic}"),
            NoticeKind::Approved => format!("คำขอ \"{topic}\" ได้รับอนุมัติแล้ว"),
            NoticeKind::Rejected => format!("คำขอ \"{topic}\" ไม่ได้รับอนุมัติ: {reason}"),
            NoticeKind::Published => format!("ข้อมูล \"{topic}\" เผยแพร่บนเว็บไซต์แล้ว"),
            NoticeKind::ConfirmVerbal => format!("เผยแพร่ตามการอนุมัติด้วยวาจา รอท่านยืนยันในระบบ: {topic}"),
            NoticeKind::Withdrawn => format!("ข้อมูล \"{topic}\" ถูกถอนการเผยแพร่: {reason}"),
            NoticeKind::Expired => format!("ข้อมูล \"{topic}\" ครบระยะเวลาเผยแพร่และถูกนำลงจากเว็บไซต์แล้ว"),
            NoticeKind::Revised => format!("ฉบับแก้ไขของ \"{topic}\" เผยแพร่แล้ว ที่อยู่ของรายการไม่เปลี่ยน"),
            NoticeKind::PendingCancelled => format!(
                "ฉบับแก้ไขของ \"{topic}\" ที่รอเผยแพร่ถูกยกเลิกและจะไม่เผยแพร่ เพราะข้อมูลถูกถอนการเผยแพร่: {reason}"
            ),
        }
    }
}

/// Where a notice's link leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The request's staff page.
    Request,
    /// The public item.
    Item,
}

/// One in-app notice (and e-mail, when SMTP is set up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    /// Who is told.
    pub to: Recipients,
    /// What they are told.
    pub kind: NoticeKind,
    /// Where the notice links to.
    pub link: Link,
}

/// What happens to the public item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemChange {
    /// Nothing.
    None,
    /// A new item is created from the request (with the web master's metadata).
    Create,
    /// The amended item gets the request's content as a new revision, at the same address,
    /// and is back on the site if it was withdrawn.
    Revise,
    /// The item comes down as withdrawn (kept, not deleted).
    Withdraw,
    /// The item comes down as expired (kept, not deleted).
    Expire,
    /// The request's pending revision (an amendment dated later) is dropped; the item is not
    /// touched.
    CancelPending,
}

/// Everything a change brings besides the new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effects {
    /// Audit lines, in order.
    pub audit: Vec<AuditLine>,
    /// Notices to send.
    pub notices: Vec<Notice>,
    /// The item change.
    pub item: ItemChange,
}

/// An allowed change and all its consequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The state the decision was based on; `None` for a new request. The store applies the
    /// plan only if the request is still in this state.
    pub from: Option<State>,
    /// The new state.
    pub next: State,
    /// The new verbal-approval flag.
    pub verbal_pending: bool,
    /// Who approved verbally and when, when publishing on a verbal approval.
    pub verbal_approval: Option<(String, jiff::civil::Date)>,
    /// What follows.
    pub effects: Effects,
}

/// What an acting approver's decisions say before the name of the person stood in for.
pub const ACTING_FOR: &str = "ปฏิบัติราชการแทน";

/// Decides whether `actor` may make `transition` on a request (`facts`; `None` for a new one)
/// and what it brings. Refusals carry the Thai message of [`decide`].
pub fn plan(transition: &Transition, facts: Option<&RequestFacts>, actor: &Actor) -> Result<Plan, Refusal> {
    use AuditAction as A;
    let line = |action, detail: &str| AuditLine {
        action,
        subject: Subject::Request,
        detail: if detail.is_empty() { Detail::None } else { Detail::Text(detail.to_owned()) },
    };
    let notice = |to, kind, link| Notice { to, kind, link };
    let approvers = Recipients::UnitApprovers;
    let awaits = notice(approvers, NoticeKind::AwaitsApproval, Link::Request);
    match transition {
        Transition::Create { submit } => {
            let mut audit = vec![AuditLine {
                action: A::RequestCreate,
                subject: Subject::Request,
                detail: Detail::Topic,
            }];
            let mut notices = Vec::new();
            if *submit {
                audit.push(line(A::RequestSubmit, ""));
                notices.push(awaits);
            }
            let next = if *submit { State::Submitted } else { State::Draft };
            Ok(Plan {
                from: None,
                next,
                verbal_pending: false,
                verbal_approval: None,
                effects: Effects { audit, notices, item: ItemChange::None },
            })
        }
        Transition::Edit { submit } => {
            let facts = facts.ok_or(Refusal::NoRequest)?;
            if !may_edit(facts, actor) {
                return Err(Refusal::NotEditable);
            }
            let mut audit = vec![line(A::RequestEdit, "")];
            let mut notices = Vec::new();
            let (next, verbal_pending) = if *submit {
                let out = decide(facts, &Action::Submit, actor)?;
                audit.push(line(A::RequestSubmit, ""));
                notices.push(awaits);
                (out.next, out.verbal_pending)
            } else {
                (facts.state, facts.verbal_pending)
            };
            Ok(Plan {
                from: Some(facts.state),
                next,
                verbal_pending,
                verbal_approval: None,
                effects: Effects { audit, notices, item: ItemChange::None },
            })
        }
        Transition::Amend { submit } => {
            let current = facts.ok_or(Refusal::NoRequest)?;
            may_amend(current, actor)?;
            let mut audit =
                vec![AuditLine { action: A::RequestAmend, subject: Subject::Request, detail: Detail::Topic }];
            let mut notices = Vec::new();
            if *submit {
                audit.push(line(A::RequestSubmit, ""));
                notices.push(awaits);
            }
            Ok(Plan {
                from: None,
                next: if *submit { State::Submitted } else { State::Draft },
                verbal_pending: false,
                verbal_approval: None,
                effects: Effects { audit, notices, item: ItemChange::None },
            })
        }
        Transition::Act(action) => {
            let facts = facts.ok_or(Refusal::NoRequest)?;
            let out = decide(facts, action, actor)?;
            // Publishing an amendment revises its item instead of making a new one.
            let (made, told) = if facts.amendment {
                (ItemChange::Revise, NoticeKind::Revised)
            } else {
                (ItemChange::Create, NoticeKind::Published)
            };
            let revised = |first: AuditLine| {
                let mut lines = vec![first];
                if facts.amendment {
                    lines.push(AuditLine {
                        action: A::ItemRevise,
                        subject: Subject::Item,
                        detail: Detail::None,
                    });
                    lines.push(AuditLine {
                        action: A::RequestSupersede,
                        subject: Subject::Superseded,
                        detail: Detail::None,
                    });
                }
                lines
            };
            // An acting approver's decision says for whom it was made (ปฏิบัติราชการแทน).
            let acting = facts.approver(actor).and_then(|a| a.acting_for.as_deref());
            let on_behalf = |text: &str| match (acting, text.is_empty()) {
                (Some(name), true) => format!("{ACTING_FOR} {name}"),
                (Some(name), false) => format!("{text} ({ACTING_FOR} {name})"),
                (None, _) => text.to_owned(),
            };
            let requester = |kind, link| notice(Recipients::Requester, kind, link);
            let (audit, notices, item) = match action {
                Action::Submit => (vec![line(A::RequestSubmit, "")], vec![awaits], ItemChange::None),
                Action::Approve => (
                    vec![line(A::RequestApprove, &on_behalf(""))],
                    vec![requester(NoticeKind::Approved, Link::Request)],
                    ItemChange::None,
                ),
                Action::Reject { reason } => (
                    vec![line(A::RequestReject, &on_behalf(reason.trim()))],
                    vec![requester(NoticeKind::Rejected, Link::Request)],
                    ItemChange::None,
                ),
                Action::Publish => {
                    (revised(line(A::RequestPublish, "")), vec![requester(told, Link::Item)], made)
                }
                Action::PublishOnVerbalApproval { approved_by, approved_on } => (
                    revised(line(
                        A::RequestPublishVerbal,
                        &format!(
                            "{} ({})",
                            approved_by.trim(),
                            crate::thai::date_long(*approved_on, crate::thai::Digits::Arabic)
                        ),
                    )),
                    vec![
                        requester(told, Link::Item),
                        notice(approvers, NoticeKind::ConfirmVerbal, Link::Request),
                    ],
                    made,
                ),
                Action::ConfirmVerbalApproval => {
                    (vec![line(A::RequestConfirmVerbal, &on_behalf(""))], Vec::new(), ItemChange::None)
                }
                Action::Withdraw { reason } => (
                    vec![line(A::RequestWithdraw, reason.trim())],
                    vec![requester(NoticeKind::Withdrawn, Link::Request)],
                    ItemChange::Withdraw,
                ),
                Action::Expire => (
                    vec![
                        AuditLine { action: A::ItemExpire, subject: Subject::Item, detail: Detail::None },
                        line(A::RequestExpire, ""),
                    ],
                    vec![requester(NoticeKind::Expired, Link::Request)],
                    ItemChange::Expire,
                ),
                Action::CancelPending { reason } => (
                    vec![line(A::RequestCancelPending, reason.trim())],
                    vec![requester(NoticeKind::PendingCancelled, Link::Request)],
                    ItemChange::CancelPending,
                ),
            };
            let verbal_approval = match action {
                Action::PublishOnVerbalApproval { approved_by, approved_on } => {
                    Some((approved_by.trim().to_owned(), *approved_on))
                }
                _ => None,
            };
            Ok(Plan {
                from: Some(facts.state),
                next: out.next,
                verbal_pending: out.verbal_pending,
                verbal_approval,
                effects: Effects { audit, notices, item },
            })
        }
    }
}

/// The reason a plan records (reject, withdraw), for notice texts; empty when there is none.
pub fn reason(plan: &Plan) -> &str {
    plan.effects
        .audit
        .iter()
        .find_map(|l| match &l.detail {
            Detail::Text(t) if l.subject == Subject::Request => Some(t.as_str()),
            _ => None,
        })
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::state::{ActionKind, Roles};
    use AuditAction as A;
    use ItemChange as I;
    use Link as L;
    use NoticeKind as N;
    use jiff::civil::date;

    const REQUESTER: i64 = 7;
    const OTHER: i64 = 8;

    fn actor(id: i64, roles: &str) -> Actor {
        Actor { user_id: id, roles: Roles::parse_list(roles).unwrap() }
    }

    fn action(kind: ActionKind) -> Action {
        crate::workflow::state::sample_action(kind)
    }

    /// A request by [`REQUESTER`] routed to [`OTHER`].
    fn facts_of(state: State, verbal_pending: bool) -> RequestFacts {
        RequestFacts {
            state,
            requester_id: REQUESTER,
            verbal_pending,
            amendment: false,
            approvers: vec![crate::workflow::state::Approver::own(OTHER)],
        }
    }

    type Row = (&'static str, State, bool, Actor, State, &'static [A], &'static [(Recipients, N, L)], I);

    /// Every transition's consequences, written out: (what, from, verbal flag before, who,
    /// to, audit actions, notices, item change).
    fn table() -> Vec<(Transition, Row)> {
        use State as S;
        let staff = actor(REQUESTER, "staff");
        let head = actor(OTHER, "approver");
        let web = actor(OTHER, "webmaster");
        let system = Actor::system();
        const REQ: Recipients = Recipients::Requester;
        const HEADS: Recipients = Recipients::UnitApprovers;
        let act = |k| Transition::Act(action(k));
        let amend = |submit| Transition::Amend { submit };
        #[rustfmt::skip]
        let rows: Vec<(Transition, Row)> = vec![
            (Transition::Create { submit: false }, ("create draft", S::Draft, false, staff, S::Draft, &[A::RequestCreate], &[], I::None)),
            (Transition::Create { submit: true }, ("create and send", S::Draft, false, staff, S::Submitted, &[A::RequestCreate, A::RequestSubmit], &[(HEADS, N::AwaitsApproval, L::Request)], I::None)),
            (Transition::Edit { submit: false }, ("edit draft", S::Draft, false, staff, S::Draft, &[A::RequestEdit], &[], I::None)),
            (Transition::Edit { submit: false }, ("edit rejected", S::Rejected, false, staff, S::Rejected, &[A::RequestEdit], &[], I::None)),
            (Transition::Edit { submit: true }, ("edit and resend", S::Rejected, false, staff, S::Submitted, &[A::RequestEdit, A::RequestSubmit], &[(HEADS, N::AwaitsApproval, L::Request)], I::None)),
            (act(ActionKind::Submit), ("submit", S::Draft, false, staff, S::Submitted, &[A::RequestSubmit], &[(HEADS, N::AwaitsApproval, L::Request)], I::None)),
            (act(ActionKind::Approve), ("approve", S::Submitted, false, head, S::Approved, &[A::RequestApprove], &[(REQ, N::Approved, L::Request)], I::None)),
            (act(ActionKind::Reject), ("reject", S::Submitted, false, head, S::Rejected, &[A::RequestReject], &[(REQ, N::Rejected, L::Request)], I::None)),
            (act(ActionKind::Publish), ("publish", S::Approved, false, web, S::Published, &[A::RequestPublish], &[(REQ, N::Published, L::Item)], I::Create)),
            (act(ActionKind::PublishOnVerbalApproval), ("publish verbal", S::Submitted, false, web, S::Published, &[A::RequestPublishVerbal], &[(REQ, N::Published, L::Item), (HEADS, N::ConfirmVerbal, L::Request)], I::Create)),
            (act(ActionKind::ConfirmVerbalApproval), ("confirm verbal", S::Published, true, head, S::Published, &[A::RequestConfirmVerbal], &[], I::None)),
            (act(ActionKind::Withdraw), ("withdraw", S::Published, false, web, S::Withdrawn, &[A::RequestWithdraw], &[(REQ, N::Withdrawn, L::Request)], I::Withdraw)),
            (act(ActionKind::Expire), ("expire", S::Published, false, system, S::Expired, &[A::ItemExpire, A::RequestExpire], &[(REQ, N::Expired, L::Request)], I::Expire)),
            (act(ActionKind::CancelPending), ("cancel a pending amendment", S::Published, false, system, S::Withdrawn, &[A::RequestCancelPending], &[(REQ, N::PendingCancelled, L::Request)], I::CancelPending)),
            (act(ActionKind::ConfirmVerbalApproval), ("confirm verbal of a superseded request", S::Superseded, true, head, S::Superseded, &[A::RequestConfirmVerbal], &[], I::None)),
            // Amendments: planned against the item's current request (from = None: a new request).
            (amend(false), ("amend (draft)", S::Published, false, staff, S::Draft, &[A::RequestAmend], &[], I::None)),
            (amend(true), ("amend and send", S::Published, false, staff, S::Submitted, &[A::RequestAmend, A::RequestSubmit], &[(HEADS, N::AwaitsApproval, L::Request)], I::None)),
            (amend(true), ("web master amends", S::Published, false, web, S::Submitted, &[A::RequestAmend, A::RequestSubmit], &[(HEADS, N::AwaitsApproval, L::Request)], I::None)),
            (amend(true), ("amend a withdrawn item (republish)", S::Withdrawn, false, staff, S::Submitted, &[A::RequestAmend, A::RequestSubmit], &[(HEADS, N::AwaitsApproval, L::Request)], I::None)),
        ];
        rows
    }

    /// Rows for requests that are amendments (`amendment: true`).
    fn amendment_table() -> Vec<(Transition, Row)> {
        use State as S;
        let head = actor(OTHER, "approver");
        let web = actor(OTHER, "webmaster");
        const REQ: Recipients = Recipients::Requester;
        const HEADS: Recipients = Recipients::UnitApprovers;
        let act = |k| Transition::Act(action(k));
        #[rustfmt::skip]
        let rows: Vec<(Transition, Row)> = vec![
            (act(ActionKind::Approve), ("approve amendment", S::Submitted, false, head, S::Approved, &[A::RequestApprove], &[(REQ, N::Approved, L::Request)], I::None)),
            (act(ActionKind::Reject), ("reject amendment", S::Submitted, false, head, S::Rejected, &[A::RequestReject], &[(REQ, N::Rejected, L::Request)], I::None)),
            (act(ActionKind::Publish), ("publish amendment", S::Approved, false, web, S::Published, &[A::RequestPublish, A::ItemRevise, A::RequestSupersede], &[(REQ, N::Revised, L::Item)], I::Revise)),
            (act(ActionKind::PublishOnVerbalApproval), ("publish amendment verbal", S::Submitted, false, web, S::Published, &[A::RequestPublishVerbal, A::ItemRevise, A::RequestSupersede], &[(REQ, N::Revised, L::Item), (HEADS, N::ConfirmVerbal, L::Request)], I::Revise)),
            (act(ActionKind::ConfirmVerbalApproval), ("confirm verbal amendment", S::Published, true, head, S::Published, &[A::RequestConfirmVerbal], &[], I::None)),
            (act(ActionKind::CancelPending), ("cancel pending amendment (item withdrawn)", S::Published, false, Actor::system(), S::Withdrawn, &[A::RequestCancelPending], &[(REQ, N::PendingCancelled, L::Request)], I::CancelPending)),
            (act(ActionKind::Withdraw), ("withdraw amended item", S::Published, false, web, S::Withdrawn, &[A::RequestWithdraw], &[(REQ, N::Withdrawn, L::Request)], I::Withdraw)),
        ];
        rows
    }

    #[test]
    fn every_transition_has_the_effects_in_the_table() {
        let rows = table();
        // Every action kind and both create/edit variants appear.
        for kind in ActionKind::ALL {
            assert!(
                rows.iter().any(|(t, _)| matches!(t, Transition::Act(a) if a.kind() == kind)),
                "{kind:?}"
            );
        }
        let rows =
            rows.into_iter().map(|r| (false, r)).chain(amendment_table().into_iter().map(|r| (true, r)));
        for (amendment, (t, (what, from, verbal, who, to, audit, notices, item))) in rows {
            let facts = RequestFacts { amendment, ..facts_of(from, verbal) };
            let facts = (!matches!(t, Transition::Create { .. })).then_some(facts);
            let got = plan(&t, facts.as_ref(), &who).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(got.next, to, "{what}");
            let new_request = matches!(t, Transition::Amend { .. });
            assert_eq!(got.from, facts.as_ref().filter(|_| !new_request).map(|f| f.state), "{what}");
            assert!(
                got.effects
                    .audit
                    .iter()
                    .all(|l| !matches!(&l.detail, Detail::Text(t) if t.contains(ACTING_FOR)))
            );
            assert_eq!(got.effects.audit.iter().map(|l| l.action).collect::<Vec<_>>(), audit, "{what}");
            let want: Vec<Notice> =
                notices.iter().map(|&(to, kind, link)| Notice { to, kind, link }).collect();
            assert_eq!(got.effects.notices, want, "{what}");
            assert_eq!(got.effects.item, item, "{what}");
        }
    }

    #[test]
    fn refused_transitions_plan_nothing() {
        let staff = actor(REQUESTER, "staff");
        let other = actor(OTHER, "staff,approver,webmaster,admin");
        let published = facts_of(State::Published, false);
        let draft = facts_of(State::Draft, false);
        // Nobody edits a published request through Edit (amendments are their own transition).
        assert!(plan(&Transition::Edit { submit: false }, Some(&published), &staff).is_err());
        // Nobody else edits a draft.
        assert!(plan(&Transition::Edit { submit: true }, Some(&draft), &other).is_err());
        // The rules of `decide` hold: a staff member cannot approve.
        assert!(plan(&Transition::Act(Action::Approve), Some(&draft), &staff).is_err());
        assert!(plan(&Transition::Act(Action::Approve), None, &other).is_err());
        // Amendments: not of an expired item, not by another staff member, not of nothing.
        let expired = RequestFacts { state: State::Expired, ..published.clone() };
        assert!(matches!(
            plan(&Transition::Amend { submit: true }, Some(&expired), &staff),
            Err(Refusal::NotAmendable { state: State::Expired })
        ));
        assert!(
            plan(
                &Transition::Amend { submit: true },
                Some(&published),
                &actor(OTHER, "staff,approver,admin")
            )
            .is_err()
        );
        assert!(plan(&Transition::Amend { submit: true }, None, &staff).is_err());
        assert!(plan(&Transition::Amend { submit: true }, Some(&draft), &staff).is_err());
    }

    #[test]
    fn scheduled_publication_notices_say_when() {
        let text = NoticeKind::Published.text("ประกาศ", "", Some("1 ม.ค. 2570"));
        assert!(
            text.contains("กำหนดเผยแพร่")
                && text.contains("1 ม.ค. 2570")
                && !text.contains("เผยแพร่บนเว็บไซต์แล้ว"),
            "{text}"
        );
        let text = NoticeKind::Revised.text("ประกาศ", "", None);
        assert!(!text.contains("/items/") && text.contains("ฉบับแก้ไข"), "no raw address: {text}");
    }

    #[test]
    fn reasons_travel_to_the_trail_and_the_notice() {
        let facts = facts_of(State::Submitted, false);
        let reject =
            Transition::Act(Action::Reject { reason: "  เอกสารไม่ครบ ".into() });
        let p = plan(&reject, Some(&facts), &actor(OTHER, "approver")).unwrap();
        assert_eq!(reason(&p), "เอกสารไม่ครบ");
        assert_eq!(
            NoticeKind::Rejected.text("ประกาศรับสมัคร", reason(&p), None),
            "คำขอ \"ประกาศรับสมัคร\" ไม่ได้รับอนุมัติ: เอกสารไม่ครบ"
        );
        let verbal = Transition::Act(action(ActionKind::PublishOnVerbalApproval));
        let p = plan(&verbal, Some(&facts), &actor(OTHER, "webmaster")).unwrap();
        assert_eq!(reason(&p), "นางสาวสมใจ ใจดี (31 มกราคม 2569)");
        assert_eq!(p.verbal_approval, Some(("นางสาวสมใจ ใจดี".into(), date(2026, 1, 31))));
        assert!(p.verbal_pending);
    }

    #[test]
    fn an_acting_approver_decides_for_the_person_stood_in_for() {
        let facts = RequestFacts {
            approvers: vec![crate::workflow::state::Approver {
                user_id: OTHER,
                acting_for: Some("นายวีระพงษ์ ทองมา".into()),
            }],
            ..facts_of(State::Submitted, false)
        };
        let delegate = actor(OTHER, "staff");
        let p = plan(&Transition::Act(Action::Approve), Some(&facts), &delegate).unwrap();
        assert_eq!(p.effects.audit[0].detail, Detail::Text("ปฏิบัติราชการแทน นายวีระพงษ์ ทองมา".into()));
        let reject = Transition::Act(Action::Reject { reason: "ซ้ำ".into() });
        let p = plan(&reject, Some(&facts), &delegate).unwrap();
        assert_eq!(reason(&p), "ซ้ำ (ปฏิบัติราชการแทน นายวีระพงษ์ ทองมา)");
        // Someone else with the approver role is not routed, so refused.
        assert!(plan(&Transition::Act(Action::Approve), Some(&facts), &actor(9, "approver")).is_err());
    }
}
