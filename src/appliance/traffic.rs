//! Computer traffic logs (seed 2.5; Computer-related Crime Act s.26): one line per request in a
//! daily file `logs/traffic-YYYY-MM-DD.jsonl`, written by one thread fed through a channel so
//! that no request waits for the disk. Every line carries the hash of the previous line
//! (`prev`) and its own (`hash`); each closed day's final hash is sealed in the database, so
//! that a changed, inserted or deleted line, or a missing day, is found by [`verify`].

use std::fs::{File, OpenOptions};
use std::io::{BufRead as _, BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::Duration;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::store::{Store, StoreResult, logs};

/// The chain's start when no earlier day exists.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Requests that may wait for the writer before new ones are dropped (and counted).
const QUEUE: usize = 4096;

/// What is recorded about one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Bangkok time with offset, e.g. `2026-11-26T08:15:02.113+07:00`.
    pub time: String,
    /// Client address (as decided by the access rules).
    pub client: String,
    /// The forwarded chain, when a trusted proxy sent one.
    pub forwarded: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Response status.
    pub status: u16,
    /// Response body size in bytes, when known.
    pub bytes: Option<u64>,
    /// User agent.
    pub agent: Option<String>,
    /// Account id when logged in.
    pub account: Option<i64>,
    /// Whether the request came over TLS.
    pub tls: bool,
}

/// A line of the file: the record and its place in the chain.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Line {
    #[serde(flatten)]
    record: Record,
    prev: String,
    hash: String,
}

fn chain_hash(prev: &str, record: &Record) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(serde_json::to_vec(record).expect("records serialize"));
    hex::encode(h.finalize())
}

/// Where the daily files live.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// The file of one day.
pub fn file_of(data_dir: &Path, day: Date) -> PathBuf {
    dir(data_dir).join(format!("traffic-{day}.jsonl"))
}

/// The day a record belongs to (its Bangkok date).
fn day_of(record: &Record) -> Option<Date> {
    record.time.get(..10)?.parse().ok()
}

/// The sending side, cheap to clone; requests are recorded with [`Recorder::record`].
#[derive(Clone)]
pub struct Recorder {
    sender: SyncSender<Record>,
    thread: std::sync::Arc<std::thread::JoinHandle<()>>,
}

/// The writer thread, to wait for its last flush at shutdown.
pub struct WriterThread(std::sync::Arc<std::thread::JoinHandle<()>>);

