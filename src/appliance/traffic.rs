//! Computer traffic logs (seed 2.5; Computer-related Crime Act s.26): one line per request in a
//! daily file `logs/traffic-YYYY-MM-DD.jsonl`, written by one thread fed through a channel so
//! that no request waits for the disk. Every line carries the hash of the previous line
//! (`prev`) and its own (`hash`); each closed day's final hash is sealed in the database, so
//! that a changed, inserted or deleted line, or a missing day, is found by [`verify`].
//!
//! Nothing is torn and nothing is lost silently: lines are written whole (a failed write is cut
//! back to the last whole line); records that could not be written (full disk, full queue) are
//! counted and, when writing works again, a gap line saying how many were lost joins the chain,
//! so that [`verify`] reports a gap as a gap, not as tampering. The open day's chain head is
//! checkpointed into the database every minute ([`CHECKPOINT_EVERY`]), so cutting lines from
//! today's file, or re-hashing it, is found before the day is sealed at midnight.

use std::fs::{File, OpenOptions};
use std::io::{BufRead as _, BufReader, Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError};
use std::time::Duration;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::store::{Store, StoreResult, logs};

/// The chain's start when no earlier day exists.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Requests that may wait for the writer before new ones are dropped (and counted).
const QUEUE: usize = 4096;
/// How often the open day's chain head is synced to disk and checkpointed into the database.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);
/// Lines are collected in memory up to this size (or one second) and written whole.
const BATCH_BYTES: usize = 64 * 1024;
/// How long the writer sleeps when the queue is empty. It polls rather than waits on the queue:
/// a waiting receiver is woken by every request (a futex call and two context switches), which
/// under load cost more than the line itself. [`QUEUE`] holds well over a tick of traffic.
const IDLE_TICK: Duration = Duration::from_millis(50);
/// The `method` of a gap line.
pub const GAP_METHOD: &str = "GAP";

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
    /// On a gap line only: how many records could not be written before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lost: Option<u64>,
    prev: String,
    hash: String,
}

fn chain_hash(prev: &str, record: &Record, lost: Option<u64>) -> String {
    let mut json = Vec::with_capacity(256);
    write_record_json(&mut json, record).expect("records serialize");
    chain_hash_of(prev, &json, lost)
}

/// [`chain_hash`] of a record already serialized (`record_json`).
fn chain_hash_of(prev: &str, record_json: &[u8], lost: Option<u64>) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(record_json);
    // A gap line's count is part of its hash (and absent from every other line's, so older
    // files verify as before).
    if let Some(n) = lost {
        h.update(format!("\nlost {n}").as_bytes());
    }
    let mut hex = [0u8; 64];
    hex::encode_to_slice(h.finalize(), &mut hex).expect("64 hex digits for 32 bytes");
    String::from_utf8_lossy(&hex).into_owned()
}

/// Appends the [`Line`] of `record` to `out`, with its newline, and returns its hash (the chain
/// goes on from `prev`): the record's JSON, written once straight into `out` and hashed there,
/// with the chain fields added before its closing brace. The same bytes as serialising the
/// [`Line`], without a second serialisation or a buffer of its own (the writer does this for
/// every request).
fn append_line(
    out: &mut Vec<u8>,
    record: &Record,
    lost: Option<u64>,
    prev: &str,
) -> serde_json::Result<String> {
    use std::io::Write as _;
    let start = out.len();
    if let Err(e) = write_record_json(out, record) {
        out.truncate(start);
        return Err(e);
    }
    let hash = chain_hash_of(prev, &out[start..], lost);
    // A JSON object always ends with its brace.
    out.pop();
    if let Some(n) = lost {
        let _ = write!(out, ",\"lost\":{n}");
    }
    // Hashes are hex (or empty): nothing in them needs escaping.
    let _ = writeln!(out, ",\"prev\":\"{prev}\",\"hash\":\"{hash}\"}}");
    Ok(hash)
}

