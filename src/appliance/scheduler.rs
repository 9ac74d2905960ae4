//! The one scheduler: a registry of named jobs, each with its schedule, run in-process without
//! cron. Every periodic duty of the appliance is a job here — expiry (seed 4.2), traffic-log
//! purge and copy, backups, certificate renewal, release checks, the e-mail outbox and
//! e-Service retention — so each one's last run and last error show on `/admin/health`, and a
//! daily job missed while the machine was off runs as soon as it is back.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::config::Config;
use crate::store::audit::{self, AuditAction, Who};
use crate::store::{Store, StoreResult, jobs};
use crate::thai;

/// How often the scheduler looks for due jobs.
pub const TICK: Duration = Duration::from_secs(5);

/// When a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Again once this long has passed since its last start (and at once after start-up).
    Every(Duration),
    /// Once a day at this Bangkok time; a day missed while the machine was off is caught up
    /// at once.
    Daily(jiff::civil::Time),
}

impl Schedule {
    /// Whether a job with this schedule, last started at `last` (Unix seconds), is due `now`.
    /// A daily job that never ran waits for its time today.
    pub fn is_due(self, last: Option<i64>, now: &jiff::ZonedDateTime) -> bool {
        let now_s = now.timestamp().as_second();
        match self {
            Schedule::Every(every) => last.is_none_or(|t| now_s - t >= every.as_secs() as i64),
            Schedule::Daily(time) => {
                let at = |day: jiff::civil::Date| {
                    day.to_datetime(time)
                        .to_zoned_datetime(thai::bangkok())
                        .map(|z| z.timestamp().as_second())
                };
                let Ok(today) = at(now.date()) else { return false };
                let latest = if now_s >= today {
                    today
                } else {
                    match (last, now.date().yesterday().map(at)) {
                        (Some(_), Ok(Ok(yesterday))) => yesterday,
                        _ => return false,
                    }
                };
                last.is_none_or(|t| t < latest)
            }
        }
    }

    /// The schedule for people: `ทุก 60 วินาที`, `ทุกวัน เวลา 02.00 น.`.
    pub fn label_th(self) -> String {
        match self {
            Schedule::Every(d) if d.as_secs() % 3600 == 0 => format!("ทุก {} ชั่วโมง", d.as_secs() / 3600),
            Schedule::Every(d) if d.as_secs() % 60 == 0 => format!("ทุก {} นาที", d.as_secs() / 60),
            Schedule::Every(d) => format!("ทุก {} วินาที", d.as_secs()),
            Schedule::Daily(t) => format!("ทุกวัน เวลา {:02}.{:02} น.", t.hour(), t.minute()),
        }
    }
}

/// What a job run did, in a few words for the health page; `Ok` with a message.
pub type JobResult = anyhow::Result<String>;

type Task = Box<dyn Fn() -> Pin<Box<dyn Future<Output = JobResult> + Send>> + Send + Sync>;

/// One periodic duty.
pub struct Job {
    /// Stable name, e.g. `expire` (stored with its runs).
    pub name: &'static str,
    /// What it does, in Thai, for the health page.
    pub label_th: &'static str,
    /// When it runs.
    pub schedule: Schedule,
    task: Task,
    /// For a job that follows the settings in force: its schedule now, `None` while it is
    /// switched off (see [`Job::following`]).
    follows: Option<Arc<dyn Fn() -> Option<Schedule> + Send + Sync>>,
    /// Run once before the first request is served (see [`Job::before_serving`]).
    first: bool,
}

impl Job {
    /// A job that runs `task` on a blocking thread (it may use SQLite and the disk).
    pub fn blocking(
        name: &'static str,
        label_th: &'static str,
        schedule: Schedule,
        task: impl Fn() -> JobResult + Send + Sync + 'static,
    ) -> Job {
        let task = Arc::new(task);
        Job::of(
            name,
            label_th,
            schedule,
            Box::new(move || {
                let task = task.clone();
                Box::pin(async move {
                    tokio::task::spawn_blocking(move || task()).await.unwrap_or_else(|e| Err(e.into()))
                })
            }),
        )
    }

