//! A fake ModernGov site on 127.0.0.1: the web service's XML and the
//! committee, meeting-list and meeting pages, in the documented shapes
//! with invented councils and text, and faults on demand. Every request is
//! logged with its arrival time and headers.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Response, StatusCode, Uri};
use axum::Router;

/// An invented council's committees, meetings and items.
#[derive(Clone)]
pub struct Council {
    pub committees: Vec<FakeCommittee>,
}

#[derive(Clone)]
pub struct FakeCommittee {
    pub id: u64,
    pub title: &'static str,
    pub deleted: bool,
    pub meetings: Vec<FakeMeeting>,
}

#[derive(Clone)]
pub struct FakeMeeting {
    pub id: u64,
    /// dd/mm/yyyy.
    pub date: &'static str,
    pub cancelled: bool,
    pub items: Vec<FakeItem>,
}

#[derive(Clone)]
pub struct FakeItem {
    pub id: u64,
    pub number: &'static str,
    pub title: &'static str,
    pub agenda: &'static str,
    /// Paragraphs of minutes; none for an item without minutes.
    pub minutes: Vec<&'static str>,
    pub restricted: bool,
    /// (attachment id, title, href)
    pub documents: Vec<(u64, &'static str, &'static str)>,
}

/// What a request is for, as faults and logs name it.
pub fn resource(path: &str, query: &str) -> String {
    let path = path.to_ascii_lowercase();
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.to_string())
            .unwrap_or_default()
    };
    match path.as_str() {
        "/robots.txt" => "robots".into(),
        "/mgwebservice.asmx/getcommittees" => "committees".into(),
        "/mgwebservice.asmx/getmeetings" => format!("meetings:{}", param("lCommitteeId")),
        "/mgwebservice.asmx/getmeeting" => format!("meeting:{}", param("lMeetingId")),
        "/mglistcommittees.aspx" => "page-committees".into(),
        "/ielistmeetings.aspx" => format!("page-meetings:{}", param("CId")),
        "/ielistdocuments.aspx" => format!("page-meeting:{}", param("MId")),
        "/loop" => "loop".into(),
        other => format!("file:{other}"),
    }
}

/// A fault served in place of the answer.
#[derive(Clone, Debug)]
pub enum Fault {
    /// This status, for the next `times` requests.
    Status(u16, u32),
    /// 429 with Retry-After: seconds, for the next `times` requests.
    TooMany(u64, u32),
    /// The body cut short (Content-Length larger than what is sent), for
    /// the next `times` requests.
    Truncated(u32),
    /// The answer after this long, every time.
    Slow(Duration),
    /// A 200 JavaScript challenge page, every time.
    Challenge,
    /// The right body with `text/html` as its content type.
    WrongType,
    /// A Content-Length of 10 GiB.
    HugeLength,
    /// A body that never ends.
    Endless,
    /// An XML entity bomb.
    Bomb,
    /// Bytes that are not UTF-8 in the answer.
    BadBytes,
}

#[derive(Clone, Debug)]
pub struct Logged {
    pub at: Instant,
    pub port: u16,
    pub resource: String,
    pub path: String,
    pub user_agent: String,
    pub if_none_match: Option<String>,
    pub status: u16,
}

pub struct Shared {
    pub council: Council,
    pub port: Mutex<u16>,
    pub faults: Mutex<HashMap<String, Fault>>,
    pub service_off: Mutex<bool>,
    /// Every request but robots.txt is redirected to this port.
    pub redirect_to: Mutex<Option<u16>>,
    pub robots: Mutex<String>,
    /// robots.txt answers 301 to /policy/robots.txt, which holds the rules.
    pub robots_moved: Mutex<bool>,
    pub log: Arc<Mutex<Vec<Logged>>>,
    /// Bumped to change every meeting's answer (a later edit of minutes).
    pub revision: Mutex<u32>,
}

/// A running fake site.
pub struct FakeSite {
    pub port: u16,
    pub shared: Arc<Shared>,
    _runtime: tokio::runtime::Runtime,
}

impl FakeSite {
    pub fn start(council: Council) -> FakeSite {
        FakeSite::start_logging(council, Arc::new(Mutex::new(Vec::new())))
    }

