//! `scrutiny fetch`: a council's committee papers from its ModernGov site
//! into the corpus folder, politely and resumably.
//!
//! The third pipeline beside indexing and searching; it only writes into
//! its output folder (by default `corpus/<council>/`), which `index` then
//! reads like any other. Each agenda item with minutes or decision text
//! becomes an HTML record with a `.meta.toml` sidecar stating council,
//! committee, meeting date, item title, number and public address, so its
//! metadata is exact rather than extracted.
//!
//! The web service is asked first ([`moderngov`]); where it is off or
//! blocked the site's pages are read instead. Requests go through the
//! polite [`http::Client`]; files and the manifest through [`store`].

pub mod http;
pub mod moderngov;
pub mod sites;
pub mod store;
mod topic;
pub mod xml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use scraper::Html;
use serde::Serialize;
use url::Url;

use crate::glossary::Glossary;
use crate::snippet::escape_html;
use http::{Answer, Client, FetchError, Page, Politeness};
use moderngov::{Committee, Item, MeetingStub, Unusable};
use store::{Manifest, UrlEntry};

/// What to fetch and how.
pub struct FetchOptions {
    /// A ModernGov base address, or a council named in `data/sites.toml`.
    pub site: String,
    /// The council's name in the records, when not the list's.
    pub council: Option<String>,
    /// Committee names to fetch; none means every committee.
    pub committees: Vec<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Keep only items that mention these words.
    pub topic: Option<String>,
    /// The output folder; by default `<corpus>/<council>/`.
    pub out: Option<PathBuf>,
    pub corpus: PathBuf,
    /// Also download linked reports and printed minutes.
    pub documents: bool,
    /// List what would be fetched, and fetch no meeting.
    pub dry_run: bool,
    pub politeness: Politeness,
    pub glossary: Option<Glossary>,
    /// Draw a progress bar (on a terminal).
    pub progress: bool,
}

/// What a run did.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub site: String,
    pub council: String,
    pub out: PathBuf,
    /// "web service" or "pages".
    pub via: String,
    pub committees: Vec<String>,
    pub meetings: usize,
    /// Items written for the first time.
    pub new: usize,
    /// Items whose text changed since the last run.
    pub changed: usize,
    /// Items already in the folder as the site has them.
    pub unchanged: usize,
    /// Items with minutes left out by --topic.
    pub left_out: usize,
    pub documents_new: usize,
    pub documents_changed: usize,
    pub documents_unchanged: usize,
    /// What could not be fetched, and why.
    pub problems: Vec<Problem>,
    /// With --dry-run: meetings per committee and year.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<PlanRow>,
    pub dry_run: bool,
    /// Requests sent, robots.txt and retries included.
    pub requests: u64,
}

impl Summary {
    /// How many problems of `kind` (blocked, refused, disallowed, failed).
    pub fn count(&self, kind: &str) -> usize {
        self.problems
            .iter()
            .filter(|problem| problem.kind == kind)
            .count()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// blocked, refused, disallowed or failed.
    pub kind: String,
    pub url: String,
    /// What went wrong, without the address.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    pub committee: String,
    pub year: i16,
    pub meetings: usize,
}

/// Runs a fetch. `say` receives notes for the user as they happen.
pub fn run(options: &FetchOptions, say: &dyn Fn(&str)) -> Result<Summary, String> {
    let (base, council) = sites::resolve(&options.site, options.council.as_deref())?;
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| default_out(&options.corpus, &council));
    // Committee papers online start in the late 1990s.
    let from = options.from.unwrap_or(jiff::civil::date(1990, 1, 1));
    let to = options.to.unwrap_or_else(|| jiff::Zoned::now().date());
    if from > to {
        return Err(format!("--from {from} is after --to {to}"));
    }
    let topic = options
        .topic
        .as_deref()
        .map(|words| topic::Topic::new(words, options.glossary.as_ref()))
        .transpose()?;
    let mut run = Run {
        base: base.clone(),
        client: Client::new(options.politeness.clone()),
        via_service: true,
        summary: Summary {
            site: base.to_string(),
            council: council.clone(),
            out: out.clone(),
            dry_run: options.dry_run,
            ..Summary::default()
        },
        council,
        out,
        topic,
        documents: options.documents,
        selection: format!(
            "topic={};documents={}",
            options.topic.as_deref().unwrap_or(""),
            options.documents
        ),
    };

