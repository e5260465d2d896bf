//! A polite HTTP client for council sites.
//!
//! One request at a time, at most one per `interval` to a host (a longer
//! `Crawl-delay` in robots.txt wins); robots.txt read once per host and
//! obeyed, again on every host a redirect leads to; an honest User-Agent;
//! conditional requests from the validators of an earlier answer; retries
//! with backoff on 429 and 5xx that honour `Retry-After`; redirects
//! followed by hand (so each hop is checked) up to a limit; answers larger
//! than a cap refused before or while reading. TLS through rustls (ureq).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use url::Url;

/// The product token robots.txt rules are matched against.
pub const ROBOTS_AGENT: &str = "scrutiny";

/// How the client behaves towards a site.
#[derive(Debug, Clone)]
pub struct Politeness {
    /// Sent on every request: names scrutiny, its version and a contact.
    pub user_agent: String,
    /// The least time between the starts of two requests to one host.
    pub interval: Duration,
    pub connect_timeout: Duration,
    /// The whole exchange, headers and body.
    pub timeout: Duration,
    /// The largest answer read, in bytes.
    pub max_bytes: u64,
    /// Further attempts after a 429, a 5xx or a dropped connection.
    pub retries: u32,
    /// The first wait before a retry when the site gives no Retry-After;
    /// doubled at each further attempt.
    pub backoff: Duration,
    /// The longest Retry-After honoured; a site asking for more is left
    /// for a later run.
    pub max_wait: Duration,
    pub max_redirects: u32,
}

impl Politeness {
    /// The defaults: one request a second, 10 s to connect, 60 s for an
    /// answer, 64 MiB at most, three retries.
    pub fn new(contact: &str) -> Politeness {
        Politeness {
            user_agent: user_agent(contact),
            interval: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_bytes: 64 << 20,
            retries: 3,
            backoff: Duration::from_secs(2),
            max_wait: Duration::from_secs(120),
            max_redirects: 5,
        }
    }
}

/// `scrutiny/<version> (+<project page>; <contact>)`.
pub fn user_agent(contact: &str) -> String {
    format!(
        "scrutiny/{} (committee-papers search; +https://crates.io/crates/scrutiny; {contact})",
        env!("CARGO_PKG_VERSION")
    )
}

/// What a site said about a resource, to ask later whether it changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A successful answer.
#[derive(Debug)]
pub struct Page {
    /// Where the answer came from, after redirects.
    pub url: Url,
    pub content_type: String,
    pub body: Vec<u8>,
    pub validators: Validators,
}

/// A fresh answer, or word that the resource has not changed.
#[derive(Debug)]
pub enum Answer {
    Fresh(Page),
    NotModified,
}

/// Why a resource was not fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: robots.txt does not allow scrutiny to read it")]
    Disallowed { url: String },
    #[error("{url}: blocked: {reason}")]
    Blocked { url: String, reason: String },
    #[error("{url}: refused: {reason}")]
    Refused { url: String, reason: String },
    #[error("{url}: not found (HTTP {status})")]
    Missing { url: String, status: u16 },
    #[error("{url}: {reason}")]
    Failed { url: String, reason: String },
}

impl FetchError {
    /// One word for the summary: blocked, refused, disallowed or failed.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Disallowed { .. } => "disallowed",
            FetchError::Blocked { .. } => "blocked",
            FetchError::Refused { .. } => "refused",
            FetchError::Missing { .. } | FetchError::Failed { .. } => "failed",
        }
    }

    /// What went wrong, without the address.
    pub fn reason(&self) -> String {
        match self {
            FetchError::Disallowed { .. } => "robots.txt does not allow scrutiny to read it".into(),
            FetchError::Blocked { reason, .. } | FetchError::Refused { reason, .. } => {
                reason.clone()
            }
            FetchError::Missing { status, .. } => format!("not found (HTTP {status})"),
            FetchError::Failed { reason, .. } => reason.clone(),
        }
    }

    /// The address concerned.
    pub fn url(&self) -> &str {
        match self {
            FetchError::Disallowed { url }
            | FetchError::Blocked { url, .. }
            | FetchError::Refused { url, .. }
            | FetchError::Missing { url, .. }
            | FetchError::Failed { url, .. } => url,
        }
    }
}