    /// A job whose task is asynchronous (network duties: certificates, e-mail, releases).
    pub fn asynchronous<F>(
        name: &'static str,
        label_th: &'static str,
        schedule: Schedule,
        task: impl Fn() -> F + Send + Sync + 'static,
    ) -> Job
    where
        F: Future<Output = JobResult> + Send + 'static,
    {
        Job::of(name, label_th, schedule, Box::new(move || Box::pin(task())))
    }

    /// A job on its fixed schedule, run only while the server runs.
    fn of(name: &'static str, label_th: &'static str, schedule: Schedule, task: Task) -> Job {
        Job { name, label_th, schedule, task, follows: None, first: false }
    }

    /// The same job, also run to the end before the server answers its first request: the
    /// public site must not show, even for a few seconds after a restart, an item whose end
    /// date passed or an old version whose amendment fell due while the machine was off.
    pub fn before_serving(mut self) -> Job {
        self.first = true;
        self
    }

    /// The same job, its schedule asked of `schedule` at every tick (the settings in force
    /// may change it, or switch it off with `None`, without a restart).
    pub fn following(mut self, schedule: impl Fn() -> Option<Schedule> + Send + Sync + 'static) -> Job {
        self.follows = Some(Arc::new(schedule));
        self
    }

    /// When it runs now; `None` while switched off.
    pub fn schedule_now(&self) -> Option<Schedule> {
        match &self.follows {
            Some(f) => f(),
            None => Some(self.schedule),
        }
    }
}

/// What jobs may do to the running server.
#[derive(Clone)]
pub struct Hooks {
    /// Public content changed: drop cached pages.
    pub content_changed: Arc<dyn Fn() + Send + Sync>,
    /// A new binary was installed: restart on it.
    pub restart: Arc<dyn Fn() + Send + Sync>,
    /// The settings in force (jobs that follow them read them at each run).
    pub settings: crate::config::Live,
}