impl WriterThread {
    /// Waits (at most `limit`) for the writer to flush and end; it ends once every
    /// [`Recorder`] is dropped.
    pub fn wait(&self, limit: Duration) {
        let until = std::time::Instant::now() + limit;
        while !self.0.is_finished() && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Recorder {
    /// The writer thread behind this recorder.
    pub fn writer(&self) -> WriterThread {
        WriterThread(self.thread.clone())
    }

    /// Queues a record; never blocks. If the writer is far behind the record is dropped and a
    /// warning logged, rather than slowing the site.
    pub fn record(&self, record: Record) {
        if let Err(TrySendError::Full(_)) = self.sender.try_send(record) {
            tracing::warn!("traffic log queue full; a record was dropped");
        }
    }
}

/// Starts the writer thread for `data_dir` and returns the recorder.
pub fn start(store: Store, data_dir: PathBuf) -> std::io::Result<Recorder> {
    std::fs::create_dir_all(dir(&data_dir))?;
    let (sender, receiver) = std::sync::mpsc::sync_channel(QUEUE);
    let thread = std::thread::Builder::new()
        .name("traffic-log".into())
        .spawn(move || Writer { store, data_dir, open: None, checked: None }.run(receiver))?;
    Ok(Recorder { sender, thread: std::sync::Arc::new(thread) })
}

struct OpenDay {
    day: Date,
    out: BufWriter<File>,
    last_hash: String,
    lines: u64,
}

struct Writer {
    store: Store,
    data_dir: PathBuf,
    open: Option<OpenDay>,
    /// The day up to which past days were last checked for a missing seal.
    checked: Option<Date>,
}

impl Writer {
    fn run(mut self, receiver: Receiver<Record>) {
        loop {
            match receiver.recv_timeout(Duration::from_secs(1)) {
                Ok(record) => {
                    if let Err(e) = self.write(&record) {
                        tracing::error!(error = %e, "traffic log write failed");
                    }
                }
                // At least every second the buffer reaches the disk; after midnight the past
                // day is sealed even when no request comes.
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(open) = &mut self.open {
                        let _ = open.out.flush();
                    }
                    if let Err(e) = self.seal_past_days(crate::thai::today()) {
                        tracing::error!(error = %e, "sealing a past traffic-log day failed");
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    if let Some(open) = &mut self.open {
                        let _ = open.out.flush();
                    }
                    return;
                }
            }
        }
    }

    fn write(&mut self, record: &Record) -> anyhow::Result<()> {
        let day = day_of(record).ok_or_else(|| anyhow::anyhow!("bad record time {}", record.time))?;
        if self.open.as_ref().is_none_or(|o| o.day != day) {
            self.switch_to(day)?;
        }
        let open = self.open.as_mut().expect("a day is open");
        let hash = chain_hash(&open.last_hash, record);
        let line = Line { record: record.clone(), prev: open.last_hash.clone(), hash: hash.clone() };
        serde_json::to_writer(&mut open.out, &line)?;
        open.out.write_all(b"\n")?;
        open.last_hash = hash;
        open.lines += 1;
        Ok(())
    }

    /// Closes the open day if it is before `today`, and seals every earlier day that was opened
    /// but never sealed (no request after midnight, or the server was stopped), from the last
    /// line of its file. Runs the query once per new day.
    fn seal_past_days(&mut self, today: Date) -> anyhow::Result<()> {
        if let Some(mut open) = self.open.take_if(|o| o.day < today) {
            open.out.flush()?;
            open.out.get_ref().sync_all()?;
        }
        if self.checked == Some(today) {
            return Ok(());
        }
        for day in self.store.run_sync(|c| logs::unsealed_before(c, today))? {
            let path = file_of(&self.data_dir, day);
            // A day whose file is gone stays unsealed, so that `verify` reports it missing.
            if !path.exists() {
                continue;
            }
            let (last, lines) = tail_of(&path)?;
            let first_prev = self.store.run_sync(|c| logs::first_prev(c, day))?;
            let final_hash = last.or(first_prev).unwrap_or_else(|| GENESIS.to_string());
            self.store.run_sync(|c| logs::seal(c, day, &final_hash, lines))?;
        }
        self.checked = Some(today);
        Ok(())
    }

    /// Seals the days before `day` and opens `day`, continuing the chain (also across a
    /// restart).
    fn switch_to(&mut self, day: Date) -> anyhow::Result<()> {
        if let Some(mut old) = self.open.take() {
            old.out.flush()?;
            old.out.get_ref().sync_all()?;
        }
        self.seal_past_days(day)?;
        let path = file_of(&self.data_dir, day);
        // Continue today's file after a restart: its last line is where the chain goes on.
        let (last_hash, lines) = if path.exists() { tail_of(&path)? } else { (None, 0) };
        let last_hash = match last_hash {
            Some(h) => h,
            None => {
                let start = self.store.run_sync(|c| logs::chain_start(c, day))?;
                self.store.run_sync(|c| logs::open_day(c, day, &start))?;
                start
            }
        };
        let out = BufWriter::new(OpenOptions::new().create(true).append(true).open(&path)?);
        self.open = Some(OpenDay { day, out, last_hash, lines });
        Ok(())
    }
}

/// The hash of the last line of a day's file and its number of lines.
fn tail_of(path: &Path) -> std::io::Result<(Option<String>, u64)> {
    let mut last = None;
    let mut n = 0;
    for line in BufReader::new(File::open(path)?).lines() {
        if let Ok(parsed) = serde_json::from_str::<Line>(&line?) {
            last = Some(parsed.hash);
        }
        n += 1;
    }
    Ok((last, n))
}

/// One problem found by [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The day.
    pub day: Date,
    /// Line number (from 1), when the problem is at a line.
    pub line: Option<u64>,
    /// What is wrong, in Thai and English.
    pub what: String,
}

/// Checks every day in `[from, to]` that has a file or a seal: each line's hash, the chain
/// between lines and between days, and the seal of closed days.
pub fn verify(store: &Store, data_dir: &Path, from: Date, to: Date) -> anyhow::Result<(u64, Vec<Finding>)> {
    let days = store.run_sync(|c| logs::days(c, from, to))?;
    let mut findings = Vec::new();
    let mut checked = 0;
    for d in days {
        let path = file_of(data_dir, d.day);
        let Ok(file) = File::open(&path) else {
            findings.push(Finding {
                day: d.day, line: None, what: "ไม่พบไฟล์บันทึกของวันนี้ (missing day)".into()
            });
            continue;
        };
        let mut prev = d.first_prev.clone();
        let mut count = 0u64;
        // A day not sealed yet (today's) is being written while we read: its last line may be
        // half-written, so reading stops at the last complete line. A sealed day's file is
        // closed, and a partial last line there is a finding like any other.
        let open_day = d.final_hash.is_none();
        for (n, line) in complete_lines(BufReader::new(file), open_day).enumerate() {
            let n = n as u64 + 1;
            count = n;
            let bytes = line?;
            let Ok(parsed) = serde_json::from_slice::<Line>(&bytes) else {
                findings.push(Finding {
                    day: d.day,
                    line: Some(n),
                    what: "บรรทัดอ่านไม่ได้ (unreadable line)".into(),
                });
                continue;
            };
            if chain_hash(&parsed.prev, &parsed.record) != parsed.hash {
                findings.push(Finding {
                    day: d.day,
                    line: Some(n),
                    what: "บรรทัดถูกแก้ไข (modified line)".into(),
                });
            }
            if parsed.prev != prev {
                findings.push(Finding {
                    day: d.day,
                    line: Some(n),
                    what: "ลำดับขาดตอนก่อนบรรทัดนี้ (line inserted or deleted before it)".into(),
                });
            }
            prev = parsed.hash;
        }
        checked += count;
        if let (Some(final_hash), Some(lines)) = (&d.final_hash, d.lines) {
            if count < lines as u64 || (prev != *final_hash && count == lines as u64) {
                findings.push(Finding {
                    day: d.day,
                    line: None,
                    what: format!("จำนวนบรรทัดหรือค่าปิดท้ายไม่ตรงกับที่ผนึกไว้ ({count} จาก {lines}) (lines deleted or day changed)"),
                });
            } else if count > lines as u64 {
                findings.push(Finding {
                    day: d.day,
                    line: Some(lines as u64 + 1),
                    what: "มีบรรทัดเพิ่มหลังผนึกวัน (lines added after the day was sealed)".into(),
                });
            }
        }
    }
    let summary = format!("{} lines, {} problems", checked, findings.len());
    store.run_sync(|c| logs::record_verification(c, &summary))?;
    Ok((checked, findings))
}

/// The lines of a log file as bytes (not text: a damaged line must be reported, not stop the
/// check). With `stop_at_partial`, a last line without its newline, still being written, is
/// left out.
fn complete_lines(
    mut reader: impl std::io::BufRead,
    stop_at_partial: bool,
) -> impl Iterator<Item = std::io::Result<Vec<u8>>> {
    std::iter::from_fn(move || {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => None,
            Ok(_) if line.last() == Some(&b'\n') => {
                line.pop();
                Some(Ok(line))
            }
            Ok(_) if stop_at_partial => None,
            Ok(_) => Some(Ok(line)),
            Err(e) => Some(Err(e)),
        }
    })
}

