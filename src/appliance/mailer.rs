//! E-mail for notifications. Notifications are written to the database first (the outbox);
//! this job mails those not yet sent, so a slow or unreachable mail server never delays a page
//! and a failed send is retried.

use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Smtp, SmtpSecurity};
use crate::store::{Store, notifications};

/// How often the outbox is looked at.
pub const PERIOD: Duration = Duration::from_secs(5);
/// Sends tried per notification before giving up.
const MAX_ATTEMPTS: i64 = 5;

fn transport(smtp: &Smtp) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let builder = match smtp.security {
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
    };
    let builder = builder.port(smtp.port).timeout(Some(Duration::from_secs(20)));
    let builder = if smtp.username.is_empty() {
        builder
    } else {
        builder.credentials(Credentials::new(smtp.username.clone(), smtp.password.clone()))
    };
    Ok(builder.build())
}

/// Sends one test message with `smtp` (as typed on the settings page, not yet saved) to `to`.
/// The error is a Thai sentence saying what went wrong and what to check, with the server's
/// own words after it.
pub async fn send_test(smtp: &Smtp, to: &str, office: &str) -> Result<(), String> {
    if smtp.host.trim().is_empty() {
        return Err("ยังไม่ได้ระบุเซิร์ฟเวอร์ SMTP".into());
    }
    let from: Mailbox = smtp
        .from
        .parse()
        .map_err(|e| format!("ผู้ส่งต้องเป็นที่อยู่อีเมล เช่น \"เว็บไซต์ <web@example.go.th>\" ({e})"))?;
    let to: Mailbox = to.parse().map_err(|e| format!("อีเมลของบัญชีคุณใช้ไม่ได้: {to} ({e})"))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(format!("[{office}] ทดสอบการส่งอีเมล (test message)"))
        .header(ContentType::TEXT_PLAIN)
        .body(format!(
            "อีเมลฉบับนี้ส่งจากหน้าตั้งค่าหน่วยงานของเว็บไซต์ {office} เพื่อทดสอบการตั้งค่า SMTP\n\
             เซิร์ฟเวอร์ {}:{}\n\nThis is a test message from Prakat's settings page.\n",
            smtp.host, smtp.port
        ))
        .map_err(|e| format!("สร้างอีเมลไม่ได้ ({e})"))?;
    let mailer = transport(smtp).map_err(|e| format!("ตั้งค่าการเชื่อมต่อไม่ได้ ({e})"))?;
    mailer.send(message).await.map(|_| ()).map_err(|e| {
        let why = if e.is_timeout() {
            "เซิร์ฟเวอร์ไม่ตอบภายในเวลา ตรวจชื่อเซิร์ฟเวอร์ พอร์ต และไฟร์วอลล์"
        } else if e.is_tls() {
            "เชื่อมต่อแบบเข้ารหัสไม่สำเร็จ ตรวจการเข้ารหัส (STARTTLS/TLS) ให้ตรงกับพอร์ต"
        } else if e.is_permanent() && e.status().is_some_and(|c| c.to_string().starts_with("53")) {
            "เซิร์ฟเวอร์ไม่ยอมรับชื่อผู้ใช้หรือรหัสผ่าน"
        } else if e.is_permanent() {
            "เซิร์ฟเวอร์ปฏิเสธการส่ง ตรวจผู้ส่งและสิทธิ์การส่งของบัญชี"
        } else if e.is_transient() {
            "เซิร์ฟเวอร์ขอให้ลองใหม่ภายหลัง"
        } else {
            "ติดต่อเซิร์ฟเวอร์ไม่ได้ ตรวจชื่อเซิร์ฟเวอร์ พอร์ต และการเข้ารหัส"
        };
        format!("{why} ({e})")
    })
}

/// Mails every waiting notification once; returns how many were sent.
pub async fn send_pending(store: &Store, smtp: &Smtp, office: &str) -> anyhow::Result<usize> {
    let from: Mailbox = smtp.from.parse()?;
    let mailer = transport(smtp)?;
    let pending = store.run(|c| notifications::unmailed(c, MAX_ATTEMPTS, 50)).await?;
    let mut sent = 0;
    for n in pending {
        let link = format!("{}{}", smtp.site_url.trim_end_matches('/'), n.link);
        let body = format!("เรียน {}\n\n{}\n\n{}\n\n-- \n{} (Prakat)\n", n.name, n.text, link, office);
        let to = format!("{} <{}>", n.name.replace(['<', '>', '"'], ""), n.email);
        let message = to.parse::<Mailbox>().map_err(anyhow::Error::from).and_then(|to| {
            Ok(Message::builder()
                .from(from.clone())
                .to(to)
                .subject(format!("[{office}] {}", n.text.chars().take(80).collect::<String>()))
                .header(ContentType::TEXT_PLAIN)
                .body(body)?)
        });
        let ok = match message {
            Ok(m) => match mailer.send(m).await {
                Ok(_) => true,
                Err(e) => {
                    tracing::warn!(notification = n.id, error = %e, "e-mail not sent; will retry");
                    false
                }
            },
            Err(e) => {
                tracing::warn!(notification = n.id, error = %e, "e-mail could not be built");
                false
            }
        };
        sent += usize::from(ok);
        let id = n.id;
        store.run(move |c| notifications::mark_mailed(c, id, ok)).await?;
    }
    Ok(sent)
}
