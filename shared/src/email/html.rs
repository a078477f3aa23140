//! HTML bodies as readable text, with two-cell table rows kept as `Label: value`.

use html2text::render::TrivialDecorator;

/// Larger HTML is cut: a lead notification is never this big.
const MAX_HTML_BYTES: usize = 512 * 1024;
const RENDER_WIDTH: usize = 10_000;

pub fn html_to_text(html: &str) -> String {
    let html = super::cut_on_char_boundary(html, MAX_HTML_BYTES);
    let rewritten = rows_as_pairs(html);
    render(&rewritten).unwrap_or_else(|| strip_tags(&rewritten))
}

/// html2text is a third-party renderer: should it ever panic on hostile markup, the
/// plain tag stripper takes over instead of taking the whole parse down.
fn render(html: &str) -> Option<String> {
    std::panic::catch_unwind(|| {
        html2text::config::with_decorator(TrivialDecorator::new())
            .raw_mode(true)
            .string_from_read(html.as_bytes(), RENDER_WIDTH)
            .ok()
    })
    .ok()
    .flatten()
}

/// Rewrites every innermost table row holding exactly two non-empty cells as one cell
/// `label: value`, so the row reads as a labelled line once rendered.
fn rows_as_pairs(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut search_from = 0;
    let mut next_row_end: Option<usize> = None;
    let mut next_table: Option<Option<usize>> = None;
    while let Some(start) = find_tag(&lower, "<tr", search_from) {
        let row_end = match next_row_end {
            Some(end) if end > start => end,
            _ => match lower[start..].find("</tr") {
                Some(offset) => start + offset,
                None => break,
            },
        };
        next_row_end = Some(row_end);
        let nested_row = find_tag(&lower, "<tr", start + 3).is_some_and(|next| next < row_end);
        let table = match next_table {
            Some(cached) if cached.is_none_or(|at| at > start) => cached,
            _ => find_tag(&lower, "<table", start),
        };
        next_table = Some(table);
        let nested_table = table.is_some_and(|at| at < row_end);
        search_from = start + 3;
        if nested_row || nested_table {
            continue;
        }
        if let Some((label, value)) = two_cells(&html[start..row_end], &lower[start..row_end]) {
            out.push_str(&html[copied..start]);
            out.push_str(&format!("<tr><td>{label}: {value}</td>"));
            copied = row_end;
        }
        search_from = row_end;
    }
    out.push_str(&html[copied..]);
    out
}

fn find_tag(lower: &str, tag: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(offset) = lower.get(at..)?.find(tag) {
        let start = at + offset;
        let after = lower.as_bytes().get(start + tag.len()).copied();
        if matches!(
            after,
            None | Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n')
        ) {
            return Some(start);
        }
        at = start + tag.len();
    }
    None
}

fn two_cells<'a>(row: &'a str, lower: &str) -> Option<(String, &'a str)> {
    let mut starts: Vec<usize> = Vec::new();
    for tag in ["<td", "<th"] {
        let mut at = 0;
        while let Some(start) = find_tag(lower, tag, at) {
            starts.push(start);
            at = start + 3;
        }
    }
    starts.sort_unstable();
    let mut cells = Vec::new();
    for (index, start) in starts.iter().enumerate() {
        let open_end = start + lower.get(*start..)?.find('>')? + 1;
        let limit = starts
            .get(index + 1)
            .copied()
            .unwrap_or(row.len())
            .max(open_end);
        let close = lower[open_end..limit]
            .find("</t")
            .map_or(limit, |offset| open_end + offset);
        let cell = &row[open_end..close];
        if !cell_text(cell).is_empty() {
            cells.push(cell);
        }
    }
    let [label, value] = cells.as_slice() else {
        return None;
    };
    let label = cell_text(label);
    let label = label.trim_end_matches(':').trim();
    let short = !label.is_empty() && label.chars().count() <= 60;
    short.then(|| (label.to_owned(), *value))
}

fn cell_text(cell: &str) -> String {
    let text = strip_tags(cell);
    let mut text = text.as_str();
    let mut out = String::new();
    for space in ["&nbsp;", "&#160;", "&#xa0;"] {
        out = text.replace(space, " ");
        text = &out;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text without tags: line breaks where block elements end, entities left as written.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close].to_ascii_lowercase();
        let name = tag.trim_start_matches('/');
        if ["br", "p", "div", "tr", "li", "h1", "h2", "h3", "table"]
            .iter()
            .any(|block| name.split([' ', '/']).next() == Some(block))
        {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_cell_rows_become_labelled_lines() {
        let html = "<table><tr><td><b>Name</b></td><td>Kathy &amp; Kline</td></tr>\
                    <tr><th>E-mail:</th><td><a href=\"mailto:k@example.com\">k@example.com</a></td></tr>\
                    <tr><td colspan=2>Sent by the form</td></tr></table>";
        let text = html_to_text(html);
        assert!(text.contains("Name: Kathy & Kline"), "{text}");
        assert!(text.contains("E-mail: k@example.com"), "{text}");
        assert!(text.contains("Sent by the form"), "{text}");
    }

    #[test]
    fn layout_tables_around_a_data_table_are_left_alone() {
        let html = "<table><tr><td><table><tr><td>Phone</td><td>717-555-1212</td></tr></table>\
                    </td><td>side</td></tr></table>";
        assert!(html_to_text(html).contains("Phone: 717-555-1212"));
    }
}