/// What the client knows of one host.
struct Host {
    robots_read: bool,
    /// None: robots.txt allows everything (absent, or 4xx).
    robots: Option<texting_robots::Robot>,
    /// Everything is refused, for this reason: robots.txt answered 5xx
    /// (RFC 9309 says to treat that as a full disallow) or the host could
    /// not be reached.
    closed: Option<String>,
    last_request: Option<Instant>,
    crawl_delay: Option<Duration>,
}

/// The polite client: one per run, used from one thread.
pub struct Client {
    agent: ureq::Agent,
    rules: Politeness,
    hosts: HashMap<String, Host>,
    /// Requests sent, robots.txt and retries included.
    pub requests: u64,
}

/// One attempt's outcome, before retry decisions.
enum Attempt {
    Done(Raw),
    Retry { wait: Option<Duration>, why: String },
}

struct Raw {
    status: u16,
    content_type: String,
    location: Option<String>,
    validators: Validators,
    body: Vec<u8>,
}

impl Client {
    pub fn new(rules: Politeness) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_connect(Some(rules.connect_timeout))
            .timeout_global(Some(rules.timeout))
            .user_agent(rules.user_agent.as_str())
            .build()
            .into();
        Client {
            agent,
            rules,
            hosts: HashMap::new(),
            requests: 0,
        }
    }

    /// GETs `url`, following redirects; with `validators`, asks only for a
    /// changed answer. `accept` is sent as the Accept header.
    pub fn get(
        &mut self,
        url: &Url,
        validators: Option<&Validators>,
        accept: &str,
    ) -> Result<Answer, FetchError> {
        let mut current = url.clone();
        let mut hops = 0;
        loop {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(FetchError::Refused {
                    url: current.to_string(),
                    reason: format!("only http and https are fetched, not {}", current.scheme()),
                });
            }
            self.check_robots(&current)?;
            let raw = self.send(&current, validators, accept)?;
            match raw.status {
                301 | 302 | 303 | 307 | 308 => {
                    let Some(location) = raw.location else {
                        return Err(FetchError::Failed {
                            url: current.to_string(),
                            reason: format!("HTTP {} without a Location", raw.status),
                        });
                    };
                    hops += 1;
                    if hops > self.rules.max_redirects {
                        return Err(FetchError::Refused {
                            url: url.to_string(),
                            reason: format!(
                                "more than {} redirects (last to {location})",
                                self.rules.max_redirects
                            ),
                        });
                    }
                    current = current
                        .join(&location)
                        .map_err(|error| FetchError::Failed {
                            url: current.to_string(),
                            reason: format!("redirect to {location:?}, not an address: {error}"),
                        })?;
                }
                304 => return Ok(Answer::NotModified),
                200..=299 => {
                    return Ok(Answer::Fresh(Page {
                        url: current,
                        content_type: raw.content_type,
                        body: raw.body,
                        validators: raw.validators,
                    }))
                }
                404 | 410 => {
                    return Err(FetchError::Missing {
                        url: current.to_string(),
                        status: raw.status,
                    })
                }
                401 | 403 => {
                    return Err(FetchError::Blocked {
                        url: current.to_string(),
                        reason: format!("the site answered HTTP {} (access refused)", raw.status),
                    })
                }
                status => {
                    return Err(FetchError::Failed {
                        url: current.to_string(),
                        reason: format!("the site answered HTTP {status}"),
                    })
                }
            }
        }
    }

    /// Sends one GET with retries: waits its turn on the host, retries on
    /// 429, 5xx and broken connections.
    fn send(
        &mut self,
        url: &Url,
        validators: Option<&Validators>,
        accept: &str,
    ) -> Result<Raw, FetchError> {
        let mut attempt = 0;
        loop {
            self.wait_turn(url);
            match self.attempt(url, validators, accept)? {
                Attempt::Done(raw) => return Ok(raw),
                Attempt::Retry { wait, why } => {
                    if attempt >= self.rules.retries {
                        return Err(FetchError::Failed {
                            url: url.to_string(),
                            reason: format!("{why}, after {} attempts", attempt + 1),
                        });
                    }
                    let wait = wait.unwrap_or(self.rules.backoff * 2u32.pow(attempt));
                    if wait > self.rules.max_wait {
                        return Err(FetchError::Failed {
                            url: url.to_string(),
                            reason: format!(
                                "{why}; the site asks to wait {} s, longer than the {} s \
                                 scrutiny waits (run again later)",
                                wait.as_secs(),
                                self.rules.max_wait.as_secs()
                            ),
                        });
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }

    fn attempt(
        &mut self,
        url: &Url,
        validators: Option<&Validators>,
        accept: &str,
    ) -> Result<Attempt, FetchError> {
        self.requests += 1;
        let mut request = self.agent.get(url.as_str()).header("Accept", accept);
        if let Some(validators) = validators {
            if let Some(etag) = &validators.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(modified) = &validators.last_modified {
                request = request.header("If-Modified-Since", modified);
            }
        }
        let mut response = match request.call() {
            Ok(response) => response,
            Err(error) => return transport_error(url, error),
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        let location = header("location");
        let retry_after = header("retry-after");
        let validators = Validators {
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        let length = header("content-length").and_then(|value| value.trim().parse::<u64>().ok());
        if status == 429 || (500..600).contains(&status) && status != 501 {
            return Ok(Attempt::Retry {
                wait: retry_after.as_deref().and_then(parse_retry_after),
                why: format!("HTTP {status}"),
            });
        }
        let mut body = Vec::new();
        if (200..300).contains(&status) {
            if let Some(length) = length.filter(|&length| length > self.rules.max_bytes) {
                return Err(FetchError::Refused {
                    url: url.to_string(),
                    reason: format!(
                        "the answer would be {} bytes, more than the {} scrutiny reads \
                         (--max-size)",
                        length, self.rules.max_bytes
                    ),
                });
            }
            body = match response
                .body_mut()
                .with_config()
                .limit(self.rules.max_bytes)
                .read_to_vec()
            {
                Ok(body) => body,
                Err(ureq::Error::BodyExceedsLimit(limit)) => {
                    return Err(FetchError::Refused {
                        url: url.to_string(),
                        reason: format!(
                            "the answer runs past {limit} bytes, the most scrutiny reads \
                             (--max-size)"
                        ),
                    })
                }
                Err(error) => {
                    return Ok(Attempt::Retry {
                        wait: None,
                        why: format!("the answer was cut short ({error})"),
                    })
                }
            };
            if let Some(length) = length.filter(|&length| length != body.len() as u64) {
                return Ok(Attempt::Retry {
                    wait: None,
                    why: format!(
                        "the answer was cut short ({} of {length} bytes)",
                        body.len()
                    ),
                });
            }
        }
        Ok(Attempt::Done(Raw {
            status,
            content_type,
            location,
            validators,
            body,
        }))
    }

    /// Sleeps until the host's next request may start, and marks its start.
    fn wait_turn(&mut self, url: &Url) {
        let interval = self.rules.interval;
        let host = self.host_entry(url);
        let gap = host
            .crawl_delay
            .map_or(interval, |delay| delay.max(interval));
        if let Some(last) = host.last_request {
            let next = last + gap;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
        host.last_request = Some(Instant::now());
    }

    fn host_entry(&mut self, url: &Url) -> &mut Host {
        self.hosts.entry(host_key(url)).or_insert_with(|| Host {
            robots_read: false,
            robots: None,
            closed: None,
            last_request: None,
            crawl_delay: None,
        })
    }

    /// Reads the host's robots.txt on first contact, then checks `url`.
    fn check_robots(&mut self, url: &Url) -> Result<(), FetchError> {
        if !self.host_entry(url).robots_read {
            self.host_entry(url).robots_read = true;
            self.read_robots(url);
        }
        let host = self.host_entry(url);
        if let Some(reason) = &host.closed {
            return Err(FetchError::Failed {
                url: url.to_string(),
                reason: reason.clone(),
            });
        }
        if let Some(robots) = &host.robots {
            if !robots.allowed(url.as_str()) {
                return Err(FetchError::Disallowed {
                    url: url.to_string(),
                });
            }
        }
        Ok(())
    }

    fn read_robots(&mut self, url: &Url) {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let mut outcome = self.send(&robots_url, None, "text/plain");
        // A moved robots.txt is followed, up to the redirect limit
        // (RFC 9309 §2.3.1.2); its rules are this host's.
        let mut hops = 0;
        while let Ok(raw) = &outcome {
            let moved = matches!(raw.status, 301 | 302 | 303 | 307 | 308);
            let Some(next) = raw
                .location
                .as_deref()
                .filter(|_| moved && hops < self.rules.max_redirects)
                .and_then(|location| robots_url.join(location).ok())
                .filter(|next| matches!(next.scheme(), "http" | "https"))
            else {
                break;
            };
            hops += 1;
            robots_url = next;
            outcome = self.send(&robots_url, None, "text/plain");
        }
        let host = self.host_entry(url);
        match outcome {
            Ok(raw) if (200..300).contains(&raw.status) => {
                match texting_robots::Robot::new(ROBOTS_AGENT, &raw.body) {
                    Ok(robot) => {
                        host.crawl_delay = robot
                            .delay
                            .filter(|delay| delay.is_finite() && *delay > 0.0)
                            .map(|delay| Duration::from_secs_f32(delay.min(60.0)));
                        host.robots = Some(robot);
                    }
                    Err(_) => host.robots = None,
                }
            }
            // 4xx, or redirects past the limit: no rules (RFC 9309 §2.3.1.3).
            Ok(raw) if raw.status < 500 => host.robots = None,
            Ok(raw) => {
                host.closed = Some(format!(
                    "{robots_url} answered HTTP {}: until it can be read, scrutiny reads \
                     nothing from the host (RFC 9309)",
                    raw.status
                ))
            }
            Err(error) => host.closed = Some(format!("cannot reach the site: {}", error.reason())),
        }
    }
}

/// host:port, the unit of politeness.
fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// A transport failure: timeouts and dropped connections are retried,
/// anything else (no such host, TLS) ends the request.
fn transport_error(url: &Url, error: ureq::Error) -> Result<Attempt, FetchError> {
    match error {
        ureq::Error::Timeout(_) | ureq::Error::Io(_) | ureq::Error::ConnectionFailed => {
            Ok(Attempt::Retry {
                wait: None,
                why: error.to_string(),
            })
        }
        ureq::Error::HostNotFound => Err(FetchError::Failed {
            url: url.to_string(),
            reason: "no such host".into(),
        }),
        error => Err(FetchError::Failed {
            url: url.to_string(),
            reason: error.to_string(),
        }),
    }
}

/// `Retry-After` as seconds or as an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?;
    let wait = when.timestamp().duration_since(jiff::Timestamp::now());
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn the_user_agent_names_scrutiny_its_version_and_the_contact() {
        let agent = user_agent("clerk@example.org");
        assert!(agent.starts_with(&format!("scrutiny/{} ", env!("CARGO_PKG_VERSION"))));
        assert!(agent.contains("clerk@example.org"));
    }
}