    /// A site logging into `log`, shared with another site.
    pub fn start_logging(council: Council, log: Arc<Mutex<Vec<Logged>>>) -> FakeSite {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let shared = Arc::new(Shared {
            council,
            port: Mutex::new(0),
            faults: Mutex::new(HashMap::new()),
            service_off: Mutex::new(false),
            redirect_to: Mutex::new(None),
            robots: Mutex::new(
                "User-agent: *\nDisallow: /mgRss.aspx\nDisallow: /private/\n".to_string(),
            ),
            robots_moved: Mutex::new(false),
            log,
            revision: Mutex::new(1),
        });
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        *shared.port.lock().unwrap() = port;
        let app = Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&shared));
        runtime.spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeSite {
            port,
            shared,
            _runtime: runtime,
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn fault(&self, resource: &str, fault: Fault) {
        self.shared
            .faults
            .lock()
            .unwrap()
            .insert(resource.to_string(), fault);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.lock().unwrap().clear();
    }

    pub fn log(&self) -> Vec<Logged> {
        self.shared.log.lock().unwrap().clone()
    }

    pub fn clear_log(&self) {
        self.shared.log.lock().unwrap().clear();
    }

    /// How many requests for `resource` were made.
    pub fn requests_for(&self, resource: &str) -> usize {
        self.log()
            .iter()
            .filter(|logged| logged.resource == resource)
            .count()
    }
}

async fn answer(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap) -> Response<Body> {
    let arrived = Instant::now();
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    let resource = resource(&path, &query);
    let port = *shared.port.lock().unwrap();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    // Logged on arrival: a client that gives up waiting still shows.
    let entry = {
        let mut log = shared.log.lock().unwrap();
        log.push(Logged {
            at: arrived,
            port,
            resource: resource.clone(),
            path: format!("{path}?{query}"),
            user_agent: header("user-agent").unwrap_or_default(),
            if_none_match: header("if-none-match"),
            status: 0,
        });
        log.len() - 1
    };
    let fault = {
        let mut faults = shared.faults.lock().unwrap();
        let fault = faults.get(&resource).cloned();
        // Counted faults wear off.
        if let Some(Fault::Status(_, times) | Fault::TooMany(_, times) | Fault::Truncated(times)) =
            faults.get_mut(&resource)
        {
            *times -= 1;
            if *times == 0 {
                faults.remove(&resource);
            }
        }
        fault
    };
    if let Some(Fault::Slow(wait)) = &fault {
        tokio::time::sleep(*wait).await;
    }
    let response = build(
        &shared,
        &resource,
        &path,
        &query,
        fault,
        header("if-none-match"),
    );
    if let Some(logged) = shared.log.lock().unwrap().get_mut(entry) {
        logged.status = response.status().as_u16();
    }
    response
}