/// The registry: every periodic duty of a server with `config`. Certificate jobs are added by
/// the caller when HTTPS is on (see [`crate::appliance::tls`] and [`crate::appliance::acme`]).
pub fn duties(store: &Store, config: &Config, hooks: &Hooks) -> Vec<Job> {
    let settings = &config.settings;
    let mut jobs = Vec::new();
    {
        let (store, changed) = (store.clone(), hooks.content_changed.clone());
        jobs.push(
            Job::blocking(
                "expire",
                "นำข้อมูลที่ครบกำหนดลงจากเว็บไซต์",
                Schedule::Every(Duration::from_secs(60)),
                move || {
                    let n = store.run_sync(|c| crate::store::requests::expire_due(c, thai::today()))?;
                    if n > 0 {
                        tracing::info!(items = n, "items past their end date taken down");
                        changed();
                    }
                    Ok(format!("นำลง {n} รายการ"))
                },
            )
            .before_serving(),
        );
    }
    // Public copies of photos (issue 22) that publishing did not make: imported or demo items,
    // copies lost with a restore (those are also made again when first asked for).
    {
        let (store, changed) = (store.clone(), hooks.content_changed.clone());
        jobs.push(Job::blocking(
            "photos",
            "ทำภาพสำหรับแสดงบนเว็บไซต์ (ย่อขนาด ตัดข้อมูลตำแหน่ง)",
            Schedule::Every(Duration::from_secs(600)),
            move || {
                let n = crate::store::photos::make_pending(&store, 500)?;
                if n > 0 {
                    changed();
                }
                Ok(format!("ทำภาพ {n} ภาพ"))
            },
        ));
    }
    {
        let (store, changed) = (store.clone(), hooks.content_changed.clone());
        let next = Arc::new(Mutex::new(None::<NextRevision>));
        jobs.push(
            Job::asynchronous(
                "revise",
                "เผยแพร่ฉบับแก้ไขที่ถึงกำหนดเวลา",
                // Every tick, so an amendment is online within seconds of its time (runs are
                // written only now and then, see `WRITE_EVERY`). The database is asked only
                // when the next one is due, when this process recorded a new one, or once a
                // minute (a restore, another process): an idle server's tick then runs no SQL.
                Schedule::Every(TICK),
                move || {
                    let (store, changed, next) = (store.clone(), changed.clone(), next.clone());
                    async move {
                        let now = thai::now().as_second();
                        let recorded = crate::store::revisions::pending_recorded();
                        let known = *next.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        let nothing_due = known.is_some_and(|k: NextRevision| {
                            k.recorded == recorded && k.due.is_none_or(|t| now < t) && now - k.looked_at < 60
                        });
                        let n = if nothing_due {
                            0
                        } else {
                            let (n, due) = store
                                .run(move |c| {
                                    let today = thai::today();
                                    let n = crate::store::requests::apply_due_revisions(c, now, today)?;
                                    Ok((n, crate::store::revisions::next_due(c, today)?))
                                })
                                .await?;
                            *next.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                                Some(NextRevision { recorded, due, looked_at: now });
                            n
                        };
                        if n > 0 {
                            tracing::info!(items = n, "scheduled amendments put online");
                            changed();
                        }
                        Ok(format!("เผยแพร่ฉบับแก้ไข {n} รายการ"))
                    }
                },
            )
            .before_serving(),
        );
    }
    {
        let (store, dir, days) = (store.clone(), config.data_dir.clone(), settings.logs.retention_days);
        jobs.push(Job::blocking(
            "logs.purge",
            "ลบบันทึกการจราจรที่พ้นระยะเก็บรักษา",
            Schedule::Every(Duration::from_secs(3600)),
            move || {
                let n = purge_logs(&store, &dir, days)?;
                Ok(format!("ลบ {n} วัน"))
            },
        ));
    }
    if !settings.logs.copy_dir.trim().is_empty() {
        let (store, dir, days) = (store.clone(), config.data_dir.clone(), settings.logs.retention_days);
        let copy_dir = std::path::PathBuf::from(settings.logs.copy_dir.trim());
        jobs.push(Job::blocking(
            "logs.copy",
            "สำเนาบันทึกการจราจรไปยังที่เก็บสำรอง",
            Schedule::Every(Duration::from_secs(3600)),
            move || {
                let days = super::traffic::mirror(&store, &dir, &copy_dir, retention_start(days))?;
                Ok(format!("สำเนา {} วัน", days.len()))
            },
        ));
    }
    // The backup time, folders and counts follow the settings in force (no restart).
    {
        let (store, dir, live) = (store.clone(), config.data_dir.clone(), hooks.settings.clone());
        let time = settings.backups.time().unwrap_or(jiff::civil::Time::midnight());
        let schedule = hooks.settings.clone();
        jobs.push(
            Job::blocking(
                "backup",
                "สำรองข้อมูลประจำวัน",
                Schedule::Daily(time),
                move || {
                    let backups = live.get().backups.clone();
                    if !backup_due(&store, &backups)? {
                        return Ok("สำรองแล้ววันนี้".into());
                    }
                    let path = super::backup::run_once(&store, &dir, &backups, &Who::scheduler())?;
                    Ok(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
                },
            )
            .following(move || schedule.get().backups.time().map(Schedule::Daily)),
        );
    }
    // Nothing lost (issue 20): crash leftovers at start and daily; the weekly restore drill
    // (checked hourly, run when a week has passed since the last, as recorded in the database).
    {
        let (sweep_store, dir) = (store.clone(), config.data_dir.clone());
        jobs.push(Job::blocking(
            "sweep",
            "เก็บกวาดไฟล์ค้างจากการทำงานที่สะดุด",
            Schedule::Every(super::sweep::EVERY),
            move || {
                let s = super::sweep::sweep_job(&sweep_store, &dir)?;
                Ok(format!(
                    "ลบ {} ย้ายไปพัก {} ลบที่พักครบกำหนด {}",
                    s.removed.len(),
                    s.quarantined.len(),
                    s.expired.len()
                ))
            },
        ));
        let (store, dir) = (store.clone(), config.data_dir.clone());
        jobs.push(Job::blocking(
            "backup.drill",
            "ซ้อมกู้คืนไฟล์สำรองล่าสุด (ทุกสัปดาห์)",
            Schedule::Every(Duration::from_secs(3600)),
            move || {
                Ok(if super::backup::drill_job(&store, &dir)? {
                    "ซ้อมกู้คืนแล้ว".into()
                } else {
                    "ยังไม่ถึงกำหนด".into()
                })
            },
        ));
    }
    {
        let (store, days) = (store.clone(), settings.eservices.retention_days);
        jobs.push(Job::blocking(
            "cases.purge",
            "ลบข้อมูลส่วนบุคคลของเรื่องที่ปิดแล้วเมื่อพ้นระยะเก็บรักษา",
            Schedule::Every(Duration::from_secs(3600)),
            move || {
                let n = crate::store::cases::purge_job(&store, days)?;
                Ok(format!("ลบข้อมูลส่วนบุคคล {n} เรื่อง"))
            },
        ));
    }
    // The mail server follows the settings in force: set, changed or emptied without a restart.
    {
        let (store, live, schedule) = (store.clone(), hooks.settings.clone(), hooks.settings.clone());
        jobs.push(
            Job::asynchronous(
                "mail",
                "ส่งอีเมลแจ้งเตือน",
                Schedule::Every(super::mailer::PERIOD),
                move || {
                    let (store, settings) = (store.clone(), live.get());
                    async move {
                        let n = super::mailer::send_pending(&store, &settings.smtp, &settings.office.name_th)
                            .await?;
                        Ok(format!("ส่ง {n} ฉบับ"))
                    }
                },
            )
            .following(move || {
                (!schedule.get().smtp.host.is_empty()).then_some(Schedule::Every(super::mailer::PERIOD))
            }),
        );
    }
    if settings.update.mode != crate::config::UpdateMode::Off && !settings.update.feed.trim().is_empty() {
        let (store, config, restart) = (store.clone(), config.clone(), hooks.restart.clone());
        let started = std::time::Instant::now();
        jobs.push(Job::blocking(
            "update",
            "ตรวจสอบและติดตั้งโปรแกรมรุ่นใหม่",
            Schedule::Every(Duration::from_secs(15 * 60)),
            move || {
                // The first check waits a while, so that a restart loop or a short test run never
                // asks the feed.
                if started.elapsed() < FIRST_UPDATE_CHECK_AFTER {
                    return Ok("รอตรวจสอบหลังเริ่มทำงาน".into());
                }
                let installed = update_duties(&config, &store);
                if installed {
                    restart();
                    return Ok("ติดตั้งรุ่นใหม่แล้ว เริ่มทำงานใหม่".into());
                }
                Ok("ตรวจสอบแล้ว".into())
            },
        ));
    }
    jobs
}

/// Runs the jobs marked [`Job::before_serving`] to the end, then leaves `jobs` running in the
/// background until the process ends: every [`TICK`] each due job is started (a job is never
/// run twice at once), and its runs are recorded for the health page.
///
/// When a job is due is decided from memory, seeded from the database at start (so a daily job
/// missed while the machine was off is caught up). To spare an SD card, a frequent job's run is
/// written only when it failed, when it recovers, or once an hour; daily and hourly jobs are
/// written at every start and end.
pub async fn start(store: Store, jobs: Vec<Job>) {
    let jobs: Vec<Arc<Job>> = jobs.into_iter().map(Arc::new).collect();
    let seen = store.run(|c| jobs::all(c)).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "scheduler cannot read its jobs");
        Vec::new()
    });
    let board: Arc<Mutex<Board>> = Arc::new(Mutex::new(Board {
        last_start: seen.iter().map(|r| (r.name.clone(), r.started_at)).collect(),
        written: seen
            .iter()
            .map(|r| (r.name.clone(), (r.finished_at.unwrap_or(r.started_at), r.ok != Some(false))))
            .collect(),
        running: HashSet::new(),
    }));
    for job in jobs.iter().filter(|j| j.first) {
        let Some(schedule) = job.schedule_now() else { continue };
        let at = jiff::Timestamp::now().as_second();
        {
            let mut b = board.lock().expect("scheduler board");
            b.running.insert(job.name);
            b.last_start.insert(job.name.to_owned(), at);
        }
        run_one(job, schedule, &store, &board, at).await;
    }
    tokio::spawn(run(store, jobs, board));
}

