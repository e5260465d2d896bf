//! A generator of realistic council minutes, for benchmarks and for judged
//! relevance tests at any scale.
//!
//! Deterministic for a seed. Each record is the minutes of one meeting in
//! the layout of `corpus/`: "Minutes of the … Meeting held on …", members
//! present and apologies, numbered agenda items with officers in attendance,
//! paragraphs and resolutions. Some items are about the subjects people
//! search for (sexting, taxi licensing, child sexual exploitation), written
//! with the varied words councils use for them; the generator remembers
//! where it put each, so that a judged query set can be written for the
//! corpus it made. Distractor paragraphs use the same words in other senses
//! (alcohol licensing, school transport drivers, CCTV images).

pub mod formats;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub records: usize,
    pub out: PathBuf,
    pub seed: u64,
    /// The file format the records are written in.
    pub format: SynthFormat,
}

/// The file format of generated records. The text is the same whatever the
/// format, so indexing one corpus in several formats measures what each
/// reader costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SynthFormat {
    /// Plain text, as `.txt`.
    #[default]
    Txt,
    /// PDF with running headers, page numbers and hyphenation.
    Pdf,
    /// ModernGov-like web pages.
    Html,
    /// Word files.
    Docx,
    /// Mostly PDF (6 in 10), then HTML (2), DOCX (1) and text (1), as a
    /// council's published records are.
    Mixed,
}

impl SynthFormat {
    /// The format of the record numbered `index`.
    fn of_record(self, index: usize) -> SynthFormat {
        match (self, index % 10) {
            (SynthFormat::Mixed, 0..=5) => SynthFormat::Pdf,
            (SynthFormat::Mixed, 6 | 7) => SynthFormat::Html,
            (SynthFormat::Mixed, 8) => SynthFormat::Docx,
            (SynthFormat::Mixed, _) => SynthFormat::Txt,
            (format, _) => format,
        }
    }
}

/// A subject the generator plants, with the query that should find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Sexting,
    TaxiLicensing,
    Exploitation,
}

impl Subject {
    /// Queries a user would type for the subject: the common word, and
    /// another way records put it (which only the glossary connects).
    pub fn queries(self) -> &'static [&'static str] {
        match self {
            Subject::Sexting => &["sexting", "youth produced sexual imagery"],
            Subject::TaxiLicensing => &["taxi licensing", "hackney carriage"],
            Subject::Exploitation => &["CSE", "child sexual exploitation"],
        }
    }
}

/// Where a subject paragraph was planted.
#[derive(Debug, Clone, Serialize)]
pub struct Planted {
    pub subject: Subject,
    /// The file relative to the corpus folder.
    pub key: String,
    /// A line of the paragraph, 1-based.
    pub line: u32,
}

/// What a run wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SynthSummary {
    pub records: usize,
    pub bytes: u64,
    pub planted: Vec<Planted>,
}

const COUNCILS: &[&str] = &[
    "staffordshire",
    "wiltshire",
    "worcestershire",
    "kent",
    "lancashire",
    "devon",
    "norfolk",
    "essex",
    "surrey",
    "cornwall",
    "derbyshire",
    "leeds",
    "sheffield",
    "bristol",
    "cumberland",
    "dorset",
    "hampshire",
    "suffolk",
    "rotherham",
    "oldham",
];

const COMMITTEES: &[&str] = &[
    "Safe and Strong Communities Select Committee",
    "Children and Young People Scrutiny Committee",
    "Licensing and Regulatory Committee",
    "Children and Families O&S Panel",
    "Corporate Parenting Panel",
    "Health and Wellbeing Board",
    "Communities Overview and Scrutiny Committee",
];

const FIRST_NAMES: &[&str] = &[
    "Alison", "Brian", "Carol", "David", "Eileen", "Frank", "Gillian", "Harjit", "Imran", "Janet",
    "Keith", "Linda", "Mohammed", "Nicola", "Owen", "Priya", "Rachel", "Simon", "Tracey", "Usman",
    "Valerie", "William",
];

const SURNAMES: &[&str] = &[
    "Adams", "Bennett", "Clarke", "Dawson", "Evans", "Fletcher", "Green", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Morgan", "Naylor", "Owens", "Patel", "Quinn", "Roberts", "Shaw",
    "Turner", "Walker", "Young",
];

const ROLES: &[&str] = &[
    "Head of Safeguarding",
    "Licensing Manager",
    "Director of Children's Services",
    "Community Safety Manager",
    "Principal Social Worker",
    "Education Safeguarding Lead",
];