/// Reads the records of `[from, to]` in order.
pub fn records(data_dir: &Path, from: Date, to: Date) -> anyhow::Result<Vec<Record>> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        if let Ok(file) = File::open(file_of(data_dir, day)) {
            for line in complete_lines(BufReader::new(file), true) {
                if let Ok(parsed) = serde_json::from_slice::<Line>(&line?) {
                    out.push(parsed.record);
                }
            }
        }
        day = day.tomorrow()?;
    }
    Ok(out)
}

/// Deletes the files of days before `keep_from`, recording each purge; returns the days purged.
pub fn purge(store: &Store, data_dir: &Path, keep_from: Date) -> StoreResult<Vec<Date>> {
    let old = store.run_sync(|c| {
        logs::days(c, jiff::civil::date(2000, 1, 1), keep_from.yesterday().unwrap_or(keep_from))
    })?;
    let mut purged = Vec::new();
    for d in old {
        let path = file_of(data_dir, d.day);
        if path.exists() {
            std::fs::remove_file(&path)?;
        }
        store.run_sync(|c| logs::mark_purged(c, d.day))?;
        purged.push(d.day);
    }
    Ok(purged)
}

/// Copies every sealed day not yet copied (or copied short) to `copy_dir`, e.g. a USB disk or
/// a network share, and removes copies of days before `keep_from`. Returns the days copied.
/// Files are written under a temporary name and renamed, so a copy is never half a day.
pub fn mirror(store: &Store, data_dir: &Path, copy_dir: &Path, keep_from: Date) -> anyhow::Result<Vec<Date>> {
    use anyhow::Context as _;
    std::fs::create_dir_all(copy_dir)
        .with_context(|| format!("โฟลเดอร์สำเนาบันทึกการจราจร {} ใช้ไม่ได้", copy_dir.display()))?;
    let today = crate::thai::today();
    let days = store.run_sync(|c| logs::days(c, keep_from, today))?;
    let mut copied = Vec::new();
    for d in days.iter().filter(|d| d.final_hash.is_some()) {
        let from = file_of(data_dir, d.day);
        let Ok(size) = std::fs::metadata(&from).map(|m| m.len()) else { continue };
        let to = copy_dir.join(from.file_name().expect("a file name"));
        if std::fs::metadata(&to).is_ok_and(|m| m.len() == size) {
            continue;
        }
        let mut tmp = tempfile::NamedTempFile::new_in(copy_dir)?;
        std::io::copy(&mut File::open(&from)?, tmp.as_file_mut())
            .with_context(|| format!("คัดลอก {} ไม่สำเร็จ (disk full?)", from.display()))?;
        tmp.as_file().sync_all()?;
        tmp.persist(&to).map_err(|e| e.error)?;
        copied.push(d.day);
    }
    for entry in std::fs::read_dir(copy_dir)?.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let day = name.strip_prefix("traffic-").and_then(|n| n.strip_suffix(".jsonl"));
        if day.and_then(|d| d.parse::<Date>().ok()).is_some_and(|d| d < keep_from) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(copied)
}

