//! Plain text: decoding bytes to UTF-8 and splitting lines.

use super::{ReadError, Text};

/// How far into a file to look for NUL bytes that betray binary data.
const BINARY_SNIFF_BYTES: usize = 8192;

/// Decodes bytes to a string: a byte-order mark wins, then UTF-8, then
/// Windows-1252, the encoding most council documents that are not UTF-8 use.
pub fn decode(bytes: &[u8]) -> Result<String, ReadError> {
    if let Some((encoding, bom_length)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        return Ok(text.into_owned());
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    if let Some(offset) = sniff.iter().position(|&byte| byte == 0) {
        return Err(ReadError::Binary(offset));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) if mostly_utf8(bytes) => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok(text.into_owned())
        }
    }
}

/// True when bytes that are not valid UTF-8 are still mostly UTF-8: more
/// well-formed multi-byte characters than broken sequences. Such a file
/// (UTF-8 with a few damaged bytes) reads with the damage replaced by
/// U+FFFD; anything else that is not UTF-8 is taken as Windows-1252.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    good > bad
}

/// Decodes a web page: a byte-order mark wins, then the charset the page
/// declares in its first kilobytes (`<meta charset>`), then as [`decode`].
/// An ISO-8859-1 label reads as Windows-1252, as browsers (and councils)
/// mean it.
pub fn decode_html(bytes: &[u8]) -> Result<String, ReadError> {
    if encoding_rs::Encoding::for_bom(bytes).is_none() {
        if let Some(encoding) = declared_charset(&bytes[..bytes.len().min(4096)]) {
            if encoding != encoding_rs::UTF_8 {
                let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
                if let Some(offset) = sniff.iter().position(|&byte| byte == 0) {
                    return Err(ReadError::Binary(offset));
                }
                let (text, _) = encoding.decode_without_bom_handling(bytes);
                return Ok(text.into_owned());
            }
        }
    }
    decode(bytes)
}

/// The encoding named by `charset=` in the head of a page, if any.
fn declared_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lowered = head.to_ascii_lowercase();
    let position = lowered
        .windows(8)
        .position(|window| window == b"charset=")?;
    let rest = &lowered[position + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|&byte| !(byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
}

/// Splits decoded text into numbered lines.
pub fn read(source: &str) -> Text {
    let mut text = Text::default();
    for (index, line) in source.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        text.push(line, number, false);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_smart_quotes_and_pound_decode() {
        let decoded = decode(b"\x93Fees\x94 of \xa35 \x96 agreed").unwrap();
        assert_eq!(decoded, "\u{201c}Fees\u{201d} of \u{a3}5 \u{2013} agreed");
    }

    #[test]
    fn utf8_bom_is_dropped() {
        assert_eq!(decode(b"\xef\xbb\xbfHello").unwrap(), "Hello");
    }

    #[test]
    fn utf16_with_bom_decodes() {
        assert_eq!(decode(b"\xff\xfeH\0i\0").unwrap(), "Hi");
    }

    #[test]
    fn damaged_utf8_keeps_its_good_characters_and_1252_reads_as_1252() {
        let damaged = b"caf\xc3\xa9 \xe2\x80\x9ctaxi\xe2\x80\x9d \xff fees \xc2\xa3150";
        assert_eq!(decode(damaged).unwrap(), "café “taxi” \u{fffd} fees £150");
        let windows_1252 = b"\x93taxi\x94 fees \xa3150";
        assert_eq!(decode(windows_1252).unwrap(), "“taxi” fees £150");
    }

    #[test]
    fn a_page_s_declared_charset_wins() {
        let page =
            b"<html><head><meta charset=\"windows-1252\"></head><body>\x93x\x94</body></html>";
        assert!(decode_html(page).unwrap().contains("“x”"));
        let latin1 = b"<meta http-equiv=Content-Type content='text/html; charset=iso-8859-1'>\x80";
        assert!(decode_html(latin1).unwrap().ends_with('€'));
    }
}