const ORDINARY_ITEMS: &[&str] = &[
    "Declarations of Interest",
    "Minutes of the previous meeting",
    "Work Programme",
    "Annual Report of the Safeguarding Children Partnership",
    "Budget Monitoring Report",
    "Early Help Strategy",
    "Home to School Transport Review",
    "Premises Licence Review",
    "Youth Services Update",
    "Domestic Abuse Strategy",
];

const FILLER: &[&str] = &[
    "The Committee received a report from {person}, {role}, setting out progress against the {plan} agreed in {month}.",
    "Members asked about the {resource} available to {number} schools in {place} and were told that further guidance would follow by {month}.",
    "{person} explained that performance on {measure} had {trend} since {month}, although recruitment of {staff} remained {difficulty}.",
    "Members noted a {trend} in {measure} and the pressure arising from {number} additional referrals in {place}.",
    "A review of home to school transport in {place} had identified savings of £{number},000, and drivers and passenger assistants would receive {training}.",
    "The premises licence for a venue in {place} had been reviewed after {number} complaints, and further conditions on alcohol licensing were agreed.",
    "CCTV images had helped the police identify those responsible for {incident} in {place} during {month}.",
    "{person} thanked the officers for the {report} and asked that {measure} be reported to the next meeting.",
    "Members raised concerns about {measure} across partner agencies in {place} and asked {person} to investigate.",
    "It was reported that the partnership board had met {number} times since {month} and had agreed {number} priorities for the year.",
    "The Committee welcomed the engagement work with {number} young people in {place} and asked that their views inform the {plan}.",
    "Members were told that the consultation on the {plan} would close in {month} and that {number} responses had been received so far.",
];

const PEOPLE_SLOTS: &[&str] = &[
    "the Cabinet Member",
    "the Chairman",
    "the Director",
    "the lead officer",
];
const PLANS: &[&str] = &[
    "action plan",
    "improvement plan",
    "annual strategy",
    "business plan",
    "three-year strategy",
    "partnership plan",
];
const RESOURCES: &[&str] = &[
    "funding",
    "training",
    "staffing",
    "specialist support",
    "guidance",
    "outreach",
];
const MEASURES: &[&str] = &[
    "timeliness of assessments",
    "caseloads",
    "repeat referrals",
    "school attendance",
    "placement stability",
    "data quality",
    "waiting times",
];
const TRENDS: &[&str] = &[
    "improved",
    "declined slightly",
    "remained stable",
    "risen sharply",
    "fallen",
];
const STAFF: &[&str] = &[
    "social workers",
    "foster carers",
    "health visitors",
    "youth workers",
    "educational psychologists",
];
const DIFFICULTIES: &[&str] = &[
    "difficult",
    "a challenge",
    "a concern",
    "slower than planned",
];
const TRAINING: &[&str] = &[
    "refreshed training",
    "a new induction",
    "online training",
    "face to face training",
];
const INCIDENTS: &[&str] = &[
    "anti-social behaviour",
    "criminal damage",
    "shoplifting",
    "vehicle crime",
];
const REPORTS: &[&str] = &[
    "clear report",
    "detailed presentation",
    "helpful update",
    "thorough briefing",
];
const PLACES: &[&str] = &[
    "the north of the county",
    "the town centre",
    "rural areas",
    "the east locality",
    "the west district",
    "the city",
    "coastal towns",
    "the southern wards",
];

/// Fills a sentence's `{slots}` with random values, so that no two
/// generated paragraphs read alike word for word.
fn fill(rng: &mut fastrand::Rng, template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 40);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let slot = &rest[open + 1..open + close];
        let value = match slot {
            "person" => {
                if rng.bool() {
                    person(rng)
                } else {
                    pick(rng, PEOPLE_SLOTS).to_string()
                }
            }
            "role" => pick(rng, ROLES).to_string(),
            "plan" => pick(rng, PLANS).to_string(),
            "month" => MONTHS[rng.usize(..MONTHS.len())].to_string(),
            "resource" => pick(rng, RESOURCES).to_string(),
            "number" => rng.u32(2..400).to_string(),
            "place" => pick(rng, PLACES).to_string(),
            "measure" => pick(rng, MEASURES).to_string(),
            "trend" => pick(rng, TRENDS).to_string(),
            "staff" => pick(rng, STAFF).to_string(),
            "difficulty" => pick(rng, DIFFICULTIES).to_string(),
            "training" => pick(rng, TRAINING).to_string(),
            "incident" => pick(rng, INCIDENTS).to_string(),
            "report" => pick(rng, REPORTS).to_string(),
            other => other.to_string(),
        };
        out.push_str(&value);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

const SEXTING: &[&str] = &[
    "Members heard about work with {number} schools in {place} on sexting, including the risks to young people when images are shared without consent.",
    "The report described {number} incidents of youth produced sexual imagery since {month} and the guidance given to designated safeguarding leads.",
    "{person} explained that sharing nudes among pupils in {place} was increasingly common and that awareness sessions had reached {number} pupils.",
    "The police described how sexted images could be used to blackmail young people, and {person} outlined the support available to victims.",
];

