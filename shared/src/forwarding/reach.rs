//! Which addresses a destination may reach (SSRF): public ones only, never private,
//! loopback, link-local or otherwise special ones, IPv4 and IPv6 alike (an IPv4 address
//! inside an IPv6 one included). Names are checked as they resolve, at each connection
//! (so a name that changes its answer after a check is caught), and the connection goes
//! to the very address checked. Local runs may allow loopback too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use url::{Host, Url};

/// What destinations may point at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reach {
    /// Public addresses over HTTPS: what a deployment allows.
    #[default]
    Public,
    /// Loopback too, over HTTP or HTTPS: `make dev` and the tests, whose receivers run
    /// on this machine (`FORWARD_ALLOW_LOOPBACK=true`, never set by the template).
    PublicAndLoopback,
}

impl Reach {
    /// The reach the environment asks for: loopback only with `FORWARD_ALLOW_LOOPBACK=true`.
    pub fn from_env() -> Self {
        match std::env::var("FORWARD_ALLOW_LOOPBACK").as_deref() {
            Ok("true") => Reach::PublicAndLoopback,
            _ => Reach::Public,
        }
    }

    /// `Err` naming what `ip` is when a destination may not reach it.
    pub fn check(self, ip: IpAddr) -> Result<(), Blocked> {
        match special(ip) {
            None => Ok(()),
            Some("loopback") if self == Reach::PublicAndLoopback => Ok(()),
            Some(kind) => Err(Blocked { ip, kind }),
        }
    }
}

/// An address a destination may not reach.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{ip} is a {kind} address: destinations must be public")]
pub struct Blocked {
    pub ip: IpAddr,
    pub kind: &'static str,
}

/// What a destination URL is not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadUrl {
    #[error("is not an absolute URL")]
    Unparsable,
    #[error("must be an https URL")]
    Scheme,
    #[error("must name a host")]
    NoHost,
    #[error("must be at most 2048 characters")]
    TooLong,
    #[error("{0}")]
    Blocked(#[from] Blocked),
}

/// A destination URL as given, checked as far as it can be without asking DNS: its
/// scheme, and its host when that is an address or a `localhost` name.
pub fn check_url(raw: &str, reach: Reach) -> Result<Url, BadUrl> {
    if raw.len() > 2048 {
        return Err(BadUrl::TooLong);
    }
    let url = Url::parse(raw.trim()).map_err(|_| BadUrl::Unparsable)?;
    match (url.scheme(), reach) {
        ("https", _) | ("http", Reach::PublicAndLoopback) => {}
        _ => return Err(BadUrl::Scheme),
    }
    match url.host() {
        None => Err(BadUrl::NoHost),
        Some(Host::Ipv4(ip)) => Ok(reach.check(IpAddr::V4(ip)).map(|()| url)?),
        Some(Host::Ipv6(ip)) => Ok(reach.check(IpAddr::V6(ip)).map(|()| url)?),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                reach.check(IpAddr::V4(Ipv4Addr::LOCALHOST))?;
            }
            Ok(url)
        }
    }
}

/// Resolves `host` and checks every address it has: one address a destination may not
/// reach refuses the name.
pub async fn resolve(host: &str, reach: Reach) -> Result<Vec<SocketAddr>, ResolveError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
        .await
        .map_err(ResolveError::Lookup)?
        .collect();
    for addr in &addrs {
        reach.check(addr.ip())?;
    }
    Ok(addrs)
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("the host name does not resolve")]
    Lookup(#[source] std::io::Error),
    #[error(transparent)]
    Blocked(#[from] Blocked),
}

/// The HTTP client's resolver: it hands the connection only addresses it checked.
#[derive(Debug, Clone, Copy)]
pub(super) struct Guard(pub(super) Reach);

impl reqwest::dns::Resolve for Guard {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let reach = self.0;
        Box::pin(async move {
            let addrs = resolve(name.as_str(), reach).await?;
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

impl Guard {
    pub(super) fn shared(reach: Reach) -> Arc<Self> {
        Arc::new(Self(reach))
    }
}

/// What kind of special address `ip` is, or `None` for a public one.
pub fn special(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => special_v4(ip),
        IpAddr::V6(ip) => special_v6(ip),
    }
}

fn special_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match () {
        _ if ip.is_loopback() => "loopback",
        _ if ip.is_private() => "private",
        _ if ip.is_link_local() => "link-local",
        _ if a == 0 => "unspecified",
        _ if a == 100 && (64..128).contains(&b) => "shared (carrier-grade NAT)",
        _ if a == 192 && b == 0 && c == 0 => "protocol-assignment",
        _ if a == 198 && (b == 18 || b == 19) => "benchmarking",
        _ if ip.is_documentation() => "documentation",
        _ if ip.is_multicast() => "multicast",
        _ if a >= 240 => "reserved",
        _ => return None,
    })
}

fn special_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    let embedded = |high: usize| {
        let [a, b] = segments[high].to_be_bytes();
        let [c, d] = segments[high + 1].to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    Some(match segments {
        _ if ip.is_loopback() => "loopback",
        _ if ip.is_unspecified() => "unspecified",
        // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address decides.
        [0, 0, 0, 0, 0, 0xffff, _, _] => return special_v4(embedded(6)),
        [0, 0, 0, 0, 0, 0, _, _] => "IPv4-compatible (deprecated)",
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address inside.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => return special_v4(embedded(6)),
        [0x2002, _, _, _, _, _, _, _] => return special_v4(embedded(1)),
        _ if ip.is_unicast_link_local() => "link-local",
        _ if ip.is_unique_local() => "unique-local (private)",
        [first, ..] if first & 0xffc0 == 0xfec0 => "site-local (private)",
        _ if ip.is_multicast() => "multicast",
        [0x2001, 0xdb8, ..] => "documentation",
        [0x100, 0, 0, 0, ..] => "discard",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(ip: &str) -> Option<&'static str> {
        special(ip.parse().unwrap())
    }

    #[test]
    fn private_loopback_and_link_local_addresses_are_special_in_both_families() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:a00:1::",
            "::7f00:1",
            "2001:db8::1",
        ] {
            assert!(kind(ip).is_some(), "{ip} must be refused");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(kind(ip), None, "{ip} is public");
        }
        assert_eq!(kind("::ffff:127.0.0.1"), Some("loopback"));
    }

    #[test]
    fn loopback_is_allowed_only_when_local_runs_ask_for_it() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let private: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(Reach::Public.check(loopback).is_err());
        assert!(Reach::PublicAndLoopback.check(loopback).is_ok());
        assert!(Reach::PublicAndLoopback.check(private).is_err());
    }

    #[test]
    fn urls_need_https_a_host_and_no_special_address_literal() {
        let public = Reach::Public;
        assert!(check_url("https://crm.example.com/hooks", public).is_ok());
        assert_eq!(
            check_url("http://crm.example.com/", public),
            Err(BadUrl::Scheme)
        );
        assert_eq!(check_url("not a url", public), Err(BadUrl::Unparsable));
        for blocked in [
            "https://10.0.0.1/",
            "https://[::ffff:169.254.169.254]/",
            "https://localhost/",
            "https://api.localhost./",
            "https://0x7f.0.0.1/",
            "https://2130706433/",
        ] {
            assert!(
                matches!(check_url(blocked, public), Err(BadUrl::Blocked(_))),
                "{blocked}"
            );
        }
        let local = Reach::PublicAndLoopback;
        assert!(check_url("http://127.0.0.1:8080/hook", local).is_ok());
        assert!(check_url("http://192.168.0.2/hook", local).is_err());
    }
}
