//! The sites `fetch` knows by council name (`data/sites.toml`, built in).

use serde::Deserialize;
use url::Url;

const SHIPPED: &str = include_str!("../../data/sites.toml");

/// A council's ModernGov site.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub name: String,
    pub url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    site: Vec<Site>,
}

/// The shipped list.
pub fn shipped() -> Vec<Site> {
    toml::from_str::<File>(SHIPPED)
        .expect("data/sites.toml is checked by its test")
        .site
}

/// Where to fetch from and the council's name: `input` is a base address
/// (http or https) or a council named in the list. `council` overrides the
/// name.
pub fn resolve(input: &str, council: Option<&str>) -> Result<(Url, String), String> {
    let sites = shipped();
    let trimmed = input.trim();
    if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
        let mut url = Url::parse(trimmed)
            .map_err(|error| format!("{trimmed:?} is not a web address: {error}"))?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("{trimmed:?} names no host"));
        }
        // The base is a folder: pages are joined onto it. A page's address
        // pasted in (…/mgListCommittees.aspx) stands for its folder.
        let last = url
            .path()
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if last.ends_with(".aspx") || last.ends_with(".asmx") {
            let folder = url.path()[..url.path().len() - last.len()].to_string();
            url.set_path(&folder);
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url.set_query(None);
        url.set_fragment(None);
        let name = match council {
            Some(name) => name.to_string(),
            None => sites
                .iter()
                .find(|site| {
                    Url::parse(&site.url).is_ok_and(|known| known.host_str() == url.host_str())
                })
                .map(|site| site.name.clone())
                .unwrap_or_else(|| name_from_host(url.host_str().unwrap_or(""))),
        };
        return Ok((url, name));
    }
    let wanted = key(trimmed);
    if let Some(site) = sites.iter().find(|site| key(&site.name) == wanted) {
        let url = Url::parse(&site.url).map_err(|error| format!("{}: {error}", site.url))?;
        return Ok((url, council.unwrap_or(&site.name).to_string()));
    }
    let mut names: Vec<&str> = sites.iter().map(|site| site.name.as_str()).collect();
    names.sort_by(|a, b| {
        let distance = |name: &str| strsim::osa_distance(&key(name), &wanted);
        distance(a).cmp(&distance(b))
    });
    Err(format!(
        "no site known for {trimmed:?}: give its ModernGov base address \
         (https://…/), or one of: {}",
        names.join(", ")
    ))
}

/// Lower case, letters and digits only.
fn key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// `democracy.example.gov.uk` → "Example"; `example.moderngov.co.uk` →
/// "Example".
fn name_from_host(host: &str) -> String {
    let parts: Vec<&str> = host
        .split('.')
        .filter(|part| {
            !matches!(
                *part,
                "www"
                    | "democracy"
                    | "moderngov"
                    | "modgov"
                    | "committees"
                    | "cms"
                    | "mgov"
                    | "gov"
                    | "uk"
                    | "co"
                    | "org"
                    | "com"
                    | "net"
            )
        })
        .collect();
    let word = parts.first().copied().unwrap_or(host);
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_names_the_seed_councils_with_valid_addresses() {
        let sites = shipped();
        for council in ["Staffordshire", "Worcestershire", "Wiltshire"] {
            let site = sites.iter().find(|site| site.name == council).unwrap();
            let url = Url::parse(&site.url).unwrap();
            assert_eq!(url.scheme(), "https", "{council}");
            assert!(url.path().ends_with('/'), "{council}");
        }
    }

    #[test]
    fn resolves_names_and_addresses() {
        let (url, name) = resolve("wiltshire", None).unwrap();
        assert_eq!(
            (url.as_str(), name.as_str()),
            ("https://cms.wiltshire.gov.uk/", "Wiltshire")
        );
        let (url, name) = resolve("http://127.0.0.1:8080/democracy", Some("Testshire")).unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/democracy/");
        assert_eq!(name, "Testshire");
        let (url, _) = resolve(
            "https://example.gov.uk/democracy/mgListCommittees.aspx?bcr=1",
            None,
        )
        .unwrap();
        assert_eq!(url.as_str(), "https://example.gov.uk/democracy/");
        let (_, name) = resolve("https://democracy.example.gov.uk/", None).unwrap();
        assert_eq!(name, "Example");
        let error = resolve("wiltshir", None).unwrap_err();
        assert!(error.contains("Wiltshire"), "{error}");
    }
}
