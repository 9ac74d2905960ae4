//! The life of a publication request (seed 2.1, 3.2) and who may move it along.
//!
//! ```text
//! draft ─submit→ submitted ─approve→ approved ─publish→ published ─expire→ expired
//!   ↑               │  └─reject→ rejected ─submit→ submitted        └─withdraw→ withdrawn
//!   (edit)          └─publish on verbal approval→ published (flagged until confirmed)
//!
//! published or withdrawn item ─amend→ a new request (an amendment) that goes the same way;
//! publishing it revises the item at the same address and the item's previous request
//! becomes `superseded` (a verbal approval on it can still be confirmed).
//! ```
//!
//! [`decide`] is the single place these rules live: the web layer asks it before every change
//! and records the [`Outcome`], so a button that should not be there cannot do anything either.

use jiff::civil::Date;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Being written by the requester; only they see it.
    Draft,
    /// Waiting for an approver.
    Submitted,
    /// Approved, waiting for a web master to publish it.
    Approved,
    /// Not approved; the requester sees the reason and may edit and resubmit.
    Rejected,
    /// On the public site.
    Published,
    /// Its publication period ended; taken down but kept.
    Expired,
    /// Taken down by a web master or administrator before its end date; kept.
    Withdrawn,
    /// Its item was revised by a published amendment: its content is a past revision.
    Superseded,
}

impl State {
    /// Every state, in lifecycle order.
    pub const ALL: [State; 8] = [
        State::Draft,
        State::Submitted,
        State::Approved,
        State::Rejected,
        State::Published,
        State::Expired,
        State::Withdrawn,
        State::Superseded,
    ];

    /// The stored name, lower-case English.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Approved => "approved",
            State::Rejected => "rejected",
            State::Published => "published",
            State::Expired => "expired",
            State::Withdrawn => "withdrawn",
            State::Superseded => "superseded",
        }
    }

    /// The state with this stored name.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The Thai name shown to people.
    pub fn label_th(self) -> &'static str {
        match self {
            State::Draft => "ฉบับร่าง",
            State::Submitted => "รออนุมัติ",
            State::Approved => "อนุมัติแล้ว",
            State::Rejected => "ไม่อนุมัติ",
            State::Published => "เผยแพร่แล้ว",
            State::Expired => "หมดระยะเวลาเผยแพร่",
            State::Withdrawn => "ถอนการเผยแพร่",
            State::Superseded => "มีฉบับแก้ไขแทนแล้ว",
        }
    }
}

/// A role an account can hold; one account may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Staff who request publication (any account may request; this role marks staff).
    Staff,
    /// Head of a work group who approves or rejects requests (seed 3.2.1–3.2.3).
    Approver,
    /// Puts approved information on the site (seed 2.1.3, 4.1).
    WebMaster,
    /// Manages accounts and settings; in the workflow only withdraws published items.
    Admin,
    /// The office director (ผู้อำนวยการ / สาธารณสุขอำเภอ), above the units: decides the requests
    /// of unit heads and of units without an available head.
    Director,
    /// Complaints officer (เจ้าหน้าที่รับเรื่องร้องเรียน): handles complaints from the public;
    /// corruption and misconduct cases are theirs and the director's alone.
    Complaints,
}

impl Role {
    /// Every role, in the stable order used by [`Roles::to_list`].
    pub const ALL: [Role; 6] =
        [Role::Staff, Role::Approver, Role::WebMaster, Role::Admin, Role::Director, Role::Complaints];

    /// The stored name, lower-case English.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Approver => "approver",
            Role::WebMaster => "webmaster",
            Role::Admin => "admin",
            Role::Director => "director",
            Role::Complaints => "complaints",
        }
    }

    /// The role with this stored name (case and surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim();
        Role::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(s))
    }

    /// The Thai name shown to people.
    pub fn label_th(self) -> &'static str {
        match self {
            Role::Staff => "เจ้าหน้าที่ผู้ขอเผยแพร่",
            Role::Approver => "หัวหน้ากลุ่มงาน (ผู้อนุมัติ)",
            Role::WebMaster => "ผู้ดูแลเว็บไซต์ (Web Master)",
            Role::Admin => "ผู้ดูแลระบบ",
            Role::Director => "ผู้อำนวยการ (ผู้บริหารสูงสุดของหน่วยงาน)",
            Role::Complaints => "เจ้าหน้าที่รับเรื่องร้องเรียน",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl serde::Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Role, D::Error> {
        let name = String::deserialize(d)?;
        Role::parse(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "ไม่รู้จักบทบาท \"{name}\" (unknown role \"{name}\"; ใช้ได้/allowed: staff, approver, webmaster, admin, director, complaints)"
            ))
        })
    }
}

/// A set of roles, stored as a comma-separated list such as `webmaster,approver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Roles(u8);

impl Roles {
    /// No roles at all.
    pub const EMPTY: Roles = Roles(0);

