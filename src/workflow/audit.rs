//! What the audit trail records: every kind of event, with its stored name and its labels.
//!
//! The trail is append-only and kept for years, so the stored names never change; a new kind of
//! event is a new variant here, and the compiler then asks for its Thai and English labels.

/// One kind of event in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// A publication request was written (as a draft or sent at once).
    RequestCreate,
    /// A draft or rejected request was edited.
    RequestEdit,
    /// A request was sent to the approvers.
    RequestSubmit,
    /// An approver approved a request.
    RequestApprove,
    /// An approver rejected a request, with a reason.
    RequestReject,
    /// A web master published an approved request.
    RequestPublish,
    /// A web master published on a recorded verbal approval (seed 3.2.1).
    RequestPublishVerbal,
    /// An approver confirmed a verbal approval.
    RequestConfirmVerbal,
    /// A published item was withdrawn, with a reason.
    RequestWithdraw,
    /// A request's item reached its end date.
    RequestExpire,
    /// An amendment waiting for its date was cancelled because its item was withdrawn.
    RequestCancelPending,
    /// An amendment of a published (or withdrawn) item was requested.
    RequestAmend,
    /// A request's item was replaced by a published amendment (its content is a past revision).
    RequestSupersede,
    /// A published amendment became the item's new revision, at the same address.
    ItemRevise,
    /// An item reached its end date and came down.
    ItemExpire,
    /// An item's compliance tags were changed.
    ItemTags,
    /// A successful login.
    LoginOk,
    /// A wrong password.
    LoginFailed,
    /// A wrong second-factor code at login.
    LoginTotpFailed,
    /// A login with a one-time recovery code.
    LoginRecoveryUsed,
    /// Logins to an account paused after repeated failures.
    LoginLockout,
    /// A login refused while paused.
    LoginRefused,
    /// A logout.
    Logout,
    /// An account was created.
    UserAdd,
    /// A password was changed or reset.
    UserPasswd,
    /// An account was re-enabled.
    UserEnable,
    /// An account was suspended.
    UserDisable,
    /// The first administrator was created through the one-time setup link.
    UserSetup,
    /// Two-step login was turned on.
    UserTotpEnable,
    /// Two-step login was turned off.
    UserTotpDisable,
    /// A wrong second-factor code while logged in.
    UserTotpFailed,
    /// An administrator reset someone's two-step login.
    UserTotpReset,
    /// New recovery codes were made.
    UserTotpRecoveryNew,
    /// A new release was installed.
    UpdateInstalled,
    /// Installing a release failed.
    UpdateFailed,
    /// A newly installed release started and passed its trial.
    UpdateCompleted,
    /// The previous release was put back.
    UpdateRolledBack,
    /// A backup was made.
    BackupOk,
    /// A backup failed.
    BackupFailed,
    /// A traffic-log day past retention was deleted.
    LogPurge,
    /// Staff answered an e-Service case.
    CaseAnswer,
    /// Personal data of closed cases past retention was erased (PDPA).
    CasePurge,
    /// A policy page was edited.
    PageEdit,
    /// A compliance checklist was imported.
    ChecklistImport,
    /// Search synonyms were added at /admin/search.
    SynonymAdd,
    /// Search synonyms added earlier were removed.
    SynonymRemove,
    /// A second web master confirmed a compliance tag the dashboard asked to check.
    TagConfirm,
    /// A web master published a quarter's complaint statistics (ITA O18, MOIT 10).
    ComplaintStatsPublish,
    /// A web master withdrew a quarter's published complaint statistics.
    ComplaintStatsWithdraw,
    /// A backup was restored into the data directory (issue 20).
    BackupRestore,
    /// The weekly restore drill restored the newest backup and it passed every check.
    BackupDrillOk,
    /// The restore drill failed.
    BackupDrillFailed,
    /// A crash leftover (unfinished upload, partial backup, scratch folder) was deleted.
    SweepRemove,
    /// A stored file with no row was moved to quarantine.
    SweepQuarantine,
    /// A quarantined file was deleted after its 30 days.
    SweepDelete,
    /// Content was imported from the office's old website.
    ImportRun,
    /// An import run was undone as a whole.
    ImportUndo,
    /// An imported post held for want of a category was given one and published.
    ImportRelease,
    /// An account's details, unit, roles or status were changed (before → after in the detail).
    UserEdit,
    /// A unit was added.
    UnitAdd,
    /// A unit was renamed (before → after in the detail).
    UnitEdit,
    /// An acting approver was named for a date range.
    DelegationAdd,
    /// A delegation was ended before its last day.
    DelegationEnd,
    /// The office's settings were changed in the browser (the keys in the detail).
    SettingsEdit,
    /// Staff opened a case showing its sender's personal data (name, contact).
    CaseView,
    /// The director named the officers who handle corruption cases.
    CaseOfficers,
    /// A web master pinned an item to the home page (its last day in the detail).
    HighlightPin,
    /// A web master unpinned an item from the home page.
    HighlightUnpin,
}