const TAXI: &[&str] = &[
    "The Committee considered the revised taxi licensing policy, under which all {number} licensed drivers must complete safeguarding training before a licence is granted.",
    "Members discussed the training of {number} hackney carriage and private hire drivers in {place} in recognising child sexual exploitation.",
    "{person} reported that drivers who failed to complete the safeguarding course by {month} would not have their taxi licence renewed.",
    "Concerns were raised about private hire drivers licensed by other authorities working in {place} without the same checks.",
];

const EXPLOITATION: &[&str] = &[
    "The Committee received an update on child sexual exploitation, including the {number} children identified as at risk in {place}.",
    "Members were informed that the CSE panel met monthly and had reviewed {number} cases of children at risk of exploitation since {month}.",
    "The report set out the work of the multi-agency team tackling CSE in {place} and the links with children who go missing from home.",
    "{person} described the training given to {number} frontline staff on recognising the signs of child sexual exploitation and grooming.",
];

fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

fn person(rng: &mut fastrand::Rng) -> String {
    format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, SURNAMES))
}

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// One record's text, with the subjects it planted and their lines.
///
/// Longer than 100 lines on purpose: it writes a record top to bottom, as
/// a template would, and reads best in that order.
fn record(rng: &mut fastrand::Rng) -> (String, String, Vec<(Subject, u32)>) {
    let committee = pick(rng, COMMITTEES);
    let year = rng.u32(2005..=2024);
    let month = rng.usize(0..12);
    let day = rng.u32(1..=28);
    let mut text = String::new();
    let mut line = 1u32;
    let mut planted = Vec::new();
    let push = |text: &mut String, line: &mut u32, paragraph: &str| {
        text.push_str(paragraph);
        text.push_str("\n\n");
        *line += 2;
    };
    push(
        &mut text,
        &mut line,
        &format!(
            "Minutes of the {committee} Meeting held on {day} {} {year}",
            MONTHS[month]
        ),
    );
    let members: Vec<String> = (0..rng.usize(4..8)).map(|_| person(rng)).collect();
    push(
        &mut text,
        &mut line,
        &format!(
            "Present: {} (Chairman), {}",
            members[0],
            members[1..].join(", ")
        ),
    );
    push(&mut text, &mut line, &format!("Apologies: {}", person(rng)));

    let n_items = rng.usize(3..7);
    for number in 1..=n_items {
        let subject = match rng.u32(0..100) {
            0 => Some(Subject::Sexting),
            1..=2 => Some(Subject::TaxiLicensing),
            3..=7 => Some(Subject::Exploitation),
            _ => None,
        };
        let title = match subject {
            Some(Subject::Sexting) => "Online Safety in Schools",
            Some(Subject::TaxiLicensing) => {
                if rng.bool() {
                    "Hackney Carriage and Private Hire Licensing Policy"
                } else {
                    "Taxi Licensing: Safeguarding Training"
                }
            }
            Some(Subject::Exploitation) => "Child Sexual Exploitation Update",
            None => pick(rng, ORDINARY_ITEMS),
        };
        push(&mut text, &mut line, &format!("{number}. {title}"));
        if rng.bool() {
            push(
                &mut text,
                &mut line,
                &format!(
                    "[{} ({}, {} Council) in attendance for this item.]",
                    person(rng),
                    pick(rng, ROLES),
                    crate::extract::council::from_folder(pick(rng, COUNCILS)).unwrap_or_default()
                ),
            );
        }
        for _ in 0..rng.usize(2..5) {
            let mut paragraph = String::new();
            let planted_here = match subject {
                Some(subject) if rng.u32(0..3) > 0 => {
                    let sentences = match subject {
                        Subject::Sexting => SEXTING,
                        Subject::TaxiLicensing => TAXI,
                        Subject::Exploitation => EXPLOITATION,
                    };
                    let sentence = pick(rng, sentences);
                    paragraph.push_str(&fill(rng, sentence));
                    Some(subject)
                }
                _ => None,
            };
            for _ in 0..rng.usize(2..4) {
                if !paragraph.is_empty() {
                    paragraph.push(' ');
                }
                let sentence = pick(rng, FILLER);
                paragraph.push_str(&fill(rng, sentence));
            }
            if let Some(subject) = planted_here {
                planted.push((subject, line));
            }
            push(&mut text, &mut line, &paragraph);
        }
        let _ = write!(
            text,
            "RESOLVED – That the report be noted and a further update be received in {} months.\n\n",
            rng.u32(3..13)
        );
        line += 2;
    }
    let name = format!(
        "{year}-{:02}-{day:02}-{}.txt",
        month + 1,
        committee
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join("-")
    );
    (name, text, planted)
}