    /// Whether `role` is in the set.
    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// Adds `role` to the set.
    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }

    /// The roles in the set, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Parses a comma-separated list; blanks are skipped, so `""` is the empty set. The error
    /// names the unknown role in Thai and English.
    pub fn parse_list(list: &str) -> Result<Roles, String> {
        let mut roles = Roles::EMPTY;
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match Role::parse(part) {
                Some(r) => roles.insert(r),
                None => {
                    return Err(format!(
                        "ไม่รู้จักบทบาท \"{part}\" (unknown role \"{part}\"; \
                         ใช้ได้/allowed: staff, approver, webmaster, admin, director, complaints)"
                    ));
                }
            }
        }
        Ok(roles)
    }

    /// The stored form: comma-joined, in [`Role::ALL`] order.
    pub fn to_list(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }
}

impl FromIterator<Role> for Roles {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Roles {
        let mut roles = Roles::EMPTY;
        for r in iter {
            roles.insert(r);
        }
        roles
    }
}

/// Who is acting: a signed-in account, or the scheduler.
///
/// The scheduler (which takes items down at their end date) is [`Actor::system()`]: user id
/// [`Actor::SYSTEM_USER_ID`] with no roles. Account ids are SQLite row ids, which start at 1,
/// so no person can ever be the system, and the system is never anyone's requester.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The account's id, or [`Actor::SYSTEM_USER_ID`].
    pub user_id: i64,
    /// The account's roles.
    pub roles: Roles,
}

impl Actor {
    /// The id the scheduler acts under; never an account's id.
    pub const SYSTEM_USER_ID: i64 = 0;

    /// The scheduler.
    pub fn system() -> Actor {
        Actor { user_id: Actor::SYSTEM_USER_ID, roles: Roles::EMPTY }
    }

    /// Whether this is the scheduler rather than a person.
    pub fn is_system(&self) -> bool {
        self.user_id == Actor::SYSTEM_USER_ID
    }

    fn has(&self, role: Role) -> bool {
        !self.is_system() && self.roles.contains(role)
    }
}

/// Something someone wants to do to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send a draft (or a rejected request, after editing) to the approvers.
    Submit,
    /// Approve a submitted request.
    Approve,
    /// Reject a submitted request; the requester sees the reason (seed 3.2.3).
    Reject {
        /// Why, in the approver's words.
        reason: String,
    },
    /// Put an approved request on the site.
    Publish,
    /// Urgent case (seed 3.2.1): publish a submitted request on a verbal approval, recorded here
    /// and flagged until the approver confirms it in the system.
    PublishOnVerbalApproval {
        /// Name of the person who approved verbally.
        approved_by: String,
        /// When they approved.
        approved_on: Date,
    },
    /// An approver confirms a verbal approval afterwards, clearing the flag.
    ConfirmVerbalApproval,
    /// Take a published item down before its end date.
    Withdraw {
        /// Why; kept in the audit trail.
        reason: String,
    },
    /// The scheduler takes an item down at its end date (seed 4.2).
    Expire,
    /// An amendment published with a later date and still waiting for it is cancelled because
    /// its item was withdrawn meanwhile: it never goes live. Done by the system, as a
    /// consequence of the (authorised) withdrawal, in the same transaction.
    CancelPending {
        /// The withdrawal's reason; kept in the audit trail and told to the requester.
        reason: String,
    },
}

/// An [`Action`] without its details: what a button stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// See [`Action::Submit`].
    Submit,
    /// See [`Action::Approve`].
    Approve,
    /// See [`Action::Reject`].
    Reject,
    /// See [`Action::Publish`].
    Publish,
    /// See [`Action::PublishOnVerbalApproval`].
    PublishOnVerbalApproval,
    /// See [`Action::ConfirmVerbalApproval`].
    ConfirmVerbalApproval,
    /// See [`Action::Withdraw`].
    Withdraw,
    /// See [`Action::Expire`].
    Expire,
    /// See [`Action::CancelPending`].
    CancelPending,
}

impl ActionKind {
    /// Every kind of action.
    pub const ALL: [ActionKind; 9] = [
        ActionKind::Submit,
        ActionKind::Approve,
        ActionKind::Reject,
        ActionKind::Publish,
        ActionKind::PublishOnVerbalApproval,
        ActionKind::ConfirmVerbalApproval,
        ActionKind::Withdraw,
        ActionKind::Expire,
        ActionKind::CancelPending,
    ];

    /// The Thai name shown on buttons and in the audit trail.
    pub fn label_th(self) -> &'static str {
        match self {
            ActionKind::Submit => "ส่งขออนุมัติ",
            ActionKind::Approve => "อนุมัติ",
            ActionKind::Reject => "ไม่อนุมัติ",
            ActionKind::Publish => "เผยแพร่",
            ActionKind::PublishOnVerbalApproval => "เผยแพร่ตามการอนุมัติด้วยวาจา",
            ActionKind::ConfirmVerbalApproval => "ยืนยันการอนุมัติด้วยวาจา",
            ActionKind::Withdraw => "ถอนการเผยแพร่",
            ActionKind::Expire => "หมดระยะเวลาเผยแพร่",
            ActionKind::CancelPending => "ยกเลิกฉบับแก้ไขที่รอเผยแพร่",
        }
    }

    /// The state this action leads to.
    pub fn target(self) -> State {
        match self {
            ActionKind::Submit => State::Submitted,
            ActionKind::Approve => State::Approved,
            ActionKind::Reject => State::Rejected,
            ActionKind::Publish | ActionKind::PublishOnVerbalApproval | ActionKind::ConfirmVerbalApproval => {
                State::Published
            }
            ActionKind::Withdraw | ActionKind::CancelPending => State::Withdrawn,
            ActionKind::Expire => State::Expired,
        }
    }
}