impl AuditAction {
    /// Every kind of event.
    pub const ALL: [AuditAction; 68] = [
        AuditAction::RequestCreate,
        AuditAction::RequestEdit,
        AuditAction::RequestSubmit,
        AuditAction::RequestApprove,
        AuditAction::RequestReject,
        AuditAction::RequestPublish,
        AuditAction::RequestPublishVerbal,
        AuditAction::RequestConfirmVerbal,
        AuditAction::RequestWithdraw,
        AuditAction::RequestExpire,
        AuditAction::RequestCancelPending,
        AuditAction::RequestAmend,
        AuditAction::RequestSupersede,
        AuditAction::ItemRevise,
        AuditAction::ItemExpire,
        AuditAction::ItemTags,
        AuditAction::LoginOk,
        AuditAction::LoginFailed,
        AuditAction::LoginTotpFailed,
        AuditAction::LoginRecoveryUsed,
        AuditAction::LoginLockout,
        AuditAction::LoginRefused,
        AuditAction::Logout,
        AuditAction::UserAdd,
        AuditAction::UserPasswd,
        AuditAction::UserEnable,
        AuditAction::UserDisable,
        AuditAction::UserSetup,
        AuditAction::UserTotpEnable,
        AuditAction::UserTotpDisable,
        AuditAction::UserTotpFailed,
        AuditAction::UserTotpReset,
        AuditAction::UserTotpRecoveryNew,
        AuditAction::UpdateInstalled,
        AuditAction::UpdateFailed,
        AuditAction::UpdateCompleted,
        AuditAction::UpdateRolledBack,
        AuditAction::BackupOk,
        AuditAction::BackupFailed,
        AuditAction::LogPurge,
        AuditAction::CaseAnswer,
        AuditAction::CasePurge,
        AuditAction::PageEdit,
        AuditAction::ChecklistImport,
        AuditAction::SynonymAdd,
        AuditAction::SynonymRemove,
        AuditAction::TagConfirm,
        AuditAction::ComplaintStatsPublish,
        AuditAction::ComplaintStatsWithdraw,
        AuditAction::BackupRestore,
        AuditAction::BackupDrillOk,
        AuditAction::BackupDrillFailed,
        AuditAction::SweepRemove,
        AuditAction::SweepQuarantine,
        AuditAction::SweepDelete,
        AuditAction::ImportRun,
        AuditAction::ImportUndo,
        AuditAction::ImportRelease,
        AuditAction::UserEdit,
        AuditAction::UnitAdd,
        AuditAction::UnitEdit,
        AuditAction::DelegationAdd,
        AuditAction::DelegationEnd,
        AuditAction::SettingsEdit,
        AuditAction::CaseView,
        AuditAction::CaseOfficers,
        AuditAction::HighlightPin,
        AuditAction::HighlightUnpin,
    ];