    let committees = match run.service_committees() {
        Ok(committees) => committees,
        Err(error) => {
            say(&format!(
                "scrutiny: the web service is not usable ({error}); reading the site's pages instead"
            ));
            run.via_service = false;
            run.page_committees()
                .map_err(|page_error| format!("cannot list the site's committees: {page_error}"))?
        }
    };
    if committees.is_empty() {
        return Err(format!("{base} lists no committees"));
    }
    let chosen = choose(&committees, &options.committees)?;
    run.summary.via = if run.via_service {
        "web service"
    } else {
        "pages"
    }
    .into();
    run.summary.committees = chosen.iter().map(|c| c.title.clone()).collect();

    let mut work: Vec<(Committee, MeetingStub)> = Vec::new();
    for committee in &chosen {
        match run.meetings(committee, from, to, say) {
            Ok(meetings) => work.extend(
                meetings
                    .into_iter()
                    .filter(|meeting| !meeting.cancelled && (from..=to).contains(&meeting.date))
                    .map(|meeting| (committee.clone(), meeting)),
            ),
            Err(error) => run.problem(&error),
        }
    }
    work.sort_by_key(|(committee, meeting)| (meeting.date, committee.id, meeting.id));
    // A meeting some sites list under two committees is fetched once.
    let mut seen = std::collections::HashSet::new();
    work.retain(|(_, meeting)| seen.insert(meeting.id));
    run.summary.meetings = work.len();

    if options.dry_run {
        let mut rows: BTreeMap<(String, i16), usize> = BTreeMap::new();
        for (committee, meeting) in &work {
            *rows
                .entry((committee.title.clone(), meeting.date.year()))
                .or_default() += 1;
        }
        run.summary.plan = rows
            .into_iter()
            .map(|((committee, year), meetings)| PlanRow {
                committee,
                year,
                meetings,
            })
            .collect();
        run.summary.requests = run.client.requests;
        return Ok(run.summary);
    }

    std::fs::create_dir_all(&run.out)
        .map_err(|error| format!("cannot create {}: {error}", run.out.display()))?;
    store::sweep_partials(&run.out);
    let mut manifest = Manifest::load(&run.out, base.as_str())?;
    let progress = progress_bar(options.progress, work.len());
    for (committee, meeting) in &work {
        progress.set_message(format!("{} {}", meeting.date, committee.title));
        run.meeting(committee, meeting, &mut manifest);
        manifest.save(&run.out)?;
        progress.inc(1);
    }
    progress.finish_and_clear();
    run.summary.requests = run.client.requests;
    Ok(run.summary)
}

/// What writing a file did.
enum Written {
    New,
    Changed,
    Unchanged,
}

/// One run's state.
struct Run {
    base: Url,
    client: Client,
    via_service: bool,
    summary: Summary,
    council: String,
    out: PathBuf,
    topic: Option<topic::Topic>,
    documents: bool,
    /// What shaped the files made from an answer; a manifest entry made
    /// under another selection is not trusted for a conditional request.
    selection: String,
}

/// The Accept header for service answers.
const XML: &str = "text/xml, application/xml;q=0.9";
/// The Accept header for pages.
const HTML: &str = "text/html, application/xhtml+xml;q=0.9";

impl Run {
    fn problem(&mut self, error: &FetchError) {
        self.summary.problems.push(Problem {
            kind: error.kind().into(),
            url: error.url().into(),
            reason: error.reason(),
        });
    }

    /// GETs a service operation and checks its root element.
    fn service(
        &mut self,
        operation: &str,
        parameters: &[(&str, String)],
        root: &str,
    ) -> Result<xml::Element, FetchError> {
        let url = moderngov::service_url(&self.base, operation, parameters);
        let page = self.fresh(&url, XML)?;
        moderngov::service_root(&page.body, &page.content_type, root)
            .map_err(|unusable| unusable_error(&url, unusable))
    }