/// Appends `record` as JSON, the same bytes as `serde_json::to_writer(out, record)` (what the
/// lines of earlier versions were hashed over), with the keys written as they are rather than
/// escaped one by one: this runs for every request, and [`verify`] hashes the same way.
fn write_record_json(out: &mut Vec<u8>, r: &Record) -> serde_json::Result<()> {
    fn text(out: &mut Vec<u8>, key: &[u8], value: Option<&str>) -> serde_json::Result<()> {
        out.extend_from_slice(key);
        match value {
            Some(v) => serde_json::to_writer(&mut *out, v),
            None => {
                out.extend_from_slice(b"null");
                Ok(())
            }
        }
    }
    fn number(out: &mut Vec<u8>, key: &[u8], value: Option<impl itoa::Integer>) {
        out.extend_from_slice(key);
        match value {
            Some(n) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
    }
    text(out, b"{\"time\":", Some(&r.time))?;
    text(out, b",\"client\":", Some(&r.client))?;
    text(out, b",\"forwarded\":", r.forwarded.as_deref())?;
    text(out, b",\"method\":", Some(&r.method))?;
    text(out, b",\"path\":", Some(&r.path))?;
    number(out, b",\"status\":", Some(r.status));
    number(out, b",\"bytes\":", r.bytes);
    text(out, b",\"agent\":", r.agent.as_deref())?;
    number(out, b",\"account\":", r.account);
    out.extend_from_slice(if r.tls { b",\"tls\":true}" } else { b",\"tls\":false}" });
    Ok(())
}

/// A User-Agent (or any header) as text for the log, whatever bytes it holds: printable ASCII
/// as is, a backslash as `\\`, every other byte as `\xNN`. Nothing is dropped, so a client
/// cannot keep itself out of the log with a non-ASCII header, and the exact bytes can be read
/// back.
pub fn escape_header(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02X}")),
        }
    }
    out
}

/// Where the daily files live.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join(crate::paths::data::LOGS)
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
    /// Records dropped because the queue was full (the writer turns them into a gap line).
    dropped: std::sync::Arc<AtomicU64>,
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
            self.dropped.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("traffic log queue full; a record was dropped");
        }
    }
}

/// Starts the writer thread for `data_dir` and returns the recorder.
pub fn start(store: Store, data_dir: PathBuf) -> std::io::Result<Recorder> {
    std::fs::create_dir_all(dir(&data_dir))?;
    let (sender, receiver) = std::sync::mpsc::sync_channel(QUEUE);
    let dropped = std::sync::Arc::new(AtomicU64::new(0));
    let writer = Writer::new(store, data_dir, dropped.clone());
    let thread =
        std::thread::Builder::new().name("traffic-log".into()).spawn(move || writer.run(receiver))?;
    Ok(Recorder { sender, thread: std::sync::Arc::new(thread), dropped })
}

struct OpenDay {
    day: Date,
    file: File,
    /// Bytes of whole lines in the file.
    len: u64,
    /// The chain head on disk: the last written line's hash, and the number of lines.
    last_hash: String,
    lines: u64,
    /// Lines not yet written, and the chain head including them.
    pending: Vec<u8>,
    pending_hash: String,
    pending_lines: u64,
    /// Real records (not a gap line) among the pending lines.
    pending_records: u64,
    /// A gap line among the pending ones: how many records it accounts for.
    pending_gap: u64,
    /// The head last checkpointed into the database (lines).
    checkpointed: Option<u64>,
}

struct Writer {
    store: Store,
    data_dir: PathBuf,
    open: Option<OpenDay>,
    /// The day up to which past days were last checked for a missing seal.
    checked: Option<Date>,
    /// Records that could not be written yet (full disk, full queue), and since when.
    lost: u64,
    lost_since: Option<String>,
    dropped: std::sync::Arc<AtomicU64>,
    flushed_at: std::time::Instant,
    checkpoint_at: std::time::Instant,
}

