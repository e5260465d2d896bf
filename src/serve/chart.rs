//! The timeline chart as SVG, drawn on the server: one row per council, one
//! bar per meeting year, bar height by the number of matching passages. No
//! script and no library, so it works offline and prints as it shows.

use std::fmt::Write as _;

use crate::compare::Timeline;
use crate::snippet::escape_html;

const LABEL_WIDTH: usize = 170;
const YEAR_WIDTH: usize = 40;
const ROW_HEIGHT: usize = 54;
const BAR_SPACE: usize = 36;
const AXIS_HEIGHT: usize = 28;

/// The chart for a timeline.
pub fn svg(timeline: &Timeline) -> String {
    let width = LABEL_WIDTH + YEAR_WIDTH * timeline.years.len().max(1) + 10;
    let height = ROW_HEIGHT * timeline.councils.len().max(1) + AXIS_HEIGHT;
    let most = timeline
        .councils
        .iter()
        .flat_map(|line| line.years.values())
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" role=\"img\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         aria-labelledby=\"timeline-title\"><title id=\"timeline-title\">Passages matching {} per year and council</title>",
        escape_html(&timeline.query)
    );
    for (row, line) in timeline.councils.iter().enumerate() {
        let top = row * ROW_HEIGHT;
        let base = top + 6 + BAR_SPACE;
        let council = escape_html(line.council.as_deref().unwrap_or("none stated"));
        let _ = write!(
            out,
            "<g class=\"row\"><text x=\"0\" y=\"{}\" class=\"label\">{council}</text>\
             <line x1=\"{LABEL_WIDTH}\" x2=\"{}\" y1=\"{base}\" y2=\"{base}\" class=\"base\"/>",
            base - 4,
            width - 10
        );
        for (column, year) in timeline.years.iter().enumerate() {
            let count = line.years.get(year).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let bar = (count * BAR_SPACE).div_ceil(most).max(2);
            let x = LABEL_WIDTH + column * YEAR_WIDTH + 4;
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{bar}\">\
                 <title>{council}, {year}: {count} passage{}</title></rect>\
                 <text x=\"{}\" y=\"{}\" class=\"value\" text-anchor=\"middle\">{count}</text>",
                base - bar,
                YEAR_WIDTH - 8,
                if count == 1 { "" } else { "s" },
                x + (YEAR_WIDTH - 8) / 2,
                base - bar - 2
            );
        }
        out.push_str("</g>");
    }
    let axis = height - 8;
    // Whole years while they fit; '17 style when there are many.
    let short = timeline.years.len() > 12;
    for (column, year) in timeline.years.iter().enumerate() {
        let x = LABEL_WIDTH + column * YEAR_WIDTH + YEAR_WIDTH / 2;
        let label = if short {
            format!("\u{2019}{:02}", year % 100)
        } else {
            year.to_string()
        };
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"{axis}\" class=\"year\" text-anchor=\"middle\">{label}</text>"
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::compare::CouncilTimeline;

    #[test]
    fn one_bar_per_council_year_with_its_count_and_escaped_labels() {
        let timeline = Timeline {
            query: "<taxi>".to_string(),
            years: vec![2015, 2017],
            expansions: Vec::new(),
            councils: vec![
                CouncilTimeline {
                    council: Some("Stoke & Staffs".to_string()),
                    total: 3,
                    years: BTreeMap::from([(2015, 1), (2017, 2)]),
                    undated: 0,
                },
                CouncilTimeline {
                    council: Some("Wiltshire".to_string()),
                    total: 1,
                    years: BTreeMap::from([(2017, 1)]),
                    undated: 0,
                },
            ],
        };
        let svg = svg(&timeline);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("Stoke &amp; Staffs, 2017: 2 passages"));
        assert!(svg.contains("&lt;taxi&gt;"));
        assert!(!svg.contains("<taxi>"));
    }
}
