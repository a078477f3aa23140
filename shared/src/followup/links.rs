//! Links a lead typed, kept out of what is sent to a stranger's address.

/// `text` without any word a mail client would turn into a link (`https://…`,
/// `www.…`, `name.tld`, an address): what a lead typed never reaches a stranger's inbox
/// as a link from the business.
pub fn without_links(text: &str) -> String {
    text.split_whitespace()
        .filter(|word| !looks_like_link(word))
        .collect::<Vec<_>>()
        .join(" ")
}

fn looks_like_link(word: &str) -> bool {
    let lower = word.to_lowercase();
    if lower.contains("://") || lower.contains("www") || lower.contains('@') {
        return true;
    }
    // `host.tld`: a dot between word characters, two letters or more after the last.
    let word = lower.trim_matches(|c: char| !c.is_alphanumeric());
    match word.rsplit_once('.') {
        Some((host, tld)) => {
            host.ends_with(char::is_alphanumeric)
                && tld.chars().count() >= 2
                && tld.chars().next().is_some_and(char::is_alphabetic)
        }
        None => false,
    }
}