async fn run(store: Store, jobs: Vec<Arc<Job>>, board: Arc<Mutex<Board>>) {
    let mut tick = tokio::time::interval(TICK);
    loop {
        tick.tick().await;
        let now = jiff::Timestamp::now().to_zoned_datetime(thai::bangkok());
        let at = now.timestamp().as_second();
        for job in &jobs {
            let Some(schedule) = job.schedule_now() else { continue };
            {
                let mut b = board.lock().expect("scheduler board");
                let last = b.last_start.get(job.name).copied();
                if !schedule.is_due(last, &now) || !b.running.insert(job.name) {
                    continue;
                }
                b.last_start.insert(job.name.to_owned(), at);
            }
            let (job, store, board) = (job.clone(), store.clone(), board.clone());
            tokio::spawn(async move { run_one(&job, schedule, &store, &board, at).await });
        }
    }
}

/// What the `revise` job learnt when it last asked the database.
#[derive(Clone, Copy)]
struct NextRevision {
    /// [`crate::store::revisions::pending_recorded`] then.
    recorded: u64,
    /// When the next pending revision comes due (Unix seconds, test clock included).
    due: Option<i64>,
    /// When it asked.
    looked_at: i64,
}

/// What the scheduler remembers between ticks.
struct Board {
    /// When each job last started (Unix seconds).
    last_start: std::collections::HashMap<String, i64>,
    /// When each job's run was last written, and whether that run succeeded.
    written: std::collections::HashMap<String, (i64, bool)>,
    /// Jobs running now.
    running: HashSet<&'static str>,
}