fn build(
    shared: &Shared,
    resource: &str,
    path: &str,
    query: &str,
    fault: Option<Fault>,
    if_none_match: Option<String>,
) -> Response<Body> {
    let moved = *shared.robots_moved.lock().unwrap();
    if resource == "robots" && moved {
        return Response::builder()
            .status(301)
            .header("location", "/policy/robots.txt")
            .body(Body::empty())
            .unwrap();
    }
    if resource == "robots" || (moved && resource == "file:/policy/robots.txt") {
        return text(200, "text/plain", shared.robots.lock().unwrap().clone());
    }
    if let Some(port) = *shared.redirect_to.lock().unwrap() {
        let location = format!("http://127.0.0.1:{port}{path}?{query}");
        return Response::builder()
            .status(301)
            .header("location", location)
            .body(Body::empty())
            .unwrap();
    }
    if resource == "loop" {
        return Response::builder()
            .status(302)
            .header("location", format!("/loop?n={}", query.len()))
            .body(Body::empty())
            .unwrap();
    }
    match fault {
        Some(Fault::Status(status, _)) => return text(status, "text/plain", "unavailable".into()),
        Some(Fault::TooMany(seconds, _)) => {
            return Response::builder()
                .status(429)
                .header("retry-after", seconds.to_string())
                .body(Body::from("slow down"))
                .unwrap()
        }
        Some(Fault::Challenge) => {
            return text(
                200,
                "text/html",
                "<!DOCTYPE html><html><head><script>document.cookie='check=1';location.reload()\
                 </script></head><body>Checking your browser</body></html>"
                    .into(),
            )
        }
        Some(Fault::HugeLength) => {
            return Response::builder()
                .status(200)
                .header("content-type", "application/pdf")
                .header("content-length", (10u64 << 30).to_string())
                .body(Body::new(Endless))
                .unwrap()
        }
        Some(Fault::Endless) => {
            return Response::builder()
                .status(200)
                .header("content-type", "application/pdf")
                .body(Body::new(Endless))
                .unwrap()
        }
        Some(Fault::Bomb) => {
            let mut bomb = String::from(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE meeting [\n<!ENTITY a \"aaaaaaaaaa\">\n",
            );
            for level in 1..10 {
                let previous = if level == 1 {
                    "a".to_string()
                } else {
                    format!("a{}", level - 1)
                };
                bomb.push_str(&format!(
                    "<!ENTITY a{level} \"{}\">\n",
                    format!("&{previous};").repeat(10)
                ));
            }
            bomb.push_str("]>\n<meeting><meetingid>&a9;</meetingid></meeting>\n");
            return text(200, "text/xml", bomb);
        }
        _ => {}
    }
    if *shared.service_off.lock().unwrap()
        && path.to_ascii_lowercase().starts_with("/mgwebservice.asmx")
    {
        return text(
            503,
            "text/html",
            "<html><body>Service Unavailable</body></html>".into(),
        );
    }
    let revision = *shared.revision.lock().unwrap();
    let Some((content_type, mut body, etag)) = content(&shared.council, resource, revision) else {
        return text(
            404,
            "text/html",
            "<html><body>Not found</body></html>".into(),
        );
    };
    if let Some(etag) = &etag {
        if if_none_match.as_deref() == Some(etag.as_str()) {
            return Response::builder()
                .status(304)
                .header("etag", etag)
                .body(Body::empty())
                .unwrap();
        }
    }
    let content_type = match fault {
        Some(Fault::WrongType) => "text/html; charset=utf-8",
        _ => content_type,
    };
    if matches!(fault, Some(Fault::BadBytes)) {
        let at = body.len() / 2;
        body.splice(at..at, [0xff, 0xfe, 0xc3]);
    }
    let mut response = Response::builder()
        .status(200)
        .header("content-type", content_type);
    if let Some(etag) = etag {
        response = response.header("etag", etag);
    }
    if matches!(fault, Some(Fault::Truncated(_))) {
        let declared = body.len() + 500;
        return response
            .header("content-length", declared.to_string())
            .body(Body::new(Short(Some(bytes::Bytes::from(body)))))
            .unwrap();
    }
    response.body(Body::from(body)).unwrap()
}

fn text(status: u16, content_type: &str, body: String) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap()
}

/// A body that sends its bytes and then fails, so the connection closes
/// before the declared length.
struct Short(Option<bytes::Bytes>);

impl http_body::Body for Short {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        match self.0.take() {
            Some(bytes) => Poll::Ready(Some(Ok(http_body::Frame::data(bytes)))),
            None => Poll::Ready(Some(Err(std::io::Error::other("cut short")))),
        }
    }
}

/// A body of `%PDF-` and then zeros, forever.
struct Endless;

impl http_body::Body for Endless {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        static CHUNK: [u8; 65536] = [b'0'; 65536];
        Poll::Ready(Some(Ok(http_body::Frame::data(bytes::Bytes::from_static(
            &CHUNK,
        )))))
    }
}