impl Action {
    /// What kind of action this is.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Submit => ActionKind::Submit,
            Action::Approve => ActionKind::Approve,
            Action::Reject { .. } => ActionKind::Reject,
            Action::Publish => ActionKind::Publish,
            Action::PublishOnVerbalApproval { .. } => ActionKind::PublishOnVerbalApproval,
            Action::ConfirmVerbalApproval => ActionKind::ConfirmVerbalApproval,
            Action::Withdraw { .. } => ActionKind::Withdraw,
            Action::Expire => ActionKind::Expire,
            Action::CancelPending { .. } => ActionKind::CancelPending,
        }
    }

    /// The Thai name shown on buttons and in the audit trail.
    pub fn label_th(&self) -> &'static str {
        self.kind().label_th()
    }
}

/// Someone a request is routed to for a decision (computed by the store from the requester's
/// unit, its heads, the director and the delegations in force).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approver {
    /// The account.
    pub user_id: i64,
    /// When deciding as an acting approver (ปฏิบัติราชการแทน), the name of the person stood in
    /// for; it goes to the audit line and the printed form.
    pub acting_for: Option<String>,
}

impl Approver {
    /// An approver in their own right.
    pub fn own(user_id: i64) -> Approver {
        Approver { user_id, acting_for: None }
    }
}

/// What the rules need to know about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    /// Its current state.
    pub state: State,
    /// The account that wrote it.
    pub requester_id: i64,
    /// Published on a verbal approval that no approver has confirmed yet.
    pub verbal_pending: bool,
    /// It amends an item already published: publishing it revises that item.
    pub amendment: bool,
    /// Who may approve, reject or confirm it: its unit's heads, or the director when the
    /// requester is a head or the unit has none available, and their delegates. Nobody else,
    /// whatever their roles (a head of unit B cannot decide unit A's request).
    pub approvers: Vec<Approver>,
}

impl RequestFacts {
    /// How `actor` would decide the request, if it is routed to them.
    pub fn approver(&self, actor: &Actor) -> Option<&Approver> {
        if actor.is_system() {
            return None;
        }
        self.approvers.iter().find(|a| a.user_id == actor.user_id)
    }
}

/// The request after an allowed action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The new state.
    pub next: State,
    /// The new value of [`RequestFacts::verbal_pending`].
    pub verbal_pending: bool,
}

/// Why an action was refused; the Display text is Thai and is shown to the person as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The request is not in a state this action starts from.
    #[error("ทำรายการ \"{action}\" ไม่ได้ เพราะคำขออยู่ในสถานะ \"{}\"", .state.label_th())]
    WrongState {
        /// The request's state.
        state: State,
        /// Thai label of the action.
        action: &'static str,
    },
    /// The actor lacks the role (or is not the requester, or not the system).
    #[error("ทำรายการ \"{action}\" ได้เฉพาะ{needed}เท่านั้น")]
    NotAllowed {
        /// Thai label of the action.
        action: &'static str,
        /// Thai description of who may, e.g. a role's label.
        needed: &'static str,
    },
    /// A reject or withdraw without a reason.
    #[error("ทำรายการ \"{action}\" ต้องระบุเหตุผล")]
    ReasonRequired {
        /// Thai label of the action.
        action: &'static str,
    },
    /// Separation of duties: an approver acting on their own request.
    #[error("ผู้อนุมัติไม่สามารถอนุมัติหรือไม่อนุมัติคำขอของตนเองได้ ต้องให้ผู้อนุมัติคนอื่นพิจารณา")]
    OwnRequest,
    /// Publishing on a verbal approval without saying who approved.
    #[error("การเผยแพร่ตามการอนุมัติด้วยวาจาต้องระบุชื่อผู้อนุมัติ")]
    VerbalApproverRequired,
    /// Confirming a verbal approval on a request that has none pending.
    #[error("คำขอนี้ไม่มีการอนุมัติด้วยวาจาที่รอการยืนยัน")]
    NothingToConfirm,
    /// Editing a request that is not the actor's own draft or rejected request.
    #[error("แก้ไขได้เฉพาะผู้ขอ และเฉพาะฉบับร่างหรือคำขอที่ไม่ได้รับอนุมัติ")]
    NotEditable,
    /// Acting on a request that does not exist.
    #[error("ไม่พบคำขอนี้")]
    NoRequest,
    /// An amendment of an item that is neither published nor withdrawn (expired, say).
    #[error("ขอแก้ไขไม่ได้ เพราะข้อมูลนี้อยู่ในสถานะ \"{}\" — แก้ไขได้เฉพาะข้อมูลที่เผยแพร่อยู่หรือถอนการเผยแพร่แล้ว{}", .state.label_th(), expired_hint(.state))]
    NotAmendable {
        /// The state of the item's current request.
        state: State,
    },
    /// The request changed since the page was opened (someone else acted first).
    #[error("คำขอนี้ถูกเปลี่ยนสถานะไปแล้ว กรุณาเปิดหน้าใหม่")]
    Stale,
}

fn expired_hint(state: &State) -> &'static str {
    if *state == State::Expired {
        " หากต้องการเผยแพร่อีกครั้ง กรุณายื่นคำขอเผยแพร่ใหม่"
    } else {
        ""
    }
}