/// [`time_text`] of now. Under load most requests share the millisecond of the one before on
/// their thread, so the text is made once per millisecond and thread.
pub fn now_text() -> String {
    thread_local! {
        static LAST: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
    }
    let now = jiff::Timestamp::now();
    LAST.with_borrow_mut(|(millisecond, text)| {
        if *millisecond != now.as_millisecond() {
            *millisecond = now.as_millisecond();
            *text = time_text(now);
        }
        text.clone()
    })
}

/// `at` as a record's time: Bangkok time to the millisecond with its offset,
/// `2026-11-26T08:15:02.113+07:00`. Written out by hand: it is made for every request, and
/// `strftime` reads its format string each time.
pub fn time_text(at: jiff::Timestamp) -> String {
    let t = crate::thai::bangkok().to_datetime(at);
    // Bangkok is UTC+7 all year (see `thai::bangkok`).
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+07:00",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

impl Writer {
    fn new(store: Store, data_dir: PathBuf, dropped: std::sync::Arc<AtomicU64>) -> Writer {
        let now = std::time::Instant::now();
        Writer {
            store,
            data_dir,
            open: None,
            checked: None,
            lost: 0,
            lost_since: None,
            dropped,
            flushed_at: now,
            checkpoint_at: now,
        }
    }

    fn run(mut self, receiver: Receiver<Record>) {
        loop {
            match receiver.try_recv() {
                Ok(record) => {
                    if let Err(e) = self.write(&record) {
                        self.note_lost(1, &record.time);
                        tracing::error!(error = %e, "traffic log write failed");
                    }
                    if self.flushed_at.elapsed() >= Duration::from_secs(1) {
                        self.flush_logged();
                    }
                }
                // At least every second the lines reach the disk; after midnight the past
                // day is sealed even when no request comes.
                Err(TryRecvError::Empty) => {
                    if self.flushed_at.elapsed() >= Duration::from_secs(1) {
                        self.flush_logged();
                        if let Err(e) = self.seal_past_days(crate::thai::today()) {
                            tracing::error!(error = %e, "sealing a past traffic-log day failed");
                        }
                    }
                    std::thread::sleep(IDLE_TICK);
                }
                Err(TryRecvError::Disconnected) => {
                    self.flush_logged();
                    if let Err(e) = self.checkpoint() {
                        tracing::error!(error = %e, "traffic-log checkpoint failed");
                    }
                    return;
                }
            }
            if self.checkpoint_at.elapsed() >= CHECKPOINT_EVERY {
                self.checkpoint_at = std::time::Instant::now();
                if let Err(e) = self.checkpoint() {
                    tracing::error!(error = %e, "traffic-log checkpoint failed");
                }
            }
        }
    }

    fn note_lost(&mut self, n: u64, since: &str) {
        if self.lost == 0 {
            self.lost_since = Some(since.to_string());
        }
        self.lost += n;
    }

    fn flush_logged(&mut self) {
        self.flushed_at = std::time::Instant::now();
        if let Err(e) = self.flush() {
            tracing::error!(error = %e, "traffic log write failed (records are counted and a gap line follows)");
        }
    }

    /// Writes the pending lines whole. On failure the file is cut back to its last whole line,
    /// the pending records are counted as lost and the chain goes back to the head on disk.
    fn flush(&mut self) -> std::io::Result<()> {
        let Some(open) = self.open.as_mut() else { return Ok(()) };
        if open.pending.is_empty() {
            return Ok(());
        }
        match open.file.write_all(&open.pending) {
            Ok(()) => {
                open.len += open.pending.len() as u64;
                open.last_hash = open.pending_hash.clone();
                open.lines += open.pending_lines;
                if open.pending_gap > 0 {
                    // The gap line is written: those records are accounted for.
                    self.lost = self.lost.saturating_sub(open.pending_gap);
                    if self.lost == 0 {
                        self.lost_since = None;
                    }
                }
                open.pending.clear();
                open.pending_lines = 0;
                open.pending_records = 0;
                open.pending_gap = 0;
                Ok(())
            }
            Err(e) => {
                // No torn line: back to the last whole one.
                let _ = open.file.set_len(open.len);
                let records = open.pending_records;
                open.pending.clear();
                open.pending_hash = open.last_hash.clone();
                open.pending_lines = 0;
                open.pending_records = 0;
                open.pending_gap = 0;
                let since = now_text();
                self.note_lost(records, &since);
                Err(e)
            }
        }
    }

    /// Syncs the open day's file and records its chain head in the database (when it moved).
    fn checkpoint(&mut self) -> anyhow::Result<()> {
        let Some(open) = self.open.as_mut() else { return Ok(()) };
        if open.checkpointed == Some(open.lines) {
            return Ok(());
        }
        // Only what is on the disk is checkpointed, so a power cut never looks like tampering.
        open.file.sync_data()?;
        let (day, hash, lines) = (open.day, open.last_hash.clone(), open.lines);
        self.store.run_sync(|c| logs::checkpoint(c, day, &hash, lines))?;
        open.checkpointed = Some(lines);
        Ok(())
    }

    fn push_line(open: &mut OpenDay, record: &Record, lost: Option<u64>) -> anyhow::Result<()> {
        open.pending_hash = append_line(&mut open.pending, record, lost, &open.pending_hash)?;
        open.pending_lines += 1;
        Ok(())
    }

    fn write(&mut self, record: &Record) -> anyhow::Result<()> {
        let day = day_of(record).ok_or_else(|| anyhow::anyhow!("bad record time {}", record.time))?;
        if self.open.as_ref().is_none_or(|o| o.day != day) {
            self.switch_to(day)?;
        }
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            self.note_lost(dropped, &record.time);
        }
        let open = self.open.as_mut().expect("a day is open");
        if self.lost > 0 && open.pending_gap == 0 {
            let gap = Record {
                time: record.time.clone(),
                client: "-".into(),
                forwarded: None,
                method: GAP_METHOD.into(),
                path: format!(
                    "(บันทึกไม่ได้ {} รายการ ตั้งแต่ {}: ดิสก์เต็มหรือคิวเต็ม) ({} records lost)",
                    self.lost,
                    self.lost_since.as_deref().unwrap_or("?"),
                    self.lost
                ),
                status: 0,
                bytes: None,
                agent: None,
                account: None,
                tls: false,
            };
            Self::push_line(open, &gap, Some(self.lost))?;
            open.pending_gap = self.lost;
        }
        Self::push_line(open, record, None)?;
        open.pending_records += 1;
        if open.pending.len() >= BATCH_BYTES {
            self.flush_logged();
        }
        Ok(())
    }

    /// Closes the open day if it is before `today`, and seals every earlier day that was opened
    /// but never sealed (no request after midnight, or the server was stopped), from the last
    /// line of its file. Runs the query once per new day.
    fn seal_past_days(&mut self, today: Date) -> anyhow::Result<()> {
        if self.open.as_ref().is_some_and(|o| o.day < today) {
            self.flush()?;
            if let Some(open) = self.open.take() {
                open.file.sync_all()?;
            }
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
    /// restart). A torn last line (a power cut while writing) is cut off and counted as lost.
    fn switch_to(&mut self, day: Date) -> anyhow::Result<()> {
        if self.open.is_some() {
            self.flush()?;
            if let Some(old) = self.open.take() {
                old.file.sync_all()?;
            }
        }
        self.seal_past_days(day)?;
        let path = file_of(&self.data_dir, day);
        let torn = if path.exists() { cut_torn_tail(&path)? } else { false };
        if torn {
            self.note_lost(1, &now_text());
        }
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
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let len = file.metadata()?.len();
        self.open = Some(OpenDay {
            day,
            file,
            len,
            pending_hash: last_hash.clone(),
            last_hash,
            lines,
            pending: Vec::new(),
            pending_lines: 0,
            pending_records: 0,
            pending_gap: 0,
            checkpointed: None,
        });
        Ok(())
    }
}

/// Cuts a last line that does not end in a newline (written half when the power went) from the
/// file; returns whether there was one.
fn cut_torn_tail(path: &Path) -> std::io::Result<bool> {
    let mut file = OpenOptions::new().read(true).write(true).open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(false);
    }
    // Find the last newline, reading backwards in blocks.
    let mut end = len;
    let mut buf = vec![0u8; 64 * 1024];
    let mut last_newline = None;
    while end > 0 && last_newline.is_none() {
        let start = end.saturating_sub(buf.len() as u64);
        let n = (end - start) as usize;
        file.seek(std::io::SeekFrom::Start(start))?;
        file.read_exact(&mut buf[..n])?;
        last_newline = buf[..n].iter().rposition(|&b| b == b'\n').map(|i| start + i as u64);
        end = start;
    }
    let whole = last_newline.map_or(0, |i| i + 1);
    if whole == len {
        return Ok(false);
    }
    file.set_len(whole)?;
    file.sync_all()?;
    Ok(true)
}

/// The hash of the last line of a day's file and its number of lines.
fn tail_of(path: &Path) -> std::io::Result<(Option<String>, u64)> {
    let mut last = None;
    let mut n = 0;
    let mut reader = BufReader::new(File::open(path)?);
    let mut raw = Vec::new();
    while reader.read_until(b'\n', &mut raw)? > 0 {
        if let Ok(parsed) = serde_json::from_slice::<Line>(raw.strip_suffix(b"\n").unwrap_or(&raw)) {
            last = Some(parsed.hash);
        }
        n += 1;
        raw.clear();
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
    /// A gap (records the writer could not write: full disk, full queue, a power cut while
    /// writing), not tampering.
    pub gap: bool,
}

fn finding(day: Date, line: Option<u64>, what: impl Into<String>) -> Finding {
    Finding { day, line, what: what.into(), gap: false }
}

/// Checks every day in `[from, to]` that has a file or a seal: each line's hash, the chain
/// between lines and between days, the seal of closed days and the last checkpoint of the open
/// one. Gaps the writer recorded (and a torn last line) are reported as gaps, apart from
/// tampering.
pub fn verify(store: &Store, data_dir: &Path, from: Date, to: Date) -> anyhow::Result<(u64, Vec<Finding>)> {
    let days = store.run_sync(|c| logs::days(c, from, to))?;
    let mut findings = Vec::new();
    let mut checked = 0;
    for d in days {
        let path = file_of(data_dir, d.day);
        let Ok(file) = File::open(&path) else {
            findings.push(finding(d.day, None, "ไม่พบไฟล์บันทึกของวันนี้ (missing day)"));
            continue;
        };
        let head = if d.final_hash.is_none() { store.run_sync(|c| logs::head(c, d.day))? } else { None };
        let mut prev = d.first_prev.clone();
        let mut count = 0u64;
        let open_day = d.final_hash.is_none();
        let mut hash_at_head = None;
        let mut reader = BufReader::new(file);
        let mut raw = Vec::new();
        loop {
            raw.clear();
            if reader.read_until(b'\n', &mut raw)? == 0 {
                break;
            }
            let whole = raw.last() == Some(&b'\n');
            // A day not sealed yet (today's) is being written while we read: its last line may
            // be half-written, so reading stops at the last complete line (a half line left by a
            // power cut is cut and counted as a gap when the writer opens the day again). A
            // sealed day's file is closed: a half line there is a torn line, reported as a gap.
            if !whole && open_day {
                break;
            }
            count += 1;
            let n = count;
            let text = String::from_utf8_lossy(raw.strip_suffix(b"\n").unwrap_or(&raw));
            let Ok(parsed) = serde_json::from_str::<Line>(&text) else {
                if whole {
                    findings.push(finding(d.day, Some(n), "บรรทัดอ่านไม่ได้ (unreadable line)"));
                } else {
                    findings.push(Finding {
                        day: d.day,
                        line: Some(n),
                        what: "บรรทัดสุดท้ายเขียนไม่จบ: ไฟดับหรือดิสก์เต็มขณะเขียน ไม่ใช่การแก้ไข (torn last line: a gap, not tampering)".into(),
                        gap: true,
                    });
                }
                continue;
            };
            if chain_hash(&parsed.prev, &parsed.record, parsed.lost) != parsed.hash {
                findings.push(finding(d.day, Some(n), "บรรทัดถูกแก้ไข (modified line)"));
            }
            if parsed.prev != prev {
                findings.push(finding(
                    d.day,
                    Some(n),
                    "ลำดับขาดตอนก่อนบรรทัดนี้ (line inserted or deleted before it)",
                ));
            }
            if let Some(lost) = parsed.lost {
                findings.push(Finding {
                    day: d.day,
                    line: Some(n),
                    what: format!(
                        "ช่องว่าง: บันทึกไม่ได้ {lost} รายการก่อนเวลา {} (ดิสก์เต็มหรือคิวเต็ม) ไม่ใช่การแก้ไข (gap: {lost} records lost, not tampering)",
                        parsed.record.time
                    ),
                    gap: true,
                });
            }
            prev = parsed.hash;
            if head.as_ref().is_some_and(|(_, lines)| *lines == n) {
                hash_at_head = Some(prev.clone());
            }
        }
        checked += count;
        if let (Some(final_hash), Some(lines)) = (&d.final_hash, d.lines) {
            if count < lines as u64 || (prev != *final_hash && count == lines as u64) {
                findings.push(finding(
                    d.day,
                    None,
                    format!("จำนวนบรรทัดหรือค่าปิดท้ายไม่ตรงกับที่ผนึกไว้ ({count} จาก {lines}) (lines deleted or day changed)"),
                ));
            } else if count > lines as u64 {
                findings.push(finding(
                    d.day,
                    Some(lines as u64 + 1),
                    "มีบรรทัดเพิ่มหลังผนึกวัน (lines added after the day was sealed)",
                ));
            }
        } else if let Some((hash, lines)) = &head {
            if count < *lines {
                findings.push(finding(
                    d.day,
                    None,
                    format!(
                        "วันนี้เหลือ {count} บรรทัด แต่บันทึกจุดตรวจไว้ {lines} บรรทัด (lines deleted from the open day)"
                    ),
                ));
            } else if hash_at_head.as_ref() != Some(hash) {
                findings.push(finding(
                    d.day,
                    Some(*lines),
                    "ค่าแฮชไม่ตรงกับจุดตรวจล่าสุดของวันนี้ (the open day was changed or re-hashed)",
                ));
            }
        }
    }
    let gaps = findings.iter().filter(|f| f.gap).count();
    let summary = format!("{} lines, {} gaps, {} problems", checked, gaps, findings.len() - gaps);
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

    #[test]
    fn times_are_written_as_strftime_would() {
        for at in ["2026-11-26T01:15:02.113Z", "2026-12-31T17:00:00Z", "1999-01-02T03:04:05.006Z"] {
            let at: jiff::Timestamp = at.parse().unwrap();
            let expected =
                at.to_zoned_datetime(crate::thai::bangkok()).strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string();
            assert_eq!(time_text(at), expected);
        }
    }

    #[test]
    fn the_remembered_time_moves_with_the_clock() {
        let text_of = |t: &str| -> jiff::Timestamp { t.parse().unwrap() };
        let first = now_text();
        std::thread::sleep(Duration::from_millis(3));
        let second = now_text();
        assert!(text_of(&second) > text_of(&first), "{first} then {second}");
        let since = jiff::Timestamp::now().duration_since(text_of(&second));
        assert!(since < jiff::SignedDuration::from_secs(1), "{second} is {since:?} old");
    }

    #[test]
    fn a_record_is_written_as_serde_writes_it() {
        let mut full = record("2026-11-26T08:15:02.113+07:00", "/a\u{7f}\u{0}\t\"ข่าว\"\\/\u{2028}");
        full.forwarded = Some("203.0.113.9, \\x01".into());
        full.agent = Some("Mozilla/5.0 (\u{1b}[31m)".into());
        full.bytes = Some(u64::MAX);
        full.account = Some(-7);
        full.status = 65535;
        full.tls = false;
        let mut empty = record("", "");
        (empty.client, empty.method, empty.bytes, empty.agent, empty.account) =
            (String::new(), String::new(), None, None, None);
        for r in [full, empty, record("2026-11-26T08:15:02.113+07:00", "/")] {
            let mut ours = Vec::new();
            write_record_json(&mut ours, &r).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&r).unwrap());
        }
    }

    #[test]
    fn a_line_is_the_same_bytes_as_serialising_it() {
        let mut odd = record("2026-11-26T08:15:02.113+07:00", "/ค้นหา?q=\"ยา\"\\x");
        odd.agent = Some("a\u{1}b".into());
        for (r, lost) in [(record("2026-11-26T08:15:02.113+07:00", "/"), None), (odd, Some(3))] {
            let prev = "ab12".to_string();
            let hash = chain_hash(&prev, &r, lost);
            let mut built = b"an earlier line\n".to_vec();
            assert_eq!(append_line(&mut built, &r, lost, &prev).unwrap(), hash);
            let built = built.split_off(b"an earlier line\n".len());
            let line = Line { record: r, lost, prev, hash };
            let mut expected = serde_json::to_vec(&line).unwrap();
            expected.push(b'\n');
            assert_eq!(String::from_utf8(built).unwrap(), String::from_utf8(expected).unwrap());
        }
    }

    /// Two days of traffic written by the writer: the first is sealed when the second opens.
    fn two_days() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        std::fs::create_dir_all(super::dir(dir.path())).unwrap();
        let mut w = Writer::new(store.clone(), dir.path().to_path_buf(), Default::default());
        for n in 0..5 {
            w.write(&record(&format!("2026-11-24T10:00:0{n}.000+07:00"), &format!("/c/news?page={n}")))
                .unwrap();
        }
        for n in 0..3 {
            w.write(&record(&format!("2026-11-25T09:00:0{n}.000+07:00"), "/items/1")).unwrap();
        }
        w.flush().unwrap();
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
        let mut w = Writer::new(store.clone(), dir.path().to_path_buf(), Default::default());
        w.seal_past_days(date(2026, 11, 26)).unwrap();
        assert_eq!(sealed(date(2026, 11, 25)), Some(3));
        w.write(&record("2026-11-26T00:00:05.000+07:00", "/")).unwrap();
        w.flush().unwrap();
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
    fn a_full_disk_leaves_no_torn_line_and_the_gap_is_reported_as_a_gap() {
        let (dir, store) = two_days();
        let mut w = Writer::new(store.clone(), dir.path().to_path_buf(), Default::default());
        w.write(&record("2026-11-25T10:00:00.000+07:00", "/a")).unwrap();
        w.flush().unwrap();
        // A full disk: the write fails half way. Simulated by a read-only handle.
        let path = file_of(dir.path(), date(2026, 11, 25));
        let good = std::fs::read(&path).unwrap();
        w.open.as_mut().unwrap().file = File::open(&path).unwrap();
        w.write(&record("2026-11-25T10:00:01.000+07:00", "/lost-1")).unwrap();
        w.write(&record("2026-11-25T10:00:02.000+07:00", "/lost-2")).unwrap();
        assert!(w.flush().is_err());
        assert_eq!(std::fs::read(&path).unwrap(), good, "nothing torn");
        assert_eq!(w.lost, 2);
        // Space is back: the next record follows a gap line that says how many were lost.
        w.open.as_mut().unwrap().file = OpenOptions::new().append(true).open(&path).unwrap();
        w.write(&record("2026-11-25T10:05:00.000+07:00", "/back")).unwrap();
        w.flush().unwrap();
        assert_eq!(w.lost, 0);
        let (lines, f) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert_eq!(lines, 8 + 3);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].gap && f[0].what.contains("2 records lost"), "{f:?}");
        let exported = records(dir.path(), date(2026, 11, 25), date(2026, 11, 25)).unwrap();
        assert!(exported.iter().any(|r| r.method == GAP_METHOD), "the export shows the gap too");

        // A power cut while writing: a half line at the end is a gap, and is cut on restart.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"time\":\"2026-11-25T10:06:00").unwrap();
        let (_, f) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        // Today's file is open: its half line is not read (it may be being written), never tampering.
        assert!(f.iter().all(|x| x.gap), "{f:?}");
        let mut w = Writer::new(store.clone(), dir.path().to_path_buf(), Default::default());
        w.write(&record("2026-11-25T10:07:00.000+07:00", "/after-restart")).unwrap();
        w.flush().unwrap();
        let (_, f) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert!(f.iter().all(|x| x.gap), "{f:?}");
        assert!(f.iter().any(|x| x.what.contains("1 records lost")), "{f:?}");
    }

    #[test]
    fn the_open_day_is_checkpointed_so_cutting_or_rehashing_it_is_found() {
        let (dir, store) = two_days();
        let mut w = Writer::new(store.clone(), dir.path().to_path_buf(), Default::default());
        w.write(&record("2026-11-25T11:00:00.000+07:00", "/x")).unwrap();
        w.flush().unwrap();
        w.checkpoint().unwrap();
        assert_eq!(store.run_sync(|c| logs::head(c, date(2026, 11, 25))).unwrap().map(|h| h.1), Some(4));
        drop(w);
        let path = file_of(dir.path(), date(2026, 11, 25));
        let untouched = std::fs::read_to_string(&path).unwrap();

        // The last lines cut: the chain itself is still whole, the checkpoint is not.
        rewrite(&path, |l| l.truncate(2));
        let (_, f) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert!(f.iter().any(|x| !x.gap && x.what.contains("deleted from the open day")), "{f:?}");

        // The day re-hashed from a changed line on: every line checks, the checkpoint does not.
        std::fs::write(&path, &untouched).unwrap();
        let first_prev = store.run_sync(|c| logs::first_prev(c, date(2026, 11, 25))).unwrap().unwrap();
        let mut prev = first_prev;
        let mut out = String::new();
        for text in untouched.lines() {
            let mut line: Line = serde_json::from_str(text).unwrap();
            line.record.client = "198.51.100.9".into();
            line.prev = prev.clone();
            line.hash = chain_hash(&prev, &line.record, line.lost);
            prev = line.hash.clone();
            out.push_str(&serde_json::to_string(&line).unwrap());
            out.push('\n');
        }
        std::fs::write(&path, out).unwrap();
        let (_, f) = verify(&store, dir.path(), date(2026, 11, 1), date(2026, 11, 30)).unwrap();
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].what.contains("re-hashed"), "{f:?}");
    }

    #[test]
    fn headers_keep_every_byte_escaped() {
        assert_eq!(escape_header(b"Mozilla/5.0"), "Mozilla/5.0");
        assert_eq!(escape_header("ไทย".as_bytes()), "\\xE0\\xB9\\x84\\xE0\\xB8\\x97\\xE0\\xB8\\xA2");
        assert_eq!(escape_header(b"a\\b\xff\n"), "a\\\\b\\xFF\\x0A");
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