    /// GETs a page of the site and checks it is one.
    fn page(&mut self, url: &Url) -> Result<(Html, Page), FetchError> {
        let page = self.fresh(url, HTML)?;
        let html = page_html(&page).map_err(|unusable| unusable_error(url, unusable))?;
        Ok((html, page))
    }

    fn fresh(&mut self, url: &Url, accept: &str) -> Result<Page, FetchError> {
        match self.client.get(url, None, accept)? {
            Answer::Fresh(page) => Ok(page),
            Answer::NotModified => Err(FetchError::Failed {
                url: url.to_string(),
                reason: "HTTP 304 to a request that was not conditional".into(),
            }),
        }
    }

    fn service_committees(&mut self) -> Result<Vec<Committee>, FetchError> {
        let root = self.service("GetCommittees", &[], "committees")?;
        Ok(moderngov::committees(&root))
    }

    fn page_committees(&mut self) -> Result<Vec<Committee>, FetchError> {
        let url = moderngov::join(&self.base, "mgListCommittees.aspx?bcr=1");
        let (html, _) = self.page(&url)?;
        Ok(moderngov::page_committees(&html))
    }

    fn meetings(
        &mut self,
        committee: &Committee,
        from: Date,
        to: Date,
        say: &dyn Fn(&str),
    ) -> Result<Vec<MeetingStub>, FetchError> {
        if self.via_service {
            let answer = self.service(
                "GetMeetings",
                &[
                    ("lCommitteeId", committee.id.to_string()),
                    ("sFromDate", moderngov::service_date(from)),
                    ("sToDate", moderngov::service_date(to)),
                ],
                "getmeetings",
            );
            match answer {
                Ok(root) => return Ok(moderngov::meetings(&root)),
                Err(error @ FetchError::Refused { .. }) => return Err(error),
                Err(error) => say(&format!(
                    "scrutiny: {error}; reading the meeting list page instead"
                )),
            }
        }
        let url = moderngov::join(
            &self.base,
            &format!("ieListMeetings.aspx?CId={}&Year=0", committee.id),
        );
        let (html, _) = self.page(&url)?;
        Ok(moderngov::page_meetings(&html))
    }