/// Who may perform an action, checked after the state.
#[derive(Clone, Copy)]
enum Who {
    Requester,
    /// One of the request's routed approvers ([`RequestFacts::approvers`]).
    Approver,
    Role(Role),
    WebMasterOrAdmin,
    RequesterOrWebMaster,
    System,
}

impl Who {
    fn label_th(self) -> &'static str {
        match self {
            Who::Requester => "ผู้ขอเผยแพร่ (เจ้าของคำขอ)",
            Who::Approver => "ผู้อนุมัติของคำขอนี้ (หัวหน้ากลุ่มงานของผู้ขอ ผู้อำนวยการ หรือผู้ปฏิบัติราชการแทน)",
            Who::Role(Role::Staff) => "เจ้าหน้าที่ผู้ขอเผยแพร่",
            Who::Role(Role::Approver) => "หัวหน้ากลุ่มงาน (ผู้อนุมัติ)",
            Who::Role(Role::WebMaster) => "ผู้ดูแลเว็บไซต์ (Web Master)",
            Who::Role(Role::Admin) => "ผู้ดูแลระบบ",
            Who::Role(Role::Director) => "ผู้อำนวยการ",
            Who::Role(Role::Complaints) => "เจ้าหน้าที่รับเรื่องร้องเรียน",
            Who::WebMasterOrAdmin => "ผู้ดูแลเว็บไซต์ (Web Master) หรือผู้ดูแลระบบ",
            Who::RequesterOrWebMaster => "ผู้ขอเผยแพร่ (เจ้าของข้อมูล) หรือผู้ดูแลเว็บไซต์ (Web Master)",
            Who::System => "ระบบ (ตามกำหนดวันสิ้นสุดการเผยแพร่)",
        }
    }

    fn admits(self, facts: &RequestFacts, actor: &Actor) -> bool {
        match self {
            Who::Requester => !actor.is_system() && actor.user_id == facts.requester_id,
            Who::Approver => facts.approver(actor).is_some(),
            Who::Role(r) => actor.has(r),
            Who::WebMasterOrAdmin => actor.has(Role::WebMaster) || actor.has(Role::Admin),
            Who::RequesterOrWebMaster => Who::Requester.admits(facts, actor) || actor.has(Role::WebMaster),
            Who::System => actor.is_system(),
        }
    }
}

/// The fixed rules: the states an action starts from, and who may perform it.
fn rule(kind: ActionKind) -> (&'static [State], Who) {
    use State::*;
    match kind {
        ActionKind::Submit => (&[Draft, Rejected], Who::Requester),
        ActionKind::Approve => (&[Submitted], Who::Approver),
        ActionKind::Reject => (&[Submitted], Who::Approver),
        ActionKind::Publish => (&[Approved], Who::Role(Role::WebMaster)),
        ActionKind::PublishOnVerbalApproval => (&[Submitted], Who::Role(Role::WebMaster)),
        ActionKind::ConfirmVerbalApproval => (&[Published, Superseded], Who::Approver),
        ActionKind::Withdraw => (&[Published], Who::WebMasterOrAdmin),
        ActionKind::Expire => (&[Published], Who::System),
        ActionKind::CancelPending => (&[Published], Who::System),
    }
}

/// The checks that do not depend on what was typed: state, role, separation of duties.
fn permit(facts: &RequestFacts, kind: ActionKind, actor: &Actor) -> Result<(), Refusal> {
    let action = kind.label_th();
    let (from, who) = rule(kind);
    if !from.contains(&facts.state) {
        return Err(Refusal::WrongState { state: facts.state, action });
    }
    if kind == ActionKind::ConfirmVerbalApproval && !facts.verbal_pending {
        return Err(Refusal::NothingToConfirm);
    }
    if !who.admits(facts, actor) {
        return Err(Refusal::NotAllowed { action, needed: who.label_th() });
    }
    // Confirming a verbal approval is approving too, so the same separation of duties holds.
    let approving =
        matches!(kind, ActionKind::Approve | ActionKind::Reject | ActionKind::ConfirmVerbalApproval);
    if approving && actor.user_id == facts.requester_id {
        return Err(Refusal::OwnRequest);
    }
    Ok(())
}

/// Decides whether `actor` may perform `action` on a request, and what it becomes.
///
/// Checks run in a fixed order — state, role, own request, then what was typed — so the
/// message names the most basic problem first.
pub fn decide(facts: &RequestFacts, action: &Action, actor: &Actor) -> Result<Outcome, Refusal> {
    let kind = action.kind();
    permit(facts, kind, actor)?;
    match action {
        Action::Reject { reason } | Action::Withdraw { reason } | Action::CancelPending { reason }
            if reason.trim().is_empty() =>
        {
            return Err(Refusal::ReasonRequired { action: kind.label_th() });
        }
        Action::PublishOnVerbalApproval { approved_by, .. } if approved_by.trim().is_empty() => {
            return Err(Refusal::VerbalApproverRequired);
        }
        _ => {}
    }
    let verbal_pending = match kind {
        ActionKind::PublishOnVerbalApproval => true,
        ActionKind::ConfirmVerbalApproval => false,
        // Taking an item down keeps the flag: it records that the approval was never confirmed.
        ActionKind::Withdraw | ActionKind::Expire | ActionKind::CancelPending => facts.verbal_pending,
        _ => false,
    };
    // Confirming changes only the flag: a superseded request stays superseded.
    let next = if kind == ActionKind::ConfirmVerbalApproval { facts.state } else { kind.target() };
    Ok(Outcome { next, verbal_pending })
}

