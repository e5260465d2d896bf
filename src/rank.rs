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
/// The share of the shorter passage's shingles the other must contain:
/// three in five.
const SAME_PASSAGE: (usize, usize) = (3, 5);

/// How many of `smaller` shingles must be shared for the same passage.
fn needed(smaller: usize) -> usize {
    (smaller * SAME_PASSAGE.0).div_ceil(SAME_PASSAGE.1)
}

/// The shingles of a text: hashes of each run of `SHINGLE_WORDS` words,
/// lower-cased, punctuation dropped; sorted, each once, so that sets
/// intersect and merge in one pass. Each word is hashed once and a run's
/// hash is made from its words' hashes, with no string built on the way:
/// a search makes shingles for fifty candidate passages.
pub fn shingles(text: &str) -> Vec<u64> {
    let words: Vec<u64> = text
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(word_hash)
        .collect();
    let mut hashes: Vec<u64> = if words.len() < SHINGLE_WORDS {
        vec![run_hash(&words)]
    } else {
        words.windows(SHINGLE_WORDS).map(run_hash).collect()
    };
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// The hash of a word in lower case.
fn word_hash(word: &str) -> u64 {
    let mut buffer = [0u8; 64];
    if word.is_ascii() && word.len() <= buffer.len() {
        let lowered = &mut buffer[..word.len()];
        lowered.copy_from_slice(word.as_bytes());
        lowered.make_ascii_lowercase();
        xxhash_rust::xxh3::xxh3_64(lowered)
    } else {
        xxhash_rust::xxh3::xxh3_64(word.to_lowercase().as_bytes())
    }
}

/// The hash of a run of words, from their hashes in order.
fn run_hash(words: &[u64]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for word in words {
        hasher.update(&word.to_le_bytes());
    }
    hasher.digest()
}

/// How many values two sorted sets share: each value of the smaller looked
/// up in the larger, from where the last one was found (a group of
/// duplicates gathers many more shingles than one passage has).
fn shared(a: &[u64], b: &[u64]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut rest = large;
    let mut count = 0;
    for value in small {
        let at = rest.partition_point(|other| other < value);
        if rest.get(at) == Some(value) {
            count += 1;
            rest = &rest[at + 1..];
        } else {
            rest = &rest[at..];
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
    shared(a, b) >= needed(smaller)
}

/// Groups items (in rank order) into distinct passages: each kept item with
/// the items that duplicate it, in rank order.
pub fn collapse<T>(items: Vec<T>, text_of: impl Fn(&T) -> &str) -> Vec<(T, Vec<T>)> {
    let mut kept: Vec<(T, Vec<T>, Group)> = Vec::new();
    for item in items {
        let item_shingles = shingles(text_of(&item));
        match kept
            .iter_mut()
            .find(|(_, _, group)| group.holds(&item_shingles))
        {
            Some((_, duplicates, group)) => {
                // The group grows by the duplicate's words, so the other half
                // of a paragraph split in one publication joins it too.
                group.shingles.extend(item_shingles);
                duplicates.push(item);
            }
            None => {
                let group = Group {
                    shingles: item_shingles.into_iter().collect(),
                };
                kept.push((item, Vec::new(), group));
            }
        }
    }
    kept.into_iter()
        .map(|(item, duplicates, _)| (item, duplicates))
        .collect()
}

/// The shingles of a kept passage and its duplicates, as a set: duplicates
/// of boilerplate gather many, and each later candidate asks about its own.
struct Group {
    shingles: rustc_hash::FxHashSet<u64>,
}

impl Group {
    /// [`same_passage`] for a group and a candidate's shingles, giving up
    /// as soon as too few could still be shared.
    fn holds(&self, shingles: &[u64]) -> bool {
        let smaller = self.shingles.len().min(shingles.len());
        if smaller == 0 {
            return false;
        }
        let needed = needed(smaller);
        let (mut found, mut left) = (0, shingles.len());
        for shingle in shingles {
            if found + left < needed {
                return false;
            }
            left -= 1;
            if self.shingles.contains(shingle) {
                found += 1;
                if found >= needed {
                    return true;
                }
            }
        }
        found >= needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The grouping as first written: sorted shingle vectors, merged on
    /// every duplicate, compared with [`same_passage`].
    fn collapse_by_vectors(texts: &[String]) -> Vec<(usize, Vec<usize>)> {
        let mut kept: Vec<(usize, Vec<usize>, Vec<u64>)> = Vec::new();
        for (index, text) in texts.iter().enumerate() {
            let item = shingles(text);
            match kept
                .iter_mut()
                .find(|(_, _, group)| same_passage(group, &item))
            {
                Some((_, duplicates, group)) => {
                    group.extend(item);
                    group.sort_unstable();
                    group.dedup();
                    duplicates.push(index);
                }
                None => kept.push((index, Vec::new(), item)),
            }
        }
        kept.into_iter()
            .map(|(index, duplicates, _)| (index, duplicates))
            .collect()
    }

    #[test]
    fn grouping_by_sets_matches_grouping_by_vectors() {
        let sentences = [
            "Members noted the report on taxi licensing",
            "the panel asked for an update on sexting in schools",
            "the Chairman thanked officers for the briefing",
            "RESOLVED that the report be noted",
            "caseloads would be reported to the next meeting",
            "drivers would receive safeguarding training",
        ];
        let mut random = fastrand::Rng::with_seed(7);
        for _ in 0..50 {
            let texts: Vec<String> = (0..40)
                .map(|_| {
                    (0..random.usize(1..4))
                        .map(|_| sentences[random.usize(..sentences.len())])
                        .collect::<Vec<_>>()
                        .join(". ")
                })
                .collect();
            let by_sets: Vec<(usize, Vec<usize>)> =
                collapse(texts.iter().enumerate().collect(), |(_, text)| {
                    text.as_str()
                })
                .into_iter()
                .map(|((index, _), duplicates)| {
                    (
                        index,
                        duplicates.into_iter().map(|(index, _)| index).collect(),
                    )
                })
                .collect();
            assert_eq!(by_sets, collapse_by_vectors(&texts));
        }
    }

    #[test]
    fn sorted_sets_count_what_they_share() {
        let a = [1, 3, 5, 7, 9, 11];
        let b = [3, 4, 9, 12];
        assert_eq!(shared(&a, &b), 2);
        assert_eq!(shared(&b, &a), 2);
        assert_eq!(shared(&a, &[]), 0);
    }

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