    /// Fetches one meeting and writes its items, recording the outcome.
    fn meeting(&mut self, committee: &Committee, meeting: &MeetingStub, manifest: &mut Manifest) {
        let page_url = moderngov::join(
            &self.base,
            &format!(
                "ieListDocuments.aspx?CId={}&MId={}",
                committee.id, meeting.id
            ),
        );
        let service_url = moderngov::service_url(
            &self.base,
            "GetMeeting",
            &[("lMeetingId", meeting.id.to_string())],
        );
        let mut sources = Vec::new();
        if self.via_service {
            sources.push((service_url, true));
        }
        sources.push((page_url, false));
        let mut first_error = None;
        for (url, is_service) in sources {
            match self.meeting_from(&url, is_service, committee, meeting, manifest) {
                Ok(()) => return,
                Err(error @ FetchError::Refused { .. })
                | Err(error @ FetchError::Disallowed { .. }) => {
                    self.problem(&error);
                    return;
                }
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if let Some(error) = first_error {
            self.problem(&error);
        }
    }

    fn meeting_from(
        &mut self,
        url: &Url,
        is_service: bool,
        committee: &Committee,
        meeting: &MeetingStub,
        manifest: &mut Manifest,
    ) -> Result<(), FetchError> {
        let key = url.to_string();
        let (known, validators) = self.trusted(manifest, &key, Some(&self.selection));
        let accept = if is_service { XML } else { HTML };
        let page = match self.client.get(url, validators.as_ref(), accept)? {
            Answer::NotModified => {
                let entry = known.expect("validators came from the entry");
                self.summary.unchanged += entry.files.keys().filter(|path| is_record(path)).count();
                self.summary.documents_unchanged +=
                    entry.files.keys().filter(|path| is_document(path)).count();
                return Ok(());
            }
            Answer::Fresh(page) => page,
        };
        let (items, printed) = if is_service {
            let root = moderngov::service_root(&page.body, &page.content_type, "meeting")
                .map_err(|unusable| unusable_error(url, unusable))?;
            (moderngov::meeting_items(&root), None)
        } else {
            let html = page_html(&page).map_err(|unusable| unusable_error(url, unusable))?;
            (
                moderngov::page_items(&html),
                Some(moderngov::printed_minutes(&html)),
            )
        };
        let mut entry = UrlEntry {
            validators: page.validators.clone(),
            files: BTreeMap::new(),
            selection: self.selection.clone(),
        };
        for item in items.iter().filter(|item| item.has_outcome()) {
            if let Some(topic) = &mut self.topic {
                let text = [&[item.title.clone()][..], &item.minutes, &item.decision].concat();
                if !topic.matches(&text.join("\n")) {
                    self.summary.left_out += 1;
                    continue;
                }
            }
            self.write_item(committee, meeting, item, &mut entry);
            if self.documents {
                for document in &item.documents {
                    self.document(
                        committee, meeting, document, &page.url, &mut entry, manifest,
                    );
                }
            }
        }
        if self.documents {
            // The service does not list a meeting's printed minutes: its
            // page does.
            let printed = match printed {
                Some(printed) => printed,
                None => self.printed_minutes(committee, meeting),
            };
            for document in &printed {
                self.document(
                    committee, meeting, document, &page.url, &mut entry, manifest,
                );
            }
        }
        manifest.urls.insert(key, entry);
        Ok(())
    }

    /// The printed minutes a meeting's page links to; a page that cannot
    /// be read is named as a problem and gives none.
    fn printed_minutes(
        &mut self,
        committee: &Committee,
        meeting: &MeetingStub,
    ) -> Vec<moderngov::Document> {
        let url = moderngov::join(
            &self.base,
            &format!(
                "ieListDocuments.aspx?CId={}&MId={}",
                committee.id, meeting.id
            ),
        );
        match self.page(&url) {
            Ok((html, page)) => moderngov::printed_minutes(&html)
                .into_iter()
                .map(|mut document| {
                    if let Ok(absolute) = page.url.join(&document.href.replace(' ', "%20")) {
                        document.href = absolute.to_string();
                    }
                    document
                })
                .collect(),
            Err(error) => {
                self.problem(&error);
                Vec::new()
            }
        }
    }

    /// The manifest's entry for `key` and the validators to ask with, if
    /// the files made from it are still as written (and, with `selection`,
    /// were chosen the same way): only then may a 304 stand for them.
    fn trusted(
        &self,
        manifest: &Manifest,
        key: &str,
        selection: Option<&str>,
    ) -> (Option<UrlEntry>, Option<http::Validators>) {
        let known = manifest
            .urls
            .get(key)
            .filter(|entry| selection.is_none_or(|selection| entry.selection == selection))
            .filter(|entry| {
                entry
                    .files
                    .iter()
                    .all(|(path, hash)| self.file_has(path, hash))
            })
            .cloned();
        let validators = known
            .as_ref()
            .map(|entry| entry.validators.clone())
            .filter(|validators| !validators.is_empty());
        (known, validators)
    }

    fn file_has(&self, path: &str, hash: &str) -> bool {
        std::fs::read(self.out.join(store::from_manifest_path(path)))
            .is_ok_and(|bytes| store::hash(&bytes) == hash)
    }

    /// Writes an item's record and sidecar unless the folder already holds
    /// them as they are.
    fn write_item(
        &mut self,
        committee: &Committee,
        meeting: &MeetingStub,
        item: &Item,
        entry: &mut UrlEntry,
    ) {
        let folder = PathBuf::from(store::slug(&committee.title, 60));
        let name = match item.id {
            Some(id) => format!("{}-m{}-i{id}", meeting.date, meeting.id),
            None => format!(
                "{}-m{}-n{}",
                meeting.date,
                meeting.id,
                store::slug(&item.number, 12)
            ),
        };
        let record = folder.join(format!("{name}.html"));
        let sidecar = folder.join(format!("{name}.html{}", crate::walk::FILE_SIDECAR_SUFFIX));
        let public = match item.id {
            Some(id) => moderngov::join(&self.base, &format!("mgAi.aspx?ID={id}")),
            None => moderngov::join(
                &self.base,
                &format!(
                    "ieListDocuments.aspx?CId={}&MId={}",
                    committee.id, meeting.id
                ),
            ),
        };
        let html = render_item(item);
        let meta = render_sidecar(&Meta {
            council: &self.council,
            committee: &committee.title,
            date: meeting.date.to_string(),
            title: Some(&item.title),
            item: (!item.number.is_empty()).then_some(item.number.as_str()),
            url: public.as_str(),
        });
        match self.write_with_sidecar(&record, html.as_bytes(), &sidecar, &meta, entry) {
            Ok(Written::New) => self.summary.new += 1,
            Ok(Written::Changed) => self.summary.changed += 1,
            Ok(Written::Unchanged) => self.summary.unchanged += 1,
            Err(reason) => self.summary.problems.push(Problem {
                kind: "failed".into(),
                url: public.to_string(),
                reason,
            }),
        }
    }

    /// Writes a file and its sidecar (the sidecar first: a record never
    /// stands without its metadata) unless both are already as given, and
    /// records them in the manifest entry.
    fn write_with_sidecar(
        &self,
        path: &Path,
        bytes: &[u8],
        sidecar: &Path,
        meta: &str,
        entry: &mut UrlEntry,
    ) -> Result<Written, String> {
        let existed = self.out.join(path).exists();
        let same = store::holds(&self.out, path, bytes)
            && store::holds(&self.out, sidecar, meta.as_bytes());
        if !same {
            store::write_file(&self.out, sidecar, meta.as_bytes())?;
            store::write_file(&self.out, path, bytes)?;
        }
        entry
            .files
            .insert(store::manifest_path(path), store::hash(bytes));
        entry
            .files
            .insert(store::manifest_path(sidecar), store::hash(meta.as_bytes()));
        Ok(match (same, existed) {
            (true, _) => Written::Unchanged,
            (false, true) => Written::Changed,
            (false, false) => Written::New,
        })
    }

    /// Downloads a linked document (PDF or Word) with its sidecar.
    fn document(
        &mut self,
        committee: &Committee,
        meeting: &MeetingStub,
        document: &moderngov::Document,
        page_url: &Url,
        entry: &mut UrlEntry,
        manifest: &mut Manifest,
    ) {
        let href = document.href.trim().replace(' ', "%20");
        let url = match page_url.join(&href) {
            Ok(url) => url,
            Err(error) => {
                self.summary.problems.push(Problem {
                    kind: "failed".into(),
                    url: document.href.clone(),
                    reason: format!("{:?} is not an address: {error}", document.href),
                });
                return;
            }
        };
        let last = url
            .path_segments()
            .and_then(|mut segments| segments.next_back())
            .unwrap_or("")
            .to_string();
        if let Err(reason) = store::document_name(&last) {
            self.summary.problems.push(Problem {
                kind: "refused".into(),
                url: url.to_string(),
                reason,
            });
            return;
        }
        let key = url.to_string();
        let (known, validators) = self.trusted(manifest, &key, None);
        let page = match self.client.get(&url, validators.as_ref(), "*/*") {
            Ok(Answer::NotModified) => {
                let known = known.expect("validators came from the entry");
                self.summary.documents_unchanged += 1;
                entry.files.extend(known.files);
                return;
            }
            Ok(Answer::Fresh(page)) => page,
            Err(error) => {
                self.problem(&error);
                return;
            }
        };
        let Some(extension) = document_kind(&page) else {
            self.summary.problems.push(Problem {
                kind: "failed".into(),
                url: url.to_string(),
                reason: format!(
                    "not a PDF or Word document (content type {:?})",
                    page.content_type
                ),
            });
            return;
        };
        let stem = if document.title.is_empty() {
            last.rsplit_once('.')
                .map_or(last.as_str(), |(stem, _)| stem)
                .to_string()
        } else {
            document.title.clone()
        };
        let number = document.id.map_or_else(
            || store::hash(url.as_str().as_bytes())[5..13].to_string(),
            |id| id.to_string(),
        );
        let name = format!(
            "{}-m{}-s{number}-{}.{extension}",
            meeting.date,
            meeting.id,
            store::slug(&stem, 60)
        );
        let path = PathBuf::from(store::slug(&committee.title, 60))
            .join("documents")
            .join(name);
        let sidecar = {
            let mut name = path.clone().into_os_string();
            name.push(crate::walk::FILE_SIDECAR_SUFFIX);
            PathBuf::from(name)
        };
        let meta = render_sidecar(&Meta {
            council: &self.council,
            committee: &committee.title,
            date: meeting.date.to_string(),
            title: None,
            item: None,
            url: url.as_str(),
        });
        // The document's own entry, for a conditional request next time,
        // and its files in the meeting's, which a 304 for the meeting vouches
        // for.
        let mut own = UrlEntry {
            validators: page.validators.clone(),
            files: BTreeMap::new(),
            selection: String::new(),
        };
        match self.write_with_sidecar(&path, &page.body, &sidecar, &meta, &mut own) {
            Ok(Written::New) => self.summary.documents_new += 1,
            Ok(Written::Changed) => self.summary.documents_changed += 1,
            Ok(Written::Unchanged) => self.summary.documents_unchanged += 1,
            Err(reason) => {
                self.summary.problems.push(Problem {
                    kind: "failed".into(),
                    url: url.to_string(),
                    reason,
                });
                return;
            }
        }
        entry.files.extend(own.files.clone());
        manifest.urls.insert(key, own);
    }
}

fn is_record(path: &str) -> bool {
    path.ends_with(".html") && !path.contains("/documents/")
}

fn is_document(path: &str) -> bool {
    path.contains("/documents/") && !path.ends_with(crate::walk::FILE_SIDECAR_SUFFIX)
}

/// The file extension for a downloaded document, from its first bytes.
fn document_kind(page: &Page) -> Option<&'static str> {
    let body = &page.body;
    if body.starts_with(b"%PDF-") {
        return Some("pdf");
    }
    let content_type = page.content_type.to_ascii_lowercase();
    if body.starts_with(b"PK\x03\x04")
        && (content_type.contains("wordprocessingml")
            || page.url.path().to_ascii_lowercase().ends_with(".docx"))
    {
        return Some("docx");
    }
    None
}

fn unusable_error(url: &Url, unusable: Unusable) -> FetchError {
    let url = url.to_string();
    match unusable {
        Unusable::Blocked(reason) => FetchError::Blocked { url, reason },
        Unusable::Refused(reason) => FetchError::Refused { url, reason },
        Unusable::Failed(reason) => FetchError::Failed { url, reason },
    }
}

/// Parses a page, refusing bad bytes and pages that are not the site's.
fn page_html(page: &Page) -> Result<Html, Unusable> {
    let text = std::str::from_utf8(&page.body).map_err(|error| {
        Unusable::Refused(format!(
            "the page is not valid UTF-8 (byte {})",
            error.valid_up_to()
        ))
    })?;
    let html = Html::parse_document(text);
    if !moderngov::is_site_page(&html) {
        return Err(Unusable::Blocked(
            "the answer is not a ModernGov page (a challenge or block page in front of the site?)"
                .into(),
        ));
    }
    Ok(html)
}

/// The committees named by `wanted` (all when none): each name matches a
/// title with the same words in any order and case, or whose words include
/// all of its own; an unmatched name lists the nearest titles.
pub fn choose(committees: &[Committee], wanted: &[String]) -> Result<Vec<Committee>, String> {
    if wanted.is_empty() {
        return Ok(committees.to_vec());
    }
    let mut chosen: Vec<Committee> = Vec::new();
    for name in wanted {
        let words = committee_words(name);
        if words.is_empty() {
            return Err(format!("--committee {name:?} names no committee"));
        }
        let exact: Vec<&Committee> = committees
            .iter()
            .filter(|committee| committee_words(&committee.title) == words)
            .collect();
        let matched: Vec<&Committee> = if exact.is_empty() {
            committees
                .iter()
                .filter(|committee| {
                    let title = committee_words(&committee.title);
                    words.iter().all(|word| title.contains(word))
                })
                .collect()
        } else {
            exact
        };
        if matched.is_empty() {
            let mut nearest: Vec<&Committee> = committees.iter().collect();
            let key = words.join(" ");
            nearest.sort_by_key(|committee| {
                strsim::levenshtein(&committee_words(&committee.title).join(" "), &key)
            });
            let names: Vec<String> = nearest
                .iter()
                .take(5)
                .map(|committee| format!("  {}", committee.title))
                .collect();
            return Err(format!(
                "no committee of the site matches {name:?}; the nearest are:\n{}",
                names.join("\n")
            ));
        }
        for committee in matched {
            if !chosen.iter().any(|known| known.id == committee.id) {
                chosen.push(committee.clone());
            }
        }
    }
    Ok(chosen)
}

/// A committee name's words, lower case, sorted, without "and", "the",
/// "of", "&".
fn committee_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .filter(|word| !matches!(word.as_str(), "and" | "the" | "of" | "for"))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The record file of an item: its title as the one heading, then the
/// agenda text, the minutes and the decision as paragraphs (the site's
/// markup is not copied: only its text, escaped).
fn render_item(item: &Item) -> String {
    let mut html =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>");
    html.push_str(&escape_html(&item.title));
    html.push_str("</title></head>\n<body><main>\n<h1>");
    if !item.number.is_empty() {
        html.push_str(&escape_html(&item.number));
        html.push_str(". ");
    }
    html.push_str(&escape_html(&item.title));
    html.push_str("</h1>\n");
    let mut section = |heading: Option<&str>, paragraphs: &[String]| {
        if paragraphs.is_empty() {
            return;
        }
        if let Some(heading) = heading {
            html.push_str(&format!("<p>{heading}</p>\n"));
        }
        for paragraph in paragraphs {
            html.push_str("<p>");
            html.push_str(&escape_html(paragraph));
            html.push_str("</p>\n");
        }
    };
    section(None, &item.agenda);
    section(Some("Minutes:"), &item.minutes);
    section(Some("Decision:"), &item.decision);
    html.push_str("</main></body>\n</html>\n");
    html
}

#[derive(Serialize)]
struct Meta<'a> {
    council: &'a str,
    committee: &'a str,
    date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a str>,
    url: &'a str,
}