/// Who may amend an item, and from which states.
const AMEND: Who = Who::RequesterOrWebMaster;

/// The Thai name of opening an amendment, on buttons and in refusals.
pub const AMEND_LABEL: &str = "ขอแก้ไข";

/// Whether `actor` may open an amendment of an item whose current request is `facts`: the item
/// must be on the site or withdrawn (not expired), and the actor its requester or a web master.
/// An item with no request (imported or demo content) is judged with the system as requester,
/// so only web masters may amend it.
pub fn may_amend(facts: &RequestFacts, actor: &Actor) -> Result<(), Refusal> {
    if !matches!(facts.state, State::Published | State::Withdrawn) {
        return Err(Refusal::NotAmendable { state: facts.state });
    }
    if !AMEND.admits(facts, actor) {
        return Err(Refusal::NotAllowed { action: AMEND_LABEL, needed: AMEND.label_th() });
    }
    Ok(())
}

/// The actions `actor` could take on a request now, for drawing its buttons. Whether a reason
/// or name was typed is not known yet, so those checks are left to [`decide`].
pub fn available(facts: &RequestFacts, actor: &Actor) -> Vec<ActionKind> {
    ActionKind::ALL.into_iter().filter(|k| permit(facts, *k, actor).is_ok()).collect()
}

/// Whether `actor` may edit the request's fields and attachments: only its requester, and only
/// while it is a draft or has been rejected.
pub fn may_edit(facts: &RequestFacts, actor: &Actor) -> bool {
    !actor.is_system()
        && actor.user_id == facts.requester_id
        && matches!(facts.state, State::Draft | State::Rejected)
}

/// Whether `actor` may see a request, its files and its printed form: its requester always;
/// approvers (including its routed acting approvers), the director, web masters and admins once
/// it has been sent (a draft is the requester's alone).
pub fn may_view(facts: &RequestFacts, actor: &Actor) -> bool {
    if actor.is_system() {
        return false;
    }
    let own = actor.user_id == facts.requester_id;
    let office = reviews_requests(actor) || facts.approver(actor).is_some();
    own || (office && facts.state != State::Draft)
}

/// Whether `actor` holds a role that reviews others' requests once sent (approver, web master,
/// admin, director): who, besides the owner, may see a request or an item's history.
pub fn reviews_requests(actor: &Actor) -> bool {
    [Role::Approver, Role::WebMaster, Role::Admin, Role::Director].into_iter().any(|r| actor.has(r))
}