/// Writes a generated corpus, one folder per council.
pub fn generate(options: &SynthOptions) -> std::io::Result<SynthSummary> {
    let mut rng = fastrand::Rng::with_seed(options.seed);
    let mut summary = SynthSummary::default();
    for index in 0..options.records {
        let council = COUNCILS[rng.usize(..COUNCILS.len())];
        let (name, text, planted) = record(&mut rng);
        // The record number keeps two meetings on one day apart.
        let mut key = format!("{council}/{index:06}-{name}");
        let bytes = match options.format.of_record(index) {
            SynthFormat::Txt | SynthFormat::Mixed => text.into_bytes(),
            SynthFormat::Pdf => {
                key = key.replace(".txt", ".pdf");
                formats::to_pdf(&text)
            }
            SynthFormat::Html => {
                key = key.replace(".txt", ".html");
                formats::to_html(&text).into_bytes()
            }
            SynthFormat::Docx => {
                key = key.replace(".txt", ".docx");
                formats::to_docx(&text)?
            }
        };
        let path = options.out.join(&key);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(&path, &bytes)?;
        summary.records += 1;
        summary.bytes += bytes.len() as u64;
        for (subject, line) in planted {
            summary.planted.push(Planted {
                subject,
                key: key.clone(),
                line,
            });
        }
    }
    Ok(summary)
}

/// A judged query set for a generated corpus, in the form `scrutiny eval`
/// reads: for each subject's query, the paragraphs planted about it.
pub fn judgements(summary: &SynthSummary) -> String {
    let mut out = String::from(
        "# Judged queries for a corpus made by `scrutiny synth`: every paragraph\n# the generator wrote about a subject is relevant (grade 3) to its query.\n",
    );
    for subject in [
        Subject::Sexting,
        Subject::TaxiLicensing,
        Subject::Exploitation,
    ] {
        let planted: Vec<&Planted> = summary
            .planted
            .iter()
            .filter(|planted| planted.subject == subject)
            .collect();
        if planted.is_empty() {
            continue;
        }
        for query in subject.queries() {
            let _ = writeln!(out, "\n[[query]]\ntext = {query:?}\nrelevant = [");
            for planted in &planted {
                let _ = writeln!(
                    out,
                    "  {{ passage = \"{}:{}\", grade = 3 }},",
                    planted.key, planted.line
                );
            }
            out.push_str("]\n");
        }
    }
    out
}

/// Writes a generated corpus and, when `judgements` names a file, its
/// judged query set.
pub fn write(
    options: &SynthOptions,
    judgements: Option<&Path>,
) -> crate::error::Result<SynthSummary> {
    use crate::error::Error;
    let failed = |path: &Path, error: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        reason: error.to_string(),
    };
    if judgements.is_some() && options.format != SynthFormat::Txt {
        return Err(Error::InvalidArgument {
            what: "--judgements with --format",
            value: format!("{:?}", options.format).to_lowercase(),
            reason: "the judged set cites lines of text records: use --format txt".into(),
        });
    }
    let summary = generate(options).map_err(|error| failed(&options.out, error))?;
    if let Some(path) = judgements {
        write_judgements(&summary, path).map_err(|error| failed(path, error))?;
    }
    Ok(summary)
}

/// Writes the judged set for a generated corpus to `path`.
pub fn write_judgements(summary: &SynthSummary, path: &Path) -> std::io::Result<()> {
    std::fs::write(path, judgements(summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus() {
        let mut a = fastrand::Rng::with_seed(3);
        let mut b = fastrand::Rng::with_seed(3);
        assert_eq!(record(&mut a), record(&mut b));
    }

    #[test]
    fn planted_lines_hold_their_subject() {
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..50 {
            let (_, text, planted) = record(&mut rng);
            let lines: Vec<&str> = text.lines().collect();
            for (subject, line) in planted {
                let paragraph = lines[line as usize - 1];
                let sentences = match subject {
                    Subject::Sexting => SEXTING,
                    Subject::TaxiLicensing => TAXI,
                    Subject::Exploitation => EXPLOITATION,
                };
                let opening = |sentence: &&str| {
                    let fixed = sentence.split('{').next().unwrap_or_default();
                    fixed.is_empty() || paragraph.starts_with(fixed)
                };
                assert!(sentences.iter().any(opening), "{paragraph}");
                let words: Vec<&str> = paragraph.split_whitespace().collect();
                assert!(!words.iter().any(|word| word.contains('{')), "{paragraph}");
            }
        }
    }
}
