//! Ranked passages → one hit per distinct passage.
//!
//! The same minutes are often published twice (a web page and a PDF), and
//! boilerplate repeats across meetings. Passages whose text is the same, or
//! nearly so, after normalising case, punctuation and whitespace collapse
//! into the best-ranked one, which lists where else it appears. "Nearly the
//! same" is measured on overlapping runs of words (shingles): when most of
//! the shorter passage's runs appear in the other, the two are one passage,
//! which also catches a paragraph split in two in one publication only.

/// Words per shingle.
const SHINGLE_WORDS: usize = 4;
/// The share of the shorter passage's shingles the other must contain.
const SAME_PASSAGE: f64 = 0.6;

/// The shingles of a text: hashes of each run of `SHINGLE_WORDS` words,
/// lower-cased, punctuation dropped; sorted, each once, so that sets
/// intersect and merge in one pass.
pub fn shingles(text: &str) -> Vec<u64> {
    let words: Vec<String> = text
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut hashes: Vec<u64> = if words.len() < SHINGLE_WORDS {
        vec![xxhash_rust::xxh3::xxh3_64(words.join(" ").as_bytes())]
    } else {
        words
            .windows(SHINGLE_WORDS)
            .map(|window| xxhash_rust::xxh3::xxh3_64(window.join(" ").as_bytes()))
            .collect()
    };
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// How many values two sorted sets share.
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                count += 1;
                i += 1;
                j += 1;
            }
        }
    }
    count
}

/// True when two shingle sets are the same passage.
pub fn same_passage(a: &[u64], b: &[u64]) -> bool {
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return false;
    }
    shared(a, b) as f64 / smaller as f64 >= SAME_PASSAGE
}

/// Groups items (in rank order) into distinct passages: each kept item with
/// the items that duplicate it, in rank order.
pub fn collapse<T>(items: Vec<T>, text_of: impl Fn(&T) -> &str) -> Vec<(T, Vec<T>)> {
    let mut kept: Vec<(T, Vec<T>, Vec<u64>)> = Vec::new();
    for item in items {
        let item_shingles = shingles(text_of(&item));
        match kept
            .iter_mut()
            .find(|(_, _, kept_shingles)| same_passage(kept_shingles, &item_shingles))
        {
            Some((_, duplicates, kept_shingles)) => {
                // The group grows by the duplicate's words, so the other half
                // of a paragraph split in one publication joins it too.
                kept_shingles.extend(item_shingles);
                kept_shingles.sort_unstable();
                kept_shingles.dedup();
                duplicates.push(item);
            }
            None => kept.push((item, Vec::new(), item_shingles)),
        }
    }
    kept.into_iter()
        .map(|(item, duplicates, _)| (item, duplicates))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_case_and_punctuation_do_not_matter() {
        let a = shingles("Members watched a DVD entitled “For the Whole World to See”.");
        let b = shingles("members  watched a DVD entitled \"For the whole world to see\"");
        assert!(same_passage(&a, &b));
    }

    #[test]
    fn a_paragraph_split_in_two_is_the_same_passage() {
        let whole = "The Select Committee felt this was an excellent tool to use in schools and more broadly within the community to help raise awareness of the consequences of sexting";
        let half = "The Select Committee felt this was an excellent tool to use in schools";
        assert!(same_passage(&shingles(whole), &shingles(half)));
    }

    #[test]
    fn different_passages_stay_apart() {
        let a = shingles("The panel discussed taxi licensing and the training of drivers.");
        let b = shingles("The board discussed school transport and the checks on escorts.");
        assert!(!same_passage(&a, &b));
        let collapsed = collapse(
            vec![
                "one two three four five",
                "six seven eight nine ten",
                "One, two three four five!",
            ],
            |text| text,
        );
        assert_eq!(collapsed.len(), 2);
        assert_eq!(collapsed[0].1, vec!["One, two three four five!"]);
    }
}