/// Frequent jobs are written at most this often while nothing changes.
const WRITE_EVERY: i64 = 3600;

async fn run_one(job: &Job, when: Schedule, store: &Store, board: &Mutex<Board>, at: i64) {
    let (name, label, schedule) = (job.name, job.label_th, when.label_th());
    let infrequent = match when {
        Schedule::Daily(_) => true,
        Schedule::Every(d) => d.as_secs() as i64 >= WRITE_EVERY,
    };
    if infrequent {
        let schedule = schedule.clone();
        if let Err(e) = store.run(move |c| jobs::started(c, name, label, &schedule, at)).await {
            tracing::error!(job = name, error = %e, "scheduler cannot record a start");
        }
    }
    let outcome = match (job.task)().await {
        Ok(m) => Ok(m),
        Err(e) => {
            tracing::error!(job = name, error = %format!("{e:#}"), "scheduled job failed");
            Err(format!("{e:#}"))
        }
    };
    let ok = outcome.is_ok();
    let write = {
        let b = board.lock().expect("scheduler board");
        match b.written.get(name) {
            _ if infrequent || !ok => true,
            Some(&(written_at, was_ok)) => !was_ok || at - written_at >= WRITE_EVERY,
            None => true,
        }
    };
    if write {
        let result = store
            .run(move |c| {
                let result = outcome.as_deref().map_err(String::as_str);
                if infrequent {
                    jobs::finished(c, name, result)
                } else {
                    jobs::record(c, name, label, &schedule, at, result)
                }
            })
            .await;
        if let Err(e) = result {
            tracing::error!(job = name, error = %e, "scheduler cannot record a run");
        }
    }
    let mut b = board.lock().expect("scheduler board");
    if write {
        b.written.insert(name.to_owned(), (at, ok));
    }
    b.running.remove(name);
}

/// The first day of traffic logs to keep.
fn retention_start(retention_days: u32) -> jiff::civil::Date {
    thai::today()
        .checked_sub(jiff::Span::new().days(i64::from(retention_days)))
        .unwrap_or_else(|_| thai::today())
}

/// Deletes traffic-log days older than `retention_days`, recording each in the audit trail.
pub fn purge_logs(store: &Store, data_dir: &std::path::Path, retention_days: u32) -> StoreResult<usize> {
    let purged = super::traffic::purge(store, data_dir, retention_start(retention_days))?;
    let system = Who::scheduler();
    for day in &purged {
        store.run_sync(|c| {
            audit::append(c, &system, AuditAction::LogPurge, &format!("log/{day}"), "retention")
        })?;
    }
    Ok(purged.len())
}

/// Whether the daily backup is due: its time has come today and no backup (scheduled, from the
/// admin page or the console) was made since.
fn backup_due(store: &Store, settings: &crate::config::Backups) -> StoreResult<bool> {
    let Some(time) = settings.time() else { return Ok(false) };
    let now = jiff::Timestamp::now().to_zoned_datetime(thai::bangkok());
    let Ok(today) = now.date().to_datetime(time).to_zoned_datetime(thai::bangkok()) else { return Ok(false) };
    // Before today's time the job only runs to catch up yesterday's.
    let due = if now.timestamp() < today.timestamp() { today.yesterday().unwrap_or(today) } else { today };
    let since = due.timestamp().as_second();
    Ok(!store.run_sync(|c| crate::store::backups::ran_since(c, since))?)
}

