//! Appliance duties that run by themselves inside the server: scheduled jobs, e-mail, HTTPS
//! certificates (self-signed, manual, ACME); later traffic logs, backups, self-update.

pub mod acme;
pub mod backup;
pub mod firewall;
pub mod health;
pub mod logo;
pub mod mailer;
pub mod scheduler;
pub mod sweep;
pub mod tls;
pub mod traffic;
pub mod update;
