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
/// hash is mixed from its words' hashes, with no string built on the way:
/// a search makes shingles for fifty candidate passages.
pub fn shingles(text: &str) -> Vec<u64> {
    let mut words: Vec<u64> = Vec::with_capacity(text.len() / 5 + 1);
    if text.is_ascii() {
        words.extend(
            text.as_bytes()
                .split(|byte| !byte.is_ascii_alphanumeric())
                .filter(|word| !word.is_empty())
                .map(ascii_word_hash),
        );
    } else {
        words.extend(
            text.split(|character: char| !character.is_alphanumeric())
                .filter(|word| !word.is_empty())
                .map(word_hash),
        );
    }
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
    if word.is_ascii() {
        return ascii_word_hash(word.as_bytes());
    }
    let lowered = word.to_lowercase();
    if lowered.is_ascii() {
        // "\u{212A}" (the Kelvin sign) lower-cases to a plain "k".
        ascii_word_hash(lowered.as_bytes())
    } else {
        bytes_hash(lowered.as_bytes(), 0)
    }
}

/// The hash of an ASCII word in lower case: the same as [`word_hash`].
/// Words here are letters and digits only, and setting bit 5 of an ASCII
/// letter or digit lower-cases it (digits have it set already), so the
/// bytes are folded and hashed in one pass, eight at a time.
fn ascii_word_hash(word: &[u8]) -> u64 {
    bytes_hash(word, 0x2020_2020_2020_2020)
}

/// A hash of `bytes`, eight a step, each step's bytes or-ed with `fold`.
fn bytes_hash(bytes: &[u8], fold: u64) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) | fold;
        hash = (hash.rotate_left(23) ^ word).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        let word = u64::from_le_bytes(last) | (fold >> (8 * (8 - rest.len())));
        hash = (hash.rotate_left(23) ^ word).wrapping_mul(K);
    }
    // A finishing mix (murmur3's), so that every bit of the result depends
    // on every byte.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The hash of a run of words, mixed from their hashes in order (they are
/// already well spread, so a multiply and a rotation per word will do).
fn run_hash(words: &[u64]) -> u64 {
    words.iter().fold(0x2545_f491_4f6c_dd1d, |hash: u64, word| {
        (hash.rotate_left(27) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    })
}

/// Groups items (in rank order) into distinct passages: each kept item with
/// the items that duplicate it, in rank order. An item joins the first
/// group, in rank order, holding enough of its shingles.
pub fn collapse<T>(items: Vec<T>, text_of: impl Fn(&T) -> &str) -> Vec<(T, Vec<T>)> {
    let mut kept: Vec<(T, Vec<T>)> = Vec::new();
    let mut groups = Groups::default();
    for item in items {
        let item_shingles = shingles(text_of(&item));
        match groups.holding(&item_shingles) {
            Some(group) => {
                // The group grows by the duplicate's words, so the other half
                // of a paragraph split in one publication joins it too.
                groups.add(group, &item_shingles);
                kept[group].1.push(item);
            }
            None => {
                groups.add(kept.len(), &item_shingles);
                kept.push((item, Vec::new()));
            }
        }
    }
    kept
}

/// The shingles of every group of duplicates, as one map from a shingle to
/// the groups holding it, so that a candidate costs one lookup per shingle
/// however many groups there are (a search groups fifty candidates, and
/// comparing each with every group was a fifth of its time). Nearly every
/// shingle has one group: the map holds that group, and a mark sends the
/// rare shingle of several groups to a second map.
#[derive(Default)]
struct Groups {
    /// Shingle → its first group, with [`MORE`] set when others hold it too.
    owners: rustc_hash::FxHashMap<u64, u32>,
    /// Shingle → the groups after the first that hold it.
    more: rustc_hash::FxHashMap<u64, Vec<u32>>,
    /// Distinct shingles per group.
    sizes: Vec<usize>,
    /// Scratch: shingles a candidate shares with each group.
    shared: Vec<usize>,
}

/// The mark, in an owner, of a shingle that more groups hold.
const MORE: u32 = 1 << 31;

impl Groups {
    /// The first group that is the same passage as `shingles`: sharing
    /// [`needed`] of the shingles of whichever of the two has fewer.
    fn holding(&mut self, shingles: &[u64]) -> Option<usize> {
        if self.owners.is_empty() {
            return None;
        }
        self.shared.clear();
        self.shared.resize(self.sizes.len(), 0);
        for shingle in shingles {
            if let Some(&owner) = self.owners.get(shingle) {
                self.shared[(owner & !MORE) as usize] += 1;
                if owner & MORE != 0 {
                    for &group in &self.more[shingle] {
                        self.shared[group as usize] += 1;
                    }
                }
            }
        }
        (0..self.sizes.len()).find(|&group| {
            let smaller = self.sizes[group].min(shingles.len());
            smaller > 0 && self.shared[group] >= needed(smaller)
        })
    }

    /// Adds shingles to a group, new or existing.
    fn add(&mut self, group: usize, shingles: &[u64]) {
        if group == self.sizes.len() {
            self.sizes.push(0);
            self.owners.reserve(shingles.len());
        }
        let group = u32::try_from(group).expect("fewer groups than candidates");
        for &shingle in shingles {
            match self.owners.entry(shingle) {
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(group);
                }
                std::collections::hash_map::Entry::Occupied(mut entry) => {
                    let owner = entry.get_mut();
                    if *owner & !MORE == group {
                        continue;
                    }
                    let others = self.more.entry(shingle).or_default();
                    if others.contains(&group) {
                        continue;
                    }
                    others.push(group);
                    *owner |= MORE;
                }
            }
            self.sizes[group as usize] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// True when two shingle sets are the same passage: the rule, pair by
    /// pair, that the grouping applies to whole groups.
    fn same_passage(a: &[u64], b: &[u64]) -> bool {
        let smaller = a.len().min(b.len());
        if smaller == 0 {
            return false;
        }
        shared(a, b) >= needed(smaller)
    }

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
    fn plain_ascii_text_and_text_with_other_characters_hash_words_alike() {
        let ascii = shingles("Members noted the Report on CSE, and 2019 figures");
        let curly =
            shingles("Members noted the \u{2018}Report\u{2019} on CSE \u{2013} and 2019 figures");
        assert_eq!(ascii, curly);
        assert_eq!(word_hash("Caf\u{e9}"), word_hash("CAF\u{c9}"));
        assert_eq!(word_hash("Committee"), ascii_word_hash(b"COMMITTEE"));
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