    /// The stored name, e.g. `request.approve`. Never changed once released.
    pub fn as_str(self) -> &'static str {
        use AuditAction::*;
        match self {
            RequestCreate => "request.create",
            RequestEdit => "request.edit",
            RequestSubmit => "request.submit",
            RequestApprove => "request.approve",
            RequestReject => "request.reject",
            RequestPublish => "request.publish",
            RequestPublishVerbal => "request.publish_verbal",
            RequestConfirmVerbal => "request.confirm_verbal",
            RequestWithdraw => "request.withdraw",
            RequestExpire => "request.expire",
            RequestCancelPending => "request.cancel_pending",
            RequestAmend => "request.amend",
            RequestSupersede => "request.supersede",
            ItemRevise => "item.revise",
            ItemExpire => "item.expire",
            ItemTags => "item.tags",
            LoginOk => "login.ok",
            LoginFailed => "login.failed",
            LoginTotpFailed => "login.totp_failed",
            LoginRecoveryUsed => "login.recovery_used",
            LoginLockout => "login.lockout",
            LoginRefused => "login.refused",
            Logout => "logout",
            UserAdd => "user.add",
            UserPasswd => "user.passwd",
            UserEnable => "user.enable",
            UserDisable => "user.disable",
            UserSetup => "user.setup",
            UserTotpEnable => "user.totp_enable",
            UserTotpDisable => "user.totp_disable",
            UserTotpFailed => "user.totp_failed",
            UserTotpReset => "user.totp_reset",
            UserTotpRecoveryNew => "user.totp_recovery_new",
            UpdateInstalled => "update.installed",
            UpdateFailed => "update.failed",
            UpdateCompleted => "update.completed",
            UpdateRolledBack => "update.rolled-back",
            BackupOk => "backup.ok",
            BackupFailed => "backup.failed",
            LogPurge => "log.purge",
            CaseAnswer => "case.answer",
            CasePurge => "case.purge",
            PageEdit => "page.edit",
            ChecklistImport => "checklist.import",
            SynonymAdd => "search.synonym.add",
            SynonymRemove => "search.synonym.remove",
            TagConfirm => "tag.confirm",
            ComplaintStatsPublish => "complaint_stats.publish",
            ComplaintStatsWithdraw => "complaint_stats.withdraw",
            BackupRestore => "backup.restore",
            BackupDrillOk => "backup.drill_ok",
            BackupDrillFailed => "backup.drill_failed",
            SweepRemove => "sweep.remove",
            SweepQuarantine => "sweep.quarantine",
            SweepDelete => "sweep.delete",
            ImportRun => "import.run",
            ImportUndo => "import.undo",
            ImportRelease => "import.release",
            UserEdit => "user.edit",
            UnitAdd => "unit.add",
            UnitEdit => "unit.edit",
            DelegationAdd => "delegation.add",
            DelegationEnd => "delegation.end",
            SettingsEdit => "settings.edit",
            CaseView => "case.view",
            CaseOfficers => "case.officers",
            HighlightPin => "highlight.pin",
            HighlightUnpin => "highlight.unpin",
        }
    }

    /// The kind with this stored name.
    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The Thai label shown in histories and on `/admin/audit`.
    pub fn label_th(self) -> &'static str {
        use AuditAction::*;
        match self {
            RequestCreate => "สร้างคำขอ",
            RequestEdit => "แก้ไขคำขอ",
            RequestSubmit => "ส่งขออนุมัติ",
            RequestApprove => "อนุมัติ",
            RequestReject => "ไม่อนุมัติ",
            RequestPublish => "เผยแพร่",
            RequestPublishVerbal => "เผยแพร่ตามการอนุมัติด้วยวาจา",
            RequestConfirmVerbal => "ยืนยันการอนุมัติด้วยวาจา",
            RequestWithdraw => "ถอนการเผยแพร่",
            RequestExpire => "สิ้นสุดการเผยแพร่อัตโนมัติ",
            RequestCancelPending => "ยกเลิกฉบับแก้ไขที่รอเผยแพร่ เพราะข้อมูลถูกถอนการเผยแพร่",
            RequestAmend => "ขอแก้ไขข้อมูลที่เผยแพร่",
            RequestSupersede => "ถูกแทนที่ด้วยฉบับแก้ไข",
            ItemRevise => "ปรับปรุงข้อมูลที่เผยแพร่ (ฉบับแก้ไข)",
            ItemExpire => "นำข้อมูลลงเมื่อครบกำหนด",
            ItemTags => "แก้ไขการจัดเข้าเกณฑ์ ITA/MOIT",
            LoginOk => "เข้าสู่ระบบ",
            LoginFailed => "เข้าสู่ระบบไม่สำเร็จ (รหัสผ่าน)",
            LoginTotpFailed => "เข้าสู่ระบบไม่สำเร็จ (รหัสยืนยันขั้นที่สอง)",
            LoginRecoveryUsed => "เข้าสู่ระบบด้วยรหัสสำรอง",
            LoginLockout => "ระงับการเข้าสู่ระบบชั่วคราว",
            LoginRefused => "ปฏิเสธการเข้าสู่ระบบ (รอก่อน)",
            Logout => "ออกจากระบบ",
            UserAdd => "เพิ่มบัญชีผู้ใช้",
            UserPasswd => "เปลี่ยนรหัสผ่าน",
            UserEnable => "เปิดใช้บัญชีผู้ใช้",
            UserDisable => "ระงับบัญชีผู้ใช้",
            UserSetup => "สร้างผู้ดูแลระบบคนแรก",
            UserTotpEnable => "เปิดการยืนยันตัวตนสองขั้นตอน",
            UserTotpDisable => "ปิดการยืนยันตัวตนสองขั้นตอน",
            UserTotpFailed => "รหัสยืนยันไม่ถูกต้อง (ขณะเข้าสู่ระบบอยู่)",
            UserTotpReset => "รีเซ็ตการยืนยันตัวตนสองขั้นตอน (โดยผู้ดูแลระบบ)",
            UserTotpRecoveryNew => "สร้างรหัสสำรองชุดใหม่",
            UpdateInstalled => "ติดตั้งโปรแกรมรุ่นใหม่",
            UpdateFailed => "ติดตั้งโปรแกรมรุ่นใหม่ไม่สำเร็จ",
            UpdateCompleted => "โปรแกรมรุ่นใหม่ทำงานได้ตามปกติ",
            UpdateRolledBack => "ย้อนกลับไปใช้โปรแกรมรุ่นก่อน",
            BackupOk => "สำรองข้อมูลสำเร็จ",
            BackupFailed => "สำรองข้อมูลไม่สำเร็จ",
            LogPurge => "ลบบันทึกการจราจรที่พ้นระยะเก็บรักษา",
            CaseAnswer => "ตอบเรื่องจากบริการออนไลน์",
            CasePurge => "ลบข้อมูลส่วนบุคคลที่พ้นระยะเก็บรักษา",
            PageEdit => "แก้ไขหน้านโยบาย",
            ChecklistImport => "นำเข้าเกณฑ์การประเมิน",
            SynonymAdd => "เพิ่มคำพ้องสำหรับค้นหา",
            SynonymRemove => "ลบคำพ้องสำหรับค้นหา",
            TagConfirm => "ยืนยันป้ายหลักฐานที่ต้องตรวจสอบ",
            ComplaintStatsPublish => "เผยแพร่สถิติเรื่องร้องเรียนรายไตรมาส",
            ComplaintStatsWithdraw => "ยกเลิกการเผยแพร่สถิติเรื่องร้องเรียนรายไตรมาส",
            BackupRestore => "กู้คืนข้อมูลจากไฟล์สำรอง",
            BackupDrillOk => "ซ้อมกู้คืนไฟล์สำรองสำเร็จ",
            BackupDrillFailed => "ซ้อมกู้คืนไฟล์สำรองไม่สำเร็จ",
            SweepRemove => "ลบไฟล์ค้างจากการทำงานที่สะดุด",
            SweepQuarantine => "ย้ายไฟล์ที่ไม่มีในฐานข้อมูลไปพักไว้",
            SweepDelete => "ลบไฟล์ที่พักไว้ครบ 30 วัน",
            ImportRun => "นำเข้าจากเว็บไซต์เดิม",
            ImportUndo => "ยกเลิกการนำเข้าทั้งรอบ",
            ImportRelease => "จัดหมวดเรื่องที่นำเข้าแล้วเผยแพร่",
            UserEdit => "แก้ไขข้อมูลบัญชีผู้ใช้",
            UnitAdd => "เพิ่มกลุ่มงาน",
            UnitEdit => "แก้ไขกลุ่มงาน",
            DelegationAdd => "มอบหมายผู้ปฏิบัติราชการแทน",
            DelegationEnd => "ยกเลิกการปฏิบัติราชการแทน",
            SettingsEdit => "แก้ไขการตั้งค่าหน่วยงาน",
            CaseView => "เปิดดูข้อมูลส่วนบุคคลของผู้ส่งเรื่อง",
            CaseOfficers => "มอบหมายผู้รับผิดชอบเรื่องร้องเรียนการทุจริต",
            HighlightPin => "ปักหมุดรายการไว้ที่หน้าแรก",
            HighlightUnpin => "เลิกปักหมุดรายการจากหน้าแรก",
        }
    }

    /// The English label, for the English interface and exports.
    pub fn label_en(self) -> &'static str {
        use AuditAction::*;
        match self {
            RequestCreate => "Request created",
            RequestEdit => "Request edited",
            RequestSubmit => "Submitted for approval",
            RequestApprove => "Approved",
            RequestReject => "Rejected",
            RequestPublish => "Published",
            RequestPublishVerbal => "Published on verbal approval",
            RequestConfirmVerbal => "Verbal approval confirmed",
            RequestWithdraw => "Withdrawn",
            RequestExpire => "Publication ended",
            RequestCancelPending => "Scheduled amendment cancelled: the item was withdrawn",
            RequestAmend => "Amendment requested",
            RequestSupersede => "Superseded by an amendment",
            ItemRevise => "Item revised (amendment published)",
            ItemExpire => "Item taken down at its end date",
            ItemTags => "Compliance tags changed",
            LoginOk => "Logged in",
            LoginFailed => "Login failed (password)",
            LoginTotpFailed => "Login failed (second factor)",
            LoginRecoveryUsed => "Logged in with a recovery code",
            LoginLockout => "Logins paused",
            LoginRefused => "Login refused (paused)",
            Logout => "Logged out",
            UserAdd => "Account created",
            UserPasswd => "Password changed",
            UserEnable => "Account enabled",
            UserDisable => "Account suspended",
            UserSetup => "First administrator created",
            UserTotpEnable => "Two-step login on",
            UserTotpDisable => "Two-step login off",
            UserTotpFailed => "Wrong second-factor code",
            UserTotpReset => "Two-step login reset by an administrator",
            UserTotpRecoveryNew => "New recovery codes",
            UpdateInstalled => "New release installed",
            UpdateFailed => "Update failed",
            UpdateCompleted => "New release passed its trial",
            UpdateRolledBack => "Rolled back to the previous release",
            BackupOk => "Backup made",
            BackupFailed => "Backup failed",
            LogPurge => "Traffic-log day past retention deleted",
            CaseAnswer => "e-Service case answered",
            CasePurge => "Personal data past retention erased",
            PageEdit => "Policy page edited",
            ChecklistImport => "Checklist imported",
            SynonymAdd => "Search synonyms added",
            SynonymRemove => "Search synonyms removed",
            TagConfirm => "Compliance tag confirmed by a second web master",
            ComplaintStatsPublish => "Quarterly complaint statistics published",
            ComplaintStatsWithdraw => "Quarterly complaint statistics withdrawn",
            BackupRestore => "Backup restored",
            BackupDrillOk => "Restore drill passed",
            BackupDrillFailed => "Restore drill failed",
            SweepRemove => "Crash leftover deleted",
            SweepQuarantine => "File without a row quarantined",
            SweepDelete => "Quarantined file deleted after 30 days",
            ImportRun => "Imported from the old website",
            ImportUndo => "Import run undone",
            ImportRelease => "Imported post sorted and published",
            UserEdit => "Account changed",
            UnitAdd => "Unit added",
            UnitEdit => "Unit changed",
            DelegationAdd => "Acting approver named",
            DelegationEnd => "Acting approver ended early",
            SettingsEdit => "Office settings changed",
            CaseView => "Sender's personal data viewed",
            CaseOfficers => "Corruption-case officers named",
            HighlightPin => "Item pinned to the home page",
            HighlightUnpin => "Item unpinned from the home page",
        }
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_and_has_distinct_labels() {
        let mut names = std::collections::HashSet::new();
        let mut thai = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
            assert!(names.insert(a.as_str()), "{a} twice");
            assert!(thai.insert(a.label_th()), "{a}: Thai label shared");
            assert!(a.label_th().chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c)), "{a}");
            assert!(!a.label_en().is_empty());
        }
        assert_eq!(AuditAction::parse("item.exprie"), None);
    }
}