/// The newest sealed day and whether `copy_dir` holds a full copy of it (for the health page).
pub fn mirror_current(
    store: &Store,
    data_dir: &Path,
    copy_dir: &Path,
) -> anyhow::Result<Option<(Date, bool)>> {
    let today = crate::thai::today();
    let from = today.checked_sub(jiff::Span::new().days(30))?;
    let days = store.run_sync(|c| logs::days(c, from, today))?;
    let Some(last) = days.iter().rev().find(|d| d.final_hash.is_some()) else { return Ok(None) };
    let from = file_of(data_dir, last.day);
    let to = copy_dir.join(from.file_name().expect("a file name"));
    let same = match (std::fs::metadata(&from), std::fs::metadata(&to)) {
        (Ok(a), Ok(b)) => a.len() == b.len(),
        _ => false,
    };
    Ok(Some((last.day, same)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn record(time: &str, path: &str) -> Record {
        Record {
            time: time.into(),
            client: "203.0.113.7".into(),
            forwarded: None,
            method: "GET".into(),
            path: path.into(),
            status: 200,
            bytes: Some(1234),
            agent: Some("Mozilla/5.0".into()),
            account: None,
            tls: true,
        }
    }

    /// Two days of traffic written by the writer: the first is sealed when the second opens.
    fn two_days() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        std::fs::create_dir_all(super::dir(dir.path())).unwrap();
        let mut w =
            Writer { store: store.clone(), data_dir: dir.path().to_path_buf(), open: None, checked: None };
        for n in 0..5 {
            w.write(&record(&format!("2026-11-24T10:00:0{n}.000+07:00"), &format!("/c/news?page={n}")))
                .unwrap();
        }
        for n in 0..3 {
            w.write(&record(&format!("2026-11-25T09:00:0{n}.000+07:00"), "/items/1")).unwrap();
        }
        w.open.as_mut().unwrap().out.flush().unwrap();
        (dir, store)
    }

    fn rewrite(path: &Path, f: impl FnOnce(&mut Vec<String>)) {
        let mut lines: Vec<String> =
            std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect();
        f(&mut lines);
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }

    #[test]
    fn an_untouched_log_verifies() {
        let (dir, store) = two_days();
        let (lines, findings) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert_eq!((lines, findings.len()), (8, 0), "{findings:?}");
        assert_eq!(records(dir.path(), date(2026, 11, 24), date(2026, 11, 24)).unwrap().len(), 5);
    }

    #[test]
    fn a_half_written_last_line_of_the_open_day_is_not_a_finding() {
        let (dir, store) = two_days();
        // The writer is in the middle of today's next line (a Thai character cut in half too).
        let today = file_of(dir.path(), date(2026, 11, 25));
        let mut file = OpenOptions::new().append(true).open(&today).unwrap();
        file.write_all(b"{\"time\":\"2026-11-25T09:00:09.000+07:00\",\"path\":\"/\xE0\xB8").unwrap();
        let (lines, findings) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert_eq!((lines, findings.len()), (8, 0), "{findings:?}");
        assert_eq!(records(dir.path(), date(2026, 11, 25), date(2026, 11, 25)).unwrap().len(), 3);

        // On a sealed (closed) day the same bytes are a finding.
        let sealed = file_of(dir.path(), date(2026, 11, 24));
        let mut file = OpenOptions::new().append(true).open(&sealed).unwrap();
        file.write_all(b"{\"time\":").unwrap();
        let (_, findings) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert!(findings.iter().any(|f| f.day == date(2026, 11, 24) && f.line == Some(6)), "{findings:?}");
    }

    #[test]
    fn tampering_is_found_and_located() {
        let (dir, store) = two_days();
        let day1 = file_of(dir.path(), date(2026, 11, 24));
        rewrite(&day1, |l| l[1] = l[1].replace("203.0.113.7", "198.51.100.1"));
        let (_, f) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert!(f.iter().any(|x| x.line == Some(2) && x.what.contains("modified")), "{f:?}");

        let (dir, store) = two_days();
        let day1 = file_of(dir.path(), date(2026, 11, 24));
        rewrite(&day1, |l| {
            l.remove(2);
        });
        let (_, f) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert!(f.iter().any(|x| x.line == Some(3) && x.what.contains("inserted or deleted")), "{f:?}");
        assert!(
            f.iter().any(|x| x.line.is_none() && x.what.contains("deleted")),
            "the seal notices too: {f:?}"
        );

        let (dir, store) = two_days();
        std::fs::remove_file(file_of(dir.path(), date(2026, 11, 24))).unwrap();
        let (_, f) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert!(f.iter().any(|x| x.day == date(2026, 11, 24) && x.what.contains("missing day")), "{f:?}");
    }

    #[test]
    fn a_day_is_sealed_after_midnight_without_traffic_and_across_a_restart() {
        let (dir, store) = two_days();
        let sealed = |day| {
            store
                .run_sync(|c| logs::days(c, day, day))
                .unwrap()
                .first()
                .and_then(|d| d.lines)
                .map(|n| n as u64)
        };
        assert_eq!(sealed(date(2026, 11, 25)), None, "still open");

        // A new process (a restart) writes nothing until a quiet tick after midnight.
        let mut w =
            Writer { store: store.clone(), data_dir: dir.path().to_path_buf(), open: None, checked: None };
        w.seal_past_days(date(2026, 11, 26)).unwrap();
        assert_eq!(sealed(date(2026, 11, 25)), Some(3));
        w.write(&record("2026-11-26T00:00:05.000+07:00", "/")).unwrap();
        w.open.as_mut().unwrap().out.flush().unwrap();
        w.seal_past_days(date(2026, 11, 27)).unwrap();
        assert!(w.open.is_none(), "the past day is closed");
        assert_eq!(sealed(date(2026, 11, 26)), Some(1));
        let (lines, findings) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert_eq!((lines, findings.len()), (9, 0), "{findings:?}");
    }

    #[test]
    fn sealed_days_are_mirrored_and_old_copies_removed() {
        let (dir, store) = two_days();
        let copy = tempfile::tempdir().unwrap();
        let stale = copy.path().join("traffic-2026-01-01.jsonl");
        std::fs::write(&stale, "old\n").unwrap();
        let copied = mirror(&store, dir.path(), copy.path(), date(2026, 2, 1)).unwrap();
        assert_eq!(copied, vec![date(2026, 11, 24)], "only the sealed day");
        assert_eq!(
            std::fs::read(copy.path().join("traffic-2026-11-24.jsonl")).unwrap(),
            std::fs::read(file_of(dir.path(), date(2026, 11, 24))).unwrap()
        );
        assert!(!stale.exists(), "copies past retention go");
        assert!(mirror(&store, dir.path(), copy.path(), date(2026, 2, 1)).unwrap().is_empty(), "once");
    }

    #[test]
    fn purged_days_are_not_missing() {
        let (dir, store) = two_days();
        assert_eq!(purge(&store, dir.path(), date(2026, 11, 25)).unwrap(), vec![date(2026, 11, 24)]);
        assert!(!file_of(dir.path(), date(2026, 11, 24)).exists());
        let (lines, findings) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert_eq!((lines, findings.len()), (3, 0), "{findings:?}");
    }
}