/// A filled-in action of each kind, for the table tests here and in the transition module.
#[cfg(test)]
pub(crate) fn sample_action(kind: ActionKind) -> Action {
    match kind {
        ActionKind::Submit => Action::Submit,
        ActionKind::Approve => Action::Approve,
        ActionKind::Reject => Action::Reject {
            reason: "ไม่เกี่ยวข้องกับภารกิจของหน่วยงาน".into()
        },
        ActionKind::Publish => Action::Publish,
        ActionKind::PublishOnVerbalApproval => Action::PublishOnVerbalApproval {
            approved_by: "นางสาวสมใจ ใจดี".into(),
            approved_on: jiff::civil::date(2026, 1, 31),
        },
        ActionKind::ConfirmVerbalApproval => Action::ConfirmVerbalApproval,
        ActionKind::Withdraw => {
            Action::Withdraw { reason: "ข้อมูลคลาดเคลื่อน".into() }
        }
        ActionKind::Expire => Action::Expire,
        ActionKind::CancelPending => {
            Action::CancelPending { reason: "ข้อมูลคลาดเคลื่อน".into() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const REQUESTER: i64 = 7;
    const OTHER: i64 = 8;

    fn all_role_sets() -> impl Iterator<Item = Roles> {
        (0u8..(1 << Role::ALL.len())).map(Roles)
    }

    fn sample(kind: ActionKind) -> Action {
        super::sample_action(kind)
    }

    /// The explicit table of every allowed move, written out independently of [`rule`]:
    /// (from, verbal_pending before, action, who may) → (to, verbal_pending after).
    #[derive(Clone, Copy, PartialEq)]
    enum May {
        Requester,
        Approver,
        WebMaster,
        WebMasterOrAdmin,
        System,
    }
    use ActionKind as K;
    use State as S;
    #[rustfmt::skip]
    const ALLOWED: &[(State, bool, ActionKind, May, State, bool)] = &[
        (S::Draft,     false, K::Submit,                  May::Requester,        S::Submitted, false),
        (S::Draft,     true,  K::Submit,                  May::Requester,        S::Submitted, false),
        (S::Rejected,  false, K::Submit,                  May::Requester,        S::Submitted, false),
        (S::Rejected,  true,  K::Submit,                  May::Requester,        S::Submitted, false),
        (S::Submitted, false, K::Approve,                 May::Approver,         S::Approved,  false),
        (S::Submitted, true,  K::Approve,                 May::Approver,         S::Approved,  false),
        (S::Submitted, false, K::Reject,                  May::Approver,         S::Rejected,  false),
        (S::Submitted, true,  K::Reject,                  May::Approver,         S::Rejected,  false),
        (S::Approved,  false, K::Publish,                 May::WebMaster,        S::Published, false),
        (S::Approved,  true,  K::Publish,                 May::WebMaster,        S::Published, false),
        (S::Submitted, false, K::PublishOnVerbalApproval, May::WebMaster,        S::Published, true),
        (S::Submitted, true,  K::PublishOnVerbalApproval, May::WebMaster,        S::Published, true),
        (S::Published, true,  K::ConfirmVerbalApproval,   May::Approver,         S::Published, false),
        (S::Superseded, true, K::ConfirmVerbalApproval,   May::Approver,         S::Superseded, false),
        (S::Published, false, K::Withdraw,                May::WebMasterOrAdmin, S::Withdrawn, false),
        (S::Published, true,  K::Withdraw,                May::WebMasterOrAdmin, S::Withdrawn, true),
        (S::Published, false, K::Expire,                  May::System,           S::Expired,   false),
        (S::Published, true,  K::Expire,                  May::System,           S::Expired,   true),
        (S::Published, false, K::CancelPending,           May::System,           S::Withdrawn, false),
        (S::Published, true,  K::CancelPending,           May::System,           S::Withdrawn, true),
    ];

    /// What the table says for one combination; `None` means refused. `routed` are the
    /// request's approvers.
    fn expected(
        state: State,
        verbal: bool,
        kind: ActionKind,
        actor: &Actor,
        requester: i64,
        routed: &[i64],
    ) -> Option<Outcome> {
        let own = actor.user_id == requester;
        let sys = actor.is_system();
        let has = |r| !sys && actor.roles.contains(r);
        ALLOWED
            .iter()
            .find(|row| row.0 == state && row.1 == verbal && row.2 == kind)
            .filter(|row| match row.3 {
                May::Requester => own && !sys,
                // Routing, not the role, says who decides: an approver of another unit may not.
                May::Approver => !sys && routed.contains(&actor.user_id) && !own,
                May::WebMaster => has(Role::WebMaster),
                May::WebMasterOrAdmin => has(Role::WebMaster) || has(Role::Admin),
                May::System => sys,
            })
            .map(|row| Outcome { next: row.4, verbal_pending: row.5 })
    }

    fn actors() -> Vec<Actor> {
        let mut v = vec![Actor::system()];
        for roles in all_role_sets() {
            for user_id in [REQUESTER, OTHER] {
                v.push(Actor { user_id, roles });
            }
        }
        v
    }

    /// Facts of a request by [`REQUESTER`] routed to `routed`.
    fn facts_of(state: State, verbal_pending: bool, routed: &[i64]) -> RequestFacts {
        RequestFacts {
            state,
            requester_id: REQUESTER,
            verbal_pending,
            amendment: false,
            approvers: routed.iter().map(|&id| Approver::own(id)).collect(),
        }
    }

    /// Routings: to nobody, to someone else, and (a damaged routing) to the requester too.
    const ROUTINGS: [&[i64]; 3] = [&[], &[OTHER], &[OTHER, REQUESTER]];

    #[test]
    fn every_state_action_and_role_set_matches_the_table() {
        let mut allowed = 0;
        let mut refused = 0;
        for state in State::ALL {
            for verbal in [false, true] {
                for routed in ROUTINGS {
                    let facts = facts_of(state, verbal, routed);
                    for kind in ActionKind::ALL {
                        for actor in actors() {
                            let got = decide(&facts, &sample(kind), &actor);
                            let want = expected(state, verbal, kind, &actor, REQUESTER, routed);
                            let case = format!(
                                "{state:?} verbal={verbal} routed={routed:?} {kind:?} user={} roles={}",
                                actor.user_id,
                                actor.roles.to_list()
                            );
                            match want {
                                Some(o) => {
                                    assert_eq!(got, Ok(o), "{case}");
                                    allowed += 1;
                                }
                                None => {
                                    assert!(got.is_err(), "{case} should be refused");
                                    refused += 1;
                                }
                            }
                            assert_eq!(
                                available(&facts, &actor).contains(&kind),
                                want.is_some(),
                                "available(): {case}"
                            );
                        }
                    }
                }
            }
        }
        // states × 2 flags × 3 routings × 9 actions × (the system + 2 people × every role set).
        assert_eq!(
            allowed + refused,
            State::ALL.len() * 2 * 3 * ActionKind::ALL.len() * (1 + 2 * (1 << Role::ALL.len()))
        );
        assert!(allowed > 0 && refused > allowed);
    }

    #[test]
    fn refusals_name_the_most_basic_problem() {
        let facts = |state| facts_of(state, false, &[]);
        let approver = Actor { user_id: OTHER, roles: Roles::parse_list("approver").unwrap() };
        // Wrong state wins over a wrong role.
        for state in State::ALL {
            for kind in ActionKind::ALL {
                if !rule(kind).0.contains(&state) {
                    let got = decide(&facts(state), &sample(kind), &Actor::system());
                    assert_eq!(got, Err(Refusal::WrongState { state, action: kind.label_th() }));
                }
            }
        }
        let err = decide(&facts(State::Draft), &Action::Approve, &approver).unwrap_err();
        assert_eq!(err.to_string(), "ทำรายการ \"อนุมัติ\" ไม่ได้ เพราะคำขออยู่ในสถานะ \"ฉบับร่าง\"");
        let staff = Actor { user_id: OTHER, roles: Roles::parse_list("staff").unwrap() };
        let err = decide(&facts(State::Submitted), &Action::Approve, &staff).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ทำรายการ \"อนุมัติ\" ได้เฉพาะผู้อนุมัติของคำขอนี้ (หัวหน้ากลุ่มงานของผู้ขอ ผู้อำนวยการ หรือผู้ปฏิบัติราชการแทน)เท่านั้น"
        );
        let err = decide(&facts(State::Published), &Action::Expire, &staff).unwrap_err();
        assert!(err.to_string().contains("ระบบ"), "{err}");
    }

    #[test]
    fn separation_of_duties() {
        let facts = facts_of(State::Submitted, false, &[OTHER, REQUESTER]);
        let head = Actor { user_id: REQUESTER, roles: Roles::parse_list("approver,webmaster").unwrap() };
        for a in [Action::Approve, sample(ActionKind::Reject)] {
            assert_eq!(decide(&facts, &a, &head), Err(Refusal::OwnRequest));
        }
        // A web master may still publish their own request on someone else's verbal approval,
        // but not confirm it themselves.
        let out = decide(&facts, &sample(ActionKind::PublishOnVerbalApproval), &head).unwrap();
        let published = RequestFacts { state: out.next, verbal_pending: out.verbal_pending, ..facts.clone() };
        assert_eq!(decide(&published, &Action::ConfirmVerbalApproval, &head), Err(Refusal::OwnRequest));
        assert!(Refusal::OwnRequest.to_string().contains("ของตนเอง"));
    }

    #[test]
    fn reasons_and_verbal_approver_are_required() {
        let approver = Actor { user_id: OTHER, roles: Roles::parse_list("approver").unwrap() };
        let webmaster = Actor { user_id: OTHER, roles: Roles::parse_list("webmaster").unwrap() };
        let submitted = facts_of(State::Submitted, false, &[OTHER]);
        let published = RequestFacts { state: State::Published, ..submitted.clone() };
        let blank = " \t\u{3000}\n".to_string();
        assert_eq!(
            decide(&submitted, &Action::Reject { reason: blank.clone() }, &approver),
            Err(Refusal::ReasonRequired { action: "ไม่อนุมัติ" })
        );
        let err = decide(&published, &Action::Withdraw { reason: blank }, &webmaster).unwrap_err();
        assert_eq!(err.to_string(), "ทำรายการ \"ถอนการเผยแพร่\" ต้องระบุเหตุผล");
        let verbal =
            Action::PublishOnVerbalApproval { approved_by: "  ".into(), approved_on: date(2026, 2, 1) };
        assert_eq!(decide(&submitted, &verbal, &webmaster), Err(Refusal::VerbalApproverRequired));
        assert_eq!(
            decide(&published, &Action::ConfirmVerbalApproval, &approver),
            Err(Refusal::NothingToConfirm)
        );
    }

    #[test]
    fn admin_alone_may_only_withdraw() {
        let admin = Actor { user_id: OTHER, roles: Roles::parse_list("admin").unwrap() };
        let mut can = Vec::new();
        for state in State::ALL {
            for verbal_pending in [false, true] {
                let facts = facts_of(state, verbal_pending, &[]);
                can.extend(available(&facts, &admin));
            }
        }
        assert!(!can.is_empty());
        assert!(can.iter().all(|k| *k == ActionKind::Withdraw));
    }

    #[test]
    fn only_the_requester_edits_and_only_before_submitting() {
        for state in State::ALL {
            let facts = facts_of(state, false, &[OTHER]);
            for actor in actors() {
                let want = actor.user_id == REQUESTER && matches!(state, State::Draft | State::Rejected);
                assert_eq!(may_edit(&facts, &actor), want, "{state:?} {actor:?}");
            }
        }
        // The system is nobody's requester, even against a malformed row with requester 0.
        let odd = RequestFacts { requester_id: 0, ..facts_of(State::Draft, false, &[]) };
        assert!(!may_edit(&odd, &Actor::system()));
        assert!(decide(&odd, &Action::Submit, &Actor::system()).is_err());
    }

    #[test]
    fn drafts_are_the_requesters_alone() {
        for state in State::ALL {
            let facts = facts_of(state, false, &[]);
            for actor in actors() {
                let office = !actor.is_system()
                    && (actor.roles.contains(Role::Approver)
                        || actor.roles.contains(Role::WebMaster)
                        || actor.roles.contains(Role::Admin)
                        || actor.roles.contains(Role::Director));
                let want =
                    !actor.is_system() && (actor.user_id == REQUESTER || (office && state != State::Draft));
                assert_eq!(may_view(&facts, &actor), want, "{state:?} {actor:?}");
            }
        }
    }

    /// Who may open an amendment, from which state of the item's current request: written out
    /// independently of [`may_amend`].
    #[rustfmt::skip]
    const AMENDABLE: &[(State, May)] = &[
        (S::Published, May::Requester),
        (S::Published, May::WebMaster),
        (S::Withdrawn, May::Requester),
        (S::Withdrawn, May::WebMaster),
    ];

    #[test]
    fn amendments_from_published_or_withdrawn_by_owner_or_web_master() {
        for state in State::ALL {
            for verbal_pending in [false, true] {
                let facts = facts_of(state, verbal_pending, &[]);
                for actor in actors() {
                    let own = !actor.is_system() && actor.user_id == REQUESTER;
                    let web = !actor.is_system() && actor.roles.contains(Role::WebMaster);
                    let want = AMENDABLE.iter().any(|(s, who)| {
                        *s == state
                            && match who {
                                May::Requester => own,
                                May::WebMaster => web,
                                _ => false,
                            }
                    });
                    let got = may_amend(&facts, &actor);
                    assert_eq!(got.is_ok(), want, "{state:?} {actor:?}: {got:?}");
                }
            }
        }
        // An expired item: the reason says so and points to a new request.
        let expired = facts_of(State::Expired, false, &[]);
        let err = may_amend(&expired, &Actor { user_id: REQUESTER, roles: Roles::EMPTY }).unwrap_err();
        assert!(
            err.to_string().contains("หมดระยะเวลาเผยแพร่") && err.to_string().contains("ยื่นคำขอเผยแพร่ใหม่"),
            "{err}"
        );
        // Content with no request (the system as requester): web masters only.
        let orphan = RequestFacts { requester_id: Actor::SYSTEM_USER_ID, state: State::Published, ..expired };
        assert!(may_amend(&orphan, &Actor::system()).is_err());
        let staff = Actor { user_id: OTHER, roles: Roles::parse_list("staff,approver,admin").unwrap() };
        assert!(may_amend(&orphan, &staff).is_err());
        let web = Actor { user_id: OTHER, roles: Roles::parse_list("webmaster").unwrap() };
        assert!(may_amend(&orphan, &web).is_ok());
    }

    #[test]
    fn confirming_a_superseded_verbal_approval_keeps_it_superseded() {
        let facts = facts_of(State::Superseded, true, &[OTHER]);
        let head = Actor { user_id: OTHER, roles: Roles::parse_list("approver").unwrap() };
        let out = decide(&facts, &Action::ConfirmVerbalApproval, &head).unwrap();
        assert_eq!(out, Outcome { next: State::Superseded, verbal_pending: false });
        // A superseded request is not withdrawn or expired itself: its item follows its amendment.
        let web = Actor { user_id: OTHER, roles: Roles::parse_list("webmaster,admin").unwrap() };
        assert!(decide(&facts, &Action::Withdraw { reason: "x".into() }, &web).is_err());
        assert!(decide(&facts, &Action::Expire, &Actor::system()).is_err());
    }

    #[test]
    fn only_the_routed_approvers_decide() {
        // Head of another unit: the role alone is not enough.
        let other_head = Actor { user_id: 9, roles: Roles::parse_list("approver,director").unwrap() };
        let facts = facts_of(State::Submitted, false, &[OTHER]);
        assert!(decide(&facts, &Action::Approve, &other_head).is_err());
        assert!(available(&facts, &other_head).is_empty());
        // A delegate without the approver role decides while routed to them.
        let delegate = Actor { user_id: OTHER, roles: Roles::parse_list("staff").unwrap() };
        let acting = RequestFacts {
            approvers: vec![Approver {
                user_id: OTHER, acting_for: Some("นายวีระพงษ์".into())
            }],
            ..facts
        };
        assert!(decide(&acting, &Action::Approve, &delegate).is_ok());
        assert_eq!(acting.approver(&delegate).and_then(|a| a.acting_for.as_deref()), Some("นายวีระพงษ์"));
        assert!(may_view(&acting, &delegate));
        assert!(acting.approver(&Actor::system()).is_none());
    }

    #[test]
    fn names_round_trip() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
            assert!(!s.label_th().is_empty());
        }
        assert_eq!(State::parse("Draft"), None);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse(" WebMaster "), Some(Role::WebMaster));
        assert_eq!(Role::WebMaster.label_th(), "ผู้ดูแลเว็บไซต์ (Web Master)");
        assert_eq!(State::Expired.label_th(), "หมดระยะเวลาเผยแพร่");
        assert_eq!(sample(ActionKind::Reject).label_th(), "ไม่อนุมัติ");
    }

    #[test]
    fn role_lists() {
        let r = Roles::parse_list("webmaster, approver,,webmaster").unwrap();
        assert!(r.contains(Role::WebMaster) && r.contains(Role::Approver));
        assert!(!r.contains(Role::Admin));
        assert_eq!(r.to_list(), "approver,webmaster");
        assert_eq!(r.iter().collect::<Vec<_>>(), [Role::Approver, Role::WebMaster]);
        assert!(Roles::parse_list("").unwrap().is_empty());
        assert_eq!(Roles::EMPTY.to_list(), "");
        let err = Roles::parse_list("staff,boss").unwrap_err();
        assert!(err.contains("\"boss\"") && err.contains("ไม่รู้จักบทบาท"), "{err}");
        for set in all_role_sets() {
            assert_eq!(Roles::parse_list(&set.to_list()), Ok(set));
            assert_eq!(set.iter().collect::<Roles>(), set);
        }
    }
}
