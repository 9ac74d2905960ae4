//! Appliance duties that run by themselves inside the server: scheduled jobs (and later TLS,
//! traffic logs, backups, self-update).

pub mod mailer;
pub mod scheduler;