/// The first release-feed check waits this long after start.
const FIRST_UPDATE_CHECK_AFTER: Duration = Duration::from_secs(15 * 60);

/// The daily release-feed check and, when the settings allow, the night-time install.
/// Returns whether a new binary was installed (the server should restart on it).
fn update_duties(config: &Config, store: &Store) -> bool {
    use super::update;
    let (settings, data_dir) = (&config.settings, &config.data_dir);
    let now = jiff::Timestamp::now();
    let mut status = update::Status::load(data_dir);
    if update::check_due(&status, now.as_second()) {
        if let Err(e) = update::check_and_record(&settings.update, data_dir) {
            tracing::warn!(error = %e, "release feed check failed");
        }
        status = update::Status::load(data_dir);
    }
    if !update::auto_install_due(&settings.update, &status, now.to_zoned_datetime(thai::bangkok())) {
        return false;
    }
    status.auto_tried_at = Some(now.as_second());
    let _ = status.save(data_dir);
    match update::install(settings, data_dir, store, &Who::scheduler(), false) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit;
    use crate::store::items::{self, At, NewItem};
    use crate::store::notifications;
    use crate::store::requests::{self, Fields, Record, Target};
    use crate::store::users::{self, NewUser};
    use crate::workflow::state::{Actor, Roles, State};
    use crate::workflow::transition::{Transition, plan};
    use jiff::civil::{date, time};

    fn bangkok(y: i16, m: i8, d: i8, h: i8, min: i8) -> jiff::ZonedDateTime {
        date(y, m, d).at(h, min, 0, 0).to_zoned_datetime(thai::bangkok()).unwrap()
    }

    #[test]
    fn backup_and_mail_follow_the_settings_in_force() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let settings = crate::config::Settings::default();
        let live = crate::config::Live::new(settings.clone());
        let config = Config { data_dir: dir.path().to_path_buf(), settings };
        let hooks =
            Hooks { content_changed: Arc::new(|| {}), restart: Arc::new(|| {}), settings: live.clone() };
        let jobs = duties(&store, &config, &hooks);
        let job = |name: &str| jobs.iter().find(|j| j.name == name).unwrap();
        assert_eq!(job("backup").schedule_now(), Some(Schedule::Daily(time(2, 0, 0, 0))));
        assert_eq!(job("mail").schedule_now(), None, "no mail server: off");
        assert_eq!(job("expire").schedule_now(), Some(Schedule::Every(Duration::from_secs(60))));
        // Saved on the settings page: no restart, new schedules.
        let mut next = crate::config::Settings::default();
        next.backups.daily_at = "23:30".into();
        next.smtp.host = "mail.example.go.th".into();
        live.set(next.clone());
        assert_eq!(job("backup").schedule_now(), Some(Schedule::Daily(time(23, 30, 0, 0))));
        assert_eq!(job("mail").schedule_now(), Some(Schedule::Every(super::super::mailer::PERIOD)));
        next.backups.daily_at.clear();
        live.set(next);
        assert_eq!(job("backup").schedule_now(), None, "scheduled backups off");
    }

    #[test]
    fn schedules_catch_up_after_downtime() {
        let at = |y, m, d, h, min| bangkok(y, m, d, h, min).timestamp().as_second();
        let every = Schedule::Every(Duration::from_secs(60));
        let now = bangkok(2026, 12, 6, 14, 30);
        assert!(every.is_due(None, &now), "never ran: at once");
        assert!(!every.is_due(Some(at(2026, 12, 6, 14, 29) + 30), &now));
        assert!(every.is_due(Some(at(2026, 12, 6, 14, 29)), &now));
        let daily = Schedule::Daily(time(2, 0, 0, 0));
        assert!(daily.is_due(None, &now), "its time has come today");
        assert!(!daily.is_due(None, &bangkok(2026, 12, 6, 1, 0)), "a new install waits for the time");
        assert!(!daily.is_due(Some(at(2026, 12, 6, 2, 0)), &now), "ran today");
        assert!(daily.is_due(Some(at(2026, 12, 5, 2, 0)), &now), "ran yesterday: due today");
        // Off from before yesterday's run until 01:00 today: yesterday's is caught up at once.
        assert!(daily.is_due(Some(at(2026, 12, 4, 2, 0)), &bangkok(2026, 12, 6, 1, 0)));
        assert!(!daily.is_due(Some(at(2026, 12, 5, 2, 0)), &bangkok(2026, 12, 6, 1, 0)));
        assert_eq!(daily.label_th(), "ทุกวัน เวลา 02.00 น.");
        assert_eq!(every.label_th(), "ทุก 1 นาที");
    }

    #[test]
    fn items_past_their_end_come_down_with_their_requests() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (item_id, request_id, lasting, orphan) = store
            .run_sync(|c| {
                let user = NewUser {
                    username: "staff".into(),
                    name: "นางสาวณภาพัช".into(),
                    roles: Roles::parse_list("staff").unwrap(),
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
                let actor = Actor { user_id: uid, roles: Roles::parse_list("staff").unwrap() };
                let create = plan(&Transition::Create { submit: true }, None, &actor).unwrap();
                let who = Who { user_id: Some(uid), address: "127.0.0.1".into() };
                let target = Target::New {
                    requester_id: uid,
                    fiscal_year: 2569,
                    fields: &fields,
                    files: &[],
                    amendment: None,
                };
                let rec = Record {
                    who: &who,
                    actor_id: uid,
                    edit: None,
                    item: None,
                    amendment: None,
                    tag_year: None,
                };
                let rid = requests::record(c, target, &create, rec).unwrap();
                let item = |title: &str, end, request_id| NewItem {
                    expires_on: end,
                    request_id,
                    ..NewItem::sample("news/jobs", title, "2026-01-05T02:00:00Z")
                };
                let id = items::insert(c, &item("ประกาศรับสมัครงาน", Some(date(2026, 1, 31)), Some(rid)))?;
                requests::link_item(c, rid, id)?;
                c.execute("UPDATE requests SET state = 'published' WHERE id = ?1", [rid])?;
                let lasting = items::insert(c, &item("ไม่มีวันสิ้นสุด", None, None))?;
                let orphan = items::insert(c, &item("นำเข้าจากเว็บเดิม", Some(date(2026, 1, 20)), None))?;
                notifications::mark_all_read(c, uid)?;
                Ok((id, rid, lasting, orphan))
            })
            .unwrap();

        let expire = |day| store.run_sync(|c| requests::expire_due(c, day)).unwrap();
        // On its last day it stays; the day after it comes down.
        assert_eq!(expire(date(2026, 1, 31)), 1, "only the item that ended on the 20th");
        assert_eq!(expire(date(2026, 2, 1)), 1);
        assert_eq!(expire(date(2026, 2, 2)), 0, "only once");
        store
            .run_sync(|c| {
                let at = At::from("2026-02-01T05:00:00Z".parse::<jiff::Timestamp>().unwrap());
                assert!(items::visible(c, item_id, at)?.is_none());
                assert_eq!(items::gone(c, item_id, at)?, Some(items::Gone::Expired), "kept, not deleted");
                assert_eq!(items::gone(c, orphan, at)?, Some(items::Gone::Expired));
                assert!(items::visible(c, lasting, at)?.is_some());
                assert_eq!(requests::get(c, request_id)?.unwrap().state, State::Expired);
                let trail = audit::list(c, &audit::Filter::default())?;
                let objects: Vec<(AuditAction, &str)> = trail
                    .iter()
                    .map(|e| (e.action, e.object.as_str()))
                    .filter(|(a, _)| a.as_str().contains("expire"))
                    .collect();
                let (item, request, orphan) =
                    (format!("item/{item_id}"), format!("request/{request_id}"), format!("item/{orphan}"));
                assert_eq!(
                    objects,
                    [
                        (AuditAction::ItemExpire, orphan.as_str()),
                        (AuditAction::ItemExpire, item.as_str()),
                        (AuditAction::RequestExpire, request.as_str())
                    ]
                );
                assert_eq!(notifications::unread_count(c, 1)?, 1, "the requester is told");
                Ok(())
            })
            .unwrap();
    }
}