/// The answer for `resource`: content type, body and ETag.
fn content(
    council: &Council,
    resource: &str,
    revision: u32,
) -> Option<(&'static str, Vec<u8>, Option<String>)> {
    let (kind, id) = resource.split_once(':').unwrap_or((resource, ""));
    let id: u64 = id.parse().unwrap_or(0);
    let committee = |id: u64| council.committees.iter().find(|c| c.id == id);
    let meeting = |id: u64| {
        council
            .committees
            .iter()
            .find_map(|c| c.meetings.iter().find(|m| m.id == id).map(|m| (c, m)))
    };
    let xml = "text/xml; charset=utf-8";
    let html = "text/html; charset=utf-8";
    match kind {
        "committees" => Some((xml, committees_xml(council).into_bytes(), None)),
        "meetings" => Some((xml, meetings_xml(committee(id)?).into_bytes(), None)),
        "meeting" => {
            let (_, m) = meeting(id)?;
            Some((
                xml,
                meeting_xml(m, revision).into_bytes(),
                Some(format!("\"m{id}-r{revision}\"")),
            ))
        }
        "page-committees" => Some((html, committees_page(council).into_bytes(), None)),
        "page-meetings" => Some((html, meetings_page(committee(id)?).into_bytes(), None)),
        "page-meeting" => {
            let (c, m) = meeting(id)?;
            Some((
                html,
                meeting_page(c, m, revision).into_bytes(),
                Some(format!("\"p{id}-r{revision}\"")),
            ))
        }
        "file" => {
            let path = resource.trim_start_matches("file:");
            if path.starts_with("/documents/") || path.starts_with("/private/") {
                let body = format!("%PDF-1.4\n% a stand-in document for {path}\n%%EOF\n");
                Some((
                    "application/pdf",
                    body.into_bytes(),
                    Some(format!("\"d{}\"", path.len())),
                ))
            } else {
                None
            }
        }
        _ => None,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn committees_xml(council: &Council) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<committees>\n<committeescount> {}</committeescount>\n",
        council.committees.len()
    );
    for c in &council.committees {
        xml.push_str(&format!(
            "<committee><committeeid>{}</committeeid><committeetitle>{}</committeetitle>\
             <committeedeleted>{}</committeedeleted><committeeexpired>False</committeeexpired>\
             <committeecategory>Committees</committeecategory></committee>\n",
            c.id,
            escape(c.title),
            if c.deleted { "True" } else { "False" }
        ));
    }
    xml.push_str("</committees>\n");
    xml
}

fn meetings_xml(c: &FakeCommittee) -> String {
    // Like some sites, the range is ignored: every meeting is listed.
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<getmeetings>\n<meetingscount> {}</meetingscount>\n\
         <committee><committeeid>{}</committeeid><committeetitle>{}</committeetitle><committeemeetings>\n",
        c.meetings.len(),
        c.id,
        escape(c.title)
    );
    for m in &c.meetings {
        xml.push_str(&format!(
            "<meeting><meetingid>{}</meetingid><meetingdate>{}</meetingdate>\
             <meetingtime>2.00 pm</meetingtime><meetingstatus>{}</meetingstatus>\
             <iswebcast>False</iswebcast></meeting>\n",
            m.id,
            m.date,
            if m.cancelled {
                "Cancelled"
            } else {
                "Confirmed"
            }
        ));
    }
    xml.push_str("</committeemeetings></committee>\n</getmeetings>\n");
    xml
}

/// Minutes as Word-exported HTML, entity-escaped inside the XML.
fn minutes_html(item: &FakeItem, revision: u32) -> String {
    let mut html = String::new();
    for paragraph in &item.minutes {
        html.push_str(&format!(
            "<p class=\"MsoNormal\"><span style=\"font-size:12pt\">{}</span></p>",
            escape(paragraph)
        ));
    }
    if revision > 1 && !item.minutes.is_empty() {
        html.push_str(&format!("<p>Corrected at revision {revision}.</p>"));
    }
    html
}

fn meeting_xml(m: &FakeMeeting, revision: u32) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<meeting><meetingid>{}</meetingid>\
         <meetingdate>{}</meetingdate><meetingtime>2.00 pm</meetingtime>\
         <meetinglocation>Council Chamber, County Hall</meetinglocation>\
         <meetingstatus>Confirmed</meetingstatus><agendapublished>True</agendapublished>\
         <minutepublished>True</minutepublished><agendaitems>\n",
        m.id, m.date
    );
    for item in &m.items {
        let mut documents = String::new();
        for (id, title, href) in &item.documents {
            documents.push_str(&format!(
                "<linkeddoc><attachmentid>{id}</attachmentid><title>{}</title><url>{}</url>\
                 <isrestricted>False</isrestricted></linkeddoc>",
                escape(title),
                escape(href)
            ));
        }
        xml.push_str(&format!(
            "<agendaitem><agendaitemid>{}</agendaitemid><agendaitemtitle>{}</agendaitemtitle>\
             <agendaitemnumber>{}</agendaitemnumber><fulldisplaynumberformat>{}</fulldisplaynumberformat>\
             <agendatext>{}</agendatext><minutesnonemptyhtmlbody>{}</minutesnonemptyhtmlbody>\
             <isminutepublished>{}</isminutepublished><isrestricted>{}</isrestricted>\
             <linkeddocuments>{documents}</linkeddocuments></agendaitem>\n",
            item.id,
            escape(item.title),
            item.number,
            item.number,
            escape(&format!("<p>{}</p>", escape(item.agenda))),
            escape(&minutes_html(item, revision)),
            if item.minutes.is_empty() { "False" } else { "True" },
            if item.restricted { "True" } else { "False" },
        ));
    }
    xml.push_str("</agendaitems></meeting>\n");
    xml
}

