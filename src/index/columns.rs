//! Reading fast-field columns for a set of documents: the manifest check and
//! the comparison counts read values this way rather than from stored
//! documents, which would need decompressing.

use std::collections::BTreeMap;

use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, SegmentOrdinal};

/// Documents grouped by segment, each group sorted, so that columns are
/// opened once per segment and read in order.
pub fn by_segment(
    addresses: impl IntoIterator<Item = DocAddress>,
) -> BTreeMap<SegmentOrdinal, Vec<DocId>> {
    let mut grouped: BTreeMap<SegmentOrdinal, Vec<DocId>> = BTreeMap::new();
    for address in addresses {
        grouped
            .entry(address.segment_ord)
            .or_default()
            .push(address.doc_id);
    }
    for doc_ids in grouped.values_mut() {
        doc_ids.sort_unstable();
    }
    grouped
}

/// The first string a document holds in a string column, if any.
pub fn first_str(column: Option<&StrColumn>, doc_id: DocId, buffer: &mut String) -> Option<String> {
    let column = column?;
    let ord = column.term_ords(doc_id).next()?;
    buffer.clear();
    match column.ord_to_str(ord, buffer) {
        Ok(true) => Some(buffer.clone()),
        _ => None,
    }
}