fn render_sidecar(meta: &Meta) -> String {
    let mut text =
        String::from("# Written by scrutiny fetch: what the site states about this record.\n");
    text.push_str(&toml::to_string(meta).expect("plain strings serialise"));
    text
}

fn progress_bar(show: bool, meetings: usize) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(meetings as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} meetings {wide_msg} ({eta} left)",
        )
        .expect("a valid template"),
    );
    bar
}

/// The folder a council's records go to by default.
pub fn default_out(corpus: &Path, council: &str) -> PathBuf {
    corpus.join(store::slug(council, 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committee(id: u64, title: &str) -> Committee {
        Committee {
            id,
            title: title.into(),
        }
    }

    #[test]
    fn committee_names_match_in_any_order_and_case() {
        let all = [
            committee(1, "Children and Young People Scrutiny Committee"),
            committee(2, "Licensing Committee"),
            committee(3, "Licensing Sub-Committee"),
        ];
        let chosen = choose(&all, &["scrutiny committee children young people".into()]).unwrap();
        assert_eq!(chosen, vec![all[0].clone()]);
        let chosen = choose(&all, &["licensing committee".into()]).unwrap();
        assert_eq!(chosen, vec![all[1].clone()], "the exact title wins");
        let error = choose(&all, &["Licencing".into()]).unwrap_err();
        assert!(error.contains("Licensing Committee"), "{error}");
    }

    #[test]
    fn an_item_record_escapes_the_site_text() {
        let item = Item {
            number: "5".into(),
            title: "Taxi <b>licensing</b>".into(),
            minutes: vec!["The committee noted <script>x</script>.".into()],
            ..Item::default()
        };
        let html = render_item(&item);
        assert!(html.contains("<h1>5. Taxi &lt;b&gt;licensing&lt;/b&gt;</h1>"));
        assert!(html.contains("<p>Minutes:</p>\n<p>The committee noted &lt;script&gt;"));
    }
}
