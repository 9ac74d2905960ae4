//! The host firewall that `install.sh` sets up (seed 2.6: a firewall besides HTTPS): one
//! nftables table of Prakat's own, `inet prakat`, that lets everyone reach the website (TCP 80
//! and 443) and lets only the office LAN (`access.staff_networks`) reach anything else on the
//! machine, SSH included. It lives in its own table, so removing it (`nft delete table inet
//! prakat`) touches no other rule on the machine.

use std::path::Path;

use crate::config::Access;

/// The systemd unit that loads the table at boot and deletes it when stopped.
pub const UNIT: &str = "prakat-firewall.service";
/// Where `install.sh` writes the ruleset.
pub const RULES_FILE: &str = "/etc/prakat/firewall.nft";

/// The nftables ruleset for `access`: idempotent (`nft -f` replaces the table, never doubles it).
pub fn ruleset(access: &Access) -> String {
    let (mut v4, mut v6) = (Vec::new(), Vec::new());
    for net in &access.staff_networks {
        match net {
            ipnet::IpNet::V4(n) => v4.push(n.to_string()),
            ipnet::IpNet::V6(n) => v6.push(n.to_string()),
        }
    }
    let set = |v: &[String]| format!("{{ {} }}", v.join(", "));
    let mut rules = String::from(
        "# Prakat's firewall (written by install.sh from `prakat firewall print`; see README).\n\
         # The website is open to all; everything else only from the office LAN.\n\
         table inet prakat\n\
         delete table inet prakat\n\
         table inet prakat {\n\
         \tchain input {\n\
         \t\ttype filter hook input priority filter; policy drop;\n\
         \t\tiif \"lo\" accept\n\
         \t\tct state established,related accept\n\
         \t\tct state invalid drop\n\
         \t\t# Ping and IPv6 neighbour discovery keep the network working.\n\
         \t\tmeta l4proto { icmp, ipv6-icmp } accept\n\
         \t\ttcp dport { 80, 443 } accept\n",
    );
    if !v4.is_empty() {
        rules.push_str(&format!("\t\tip saddr {} accept\n", set(&v4)));
    }
    if !v6.is_empty() {
        rules.push_str(&format!("\t\tip6 saddr {} accept\n", set(&v6)));
    }
    rules.push_str("\t}\n}\n");
    rules
}

/// Whether the firewall unit is active on this machine: `Some(true)` or `Some(false)` where
/// systemd runs, `None` where it cannot be told.
pub fn active() -> Option<bool> {
    if !Path::new("/run/systemd/system").is_dir() {
        return None;
    }
    let out = std::process::Command::new("systemctl").args(["is-active", UNIT]).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim() == "active")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_open_to_all_the_rest_only_from_the_lan() {
        let access = Access::default();
        let r = ruleset(&access);
        assert!(r.contains("policy drop;"));
        assert!(r.contains("tcp dport { 80, 443 } accept"));
        assert!(
            r.contains(
                "ip saddr { 127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16 } accept"
            ),
            "{r}"
        );
        assert!(r.contains("ip6 saddr { ::1/128, fc00::/7, fe80::/10 } accept"), "{r}");
        // Its own table only, replaced as a whole.
        assert!(r.contains("delete table inet prakat\ntable inet prakat {"));
        assert_eq!(r.matches("hook input").count(), 1);
        let lan_only =
            Access { staff_networks: vec!["192.168.10.0/24".parse().unwrap()], ..Access::default() };
        let r = ruleset(&lan_only);
        assert!(r.contains("ip saddr { 192.168.10.0/24 } accept") && !r.contains("ip6 saddr"), "{r}");
    }
}