fn page(title: &str, subtitle: &str, content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body>\
         <nav><a href=\"/mgListCommittees.aspx\">Committees</a></nav>\
         <div id=\"modgov\"><h1 class=\"mgMainTitleTxt\">{title}</h1>\
         <h2 class=\"mgSubTitleTxt\">{subtitle}</h2><div class=\"mgContent\">{content}</div></div>\
         </body></html>\n"
    )
}

fn committees_page(council: &Council) -> String {
    let mut list = String::from("<ul class=\"mgBulletList\">");
    for c in council.committees.iter().filter(|c| !c.deleted) {
        list.push_str(&format!(
            "<li><a href=\"mgCommitteeDetails.aspx?ID={}\">{}</a></li>",
            c.id,
            escape(c.title)
        ));
    }
    list.push_str("</ul>");
    page("Browse meetings", "Committee structure", &list)
}

fn long_date(date: &str) -> String {
    let parts: Vec<&str> = date.split('/').collect();
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month: usize = parts[1].parse().unwrap();
    format!(
        "{} {} {}",
        parts[0].trim_start_matches('0'),
        months[month - 1],
        parts[2]
    )
}

fn meetings_page(c: &FakeCommittee) -> String {
    let mut list = String::from("<ul class=\"mgCalendarList\">");
    for m in &c.meetings {
        list.push_str(&format!(
            "<li><a href=\"ieListDocuments.aspx?CId={}&amp;MId={}&amp;Ver=4\">{} 2.00 pm{}</a></li>",
            c.id,
            m.id,
            long_date(m.date),
            if m.cancelled { " CANCELLED" } else { "" }
        ));
    }
    list.push_str("</ul>");
    page("Browse meetings", &escape(c.title), &list)
}

fn meeting_page(c: &FakeCommittee, m: &FakeMeeting, revision: u32) -> String {
    let mut rows = String::from("<table class=\"mgItemTable\">");
    for item in m.items.iter().filter(|item| !item.restricted) {
        rows.push_str(&format!(
            "<tr><td class=\"mgItemNumberCell\"><p class=\"mgAiTitleTxt\"><a name=\"AI{}\"></a>{}.</p></td><td>\
             <p class=\"mgAiTitleTxt\">{}</p><div class=\"mgWordPara\"><p>{}</p></div>",
            item.id,
            item.number,
            escape(item.title),
            escape(item.agenda)
        ));
        if !item.minutes.is_empty() {
            rows.push_str(&format!(
                "<p class=\"mgSubItemTitleTxt\">Minutes:</p><div class=\"mgWordPara\">{}</div>",
                minutes_html(item, revision)
            ));
        }
        if !item.documents.is_empty() {
            rows.push_str("<p class=\"mgSubItemTitleTxt\">Supporting documents:</p><ul class=\"mgBulletList\">");
            for (_, title, href) in &item.documents {
                rows.push_str(&format!(
                    "<li><a href=\"{}\">{} <span class=\"mgFileSize\">PDF 12 KB</span></a></li>",
                    escape(href),
                    escape(title)
                ));
            }
            rows.push_str("</ul>");
        }
        rows.push_str("</td></tr>");
    }
    rows.push_str("</table>");
    let rows = format!(
        "<div class=\"mgLinks\"><ul class=\"mgActionList\"><li><a href=\"mgMeetingAttendance.aspx?ID={id}\">\
         Attendance details</a></li><li><a href=\"/documents/g{id}/Printed minutes {date}.pdf\">\
         Printed minutes <span class=\"mgFileSize\">PDF 80 KB</span></a></li></ul></div>{rows}",
        id = m.id,
        date = m.date.replace('/', "-"),
    );
    page(
        "Agenda and minutes",
        &format!("{} - {} 2.00 pm", escape(c.title), long_date(m.date)),
        &rows,
    )
}
