//! Cutting a long `message.text` into parts of at most [`MAX_TEXT_BYTES`] each, for
//! `splitLongText` (docs/API-beyond-dms.md, "Long text, split (opt-in)"). Pure: no request,
//! no clock.
//!
//! The candidate ends of a part are the text's extended grapheme cluster boundaries (UAX #29),
//! so no part ends inside a character, a combining sequence, an emoji ZWJ sequence or a flag.
//! From the current position, the window is the longest run of whole clusters of at most
//! [`MAX_TEXT_BYTES`]; the part ends at the last position in the window that is, in this order
//! of preference:
//! 1. just after a line break (`\n`, `\r\n`, U+2028, U+2029), when the part (without the
//!    whitespace dropped at the cut) keeps at least [`MIN_LINE_PART_BYTES`];
//! 2. a line-break opportunity of UAX #14 that follows whitespace (between two words);
//! 3. any other UAX #14 opportunity (between CJK ideographs, after a hyphen, around emoji);
//! 4. the window's end (a single run longer than the limit, such as a URL).
//!
//! Whitespace (Unicode `White_Space`, whole clusters of it) at a cut is dropped from both
//! sides; nothing else is dropped, changed or reordered. Where the whitespace at a cut begins
//! the text (more than a window of it), the part before the cut would be empty and is not made.

use std::ops::Range;

use unicode_linebreak::linebreaks;
use unicode_segmentation::UnicodeSegmentation;

use super::content::MAX_TEXT_BYTES;
use crate::error::Error;

/// Most parts one text may be cut into.
pub const MAX_TEXT_PARTS: usize = 10;
/// A cut just after a line break is preferred only when the part keeps at least this many bytes.
pub const MIN_LINE_PART_BYTES: usize = 500;

/// The parts of `text`, in order: the text itself when it has at most [`MAX_TEXT_BYTES`], else
/// the cut described in the module docs. `INVALID_ARGUMENT` (field `text`) for more than
/// [`MAX_TEXT_PARTS`] parts, a single grapheme cluster over [`MAX_TEXT_BYTES`], or a long text
/// of only whitespace.
pub fn split_text(text: &str) -> Result<Vec<String>, Error> {
    Ok(split_ranges(text)?.into_iter().map(|r| text[r].to_string()).collect())
}

/// [`split_text`] as byte ranges of `text`.
pub fn split_ranges(text: &str) -> Result<Vec<Range<usize>>, Error> {
    if text.len() <= MAX_TEXT_BYTES {
        return Ok(std::iter::once(0..text.len()).collect());
    }
    // Every byte that is not whitespace is sent: past this many, no cut can do it (and a huge
    // text is refused before it is segmented).
    let kept: usize = text.chars().filter(|c| !c.is_whitespace()).map(char::len_utf8).sum();
    if kept > MAX_TEXT_PARTS * MAX_TEXT_BYTES {
        return Err(too_many_parts(text));
    }
    Text::new(text).split()
}

fn too_many_parts(text: &str) -> Error {
    Error::invalid(
        "text",
        format!(
            "is {} UTF-8 bytes: more than {MAX_TEXT_PARTS} parts of at most {MAX_TEXT_BYTES} bytes would be needed",
            text.len()
        ),
    )
}

/// The text as grapheme clusters, with what the cut rules ask of each boundary.
struct Text<'a> {
    text: &'a str,
    /// Byte offset of each cluster's start, then `text.len()`: boundary `j` is `offsets[j]`.
    offsets: Vec<usize>,
    /// Cluster `j` is whitespace only.
    space: Vec<bool>,
    /// Cluster `j` is a line break.
    newline: Vec<bool>,
    /// Boundary `j` is a UAX #14 line-break opportunity.
    opportunity: Vec<bool>,
}

/// Why a boundary ends a part, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Preference {
    AfterLineBreak,
    BetweenWords,
    Opportunity,
}

impl<'a> Text<'a> {
    fn new(text: &'a str) -> Self {
        let mut offsets = Vec::new();
        let mut space = Vec::new();
        let mut newline = Vec::new();
        for (at, cluster) in text.grapheme_indices(true) {
            offsets.push(at);
            space.push(cluster.chars().all(char::is_whitespace));
            newline.push(matches!(cluster, "\n" | "\r\n" | "\u{2028}" | "\u{2029}"));
        }
        offsets.push(text.len());
        let mut opportunity = vec![false; offsets.len()];
        // Both lists are in increasing order: one merge.
        let mut j = 0;
        for (at, _) in linebreaks(text) {
            while j < offsets.len() && offsets[j] < at {
                j += 1;
            }
            if j < offsets.len() && offsets[j] == at {
                opportunity[j] = true;
            }
        }
        Text { text, offsets, space, newline, opportunity }
    }

    /// The number of clusters.
    fn clusters(&self) -> usize {
        self.space.len()
    }

    fn split(&self) -> Result<Vec<Range<usize>>, Error> {
        let n = self.clusters();
        let mut parts: Vec<Range<usize>> = Vec::new();
        let mut start = 0;
        while start < n {
            let from = self.offsets[start];
            if self.text.len() - from <= MAX_TEXT_BYTES {
                // The rest: no cut, so its trailing whitespace stays.
                parts.push(from..self.text.len());
                break;
            }
            let end = self.window_end(start)?;
            let cut = self.cut(start, end);
            let kept = self.trim_end(start, cut);
            if kept > start {
                parts.push(from..self.offsets[kept]);
                if parts.len() > MAX_TEXT_PARTS {
                    return Err(too_many_parts(self.text));
                }
            }
            start = cut;
            while start < n && self.space[start] {
                start += 1;
            }
        }
        if parts.len() > MAX_TEXT_PARTS {
            return Err(too_many_parts(self.text));
        }
        if parts.is_empty() {
            return Err(Error::invalid("text", "is only whitespace: nothing to send"));
        }
        Ok(parts)
    }

    /// The last boundary after `start` that keeps the part within [`MAX_TEXT_BYTES`].
    fn window_end(&self, start: usize) -> Result<usize, Error> {
        let limit = self.offsets[start] + MAX_TEXT_BYTES;
        // Boundaries after `start` up to `limit`: `offsets` is sorted.
        let end = self.offsets.partition_point(|&at| at <= limit) - 1;
        if end > start {
            Ok(end)
        } else {
            let size = self.offsets[start + 1] - self.offsets[start];
            Err(Error::invalid(
                "text",
                format!(
                    "has a single character (grapheme cluster) of {size} UTF-8 bytes at byte {}: more than {MAX_TEXT_BYTES} cannot be sent",
                    self.offsets[start]
                ),
            ))
        }
    }

    /// Where the part from `start` ends, within `(start, end]`.
    fn cut(&self, start: usize, end: usize) -> usize {
        // A cut must leave something that is not whitespace before it.
        let first_visible = (start..end).find(|&j| !self.space[j]).unwrap_or(end);
        let mut best: Option<(Preference, usize)> = None;
        for j in (first_visible + 1..=end).rev() {
            let Some(preference) = self.preference(start, j) else { continue };
            if best.is_none_or(|(p, _)| preference < p) {
                best = Some((preference, j));
                if preference == Preference::AfterLineBreak {
                    break;
                }
            }
        }
        best.map_or(end, |(_, j)| j)
    }

    /// What boundary `j` is worth as the end of the part from `start`, if anything.
    fn preference(&self, start: usize, j: usize) -> Option<Preference> {
        let after_line_break = self.newline[j - 1];
        if after_line_break && self.offsets[self.trim_end(start, j)] - self.offsets[start] >= MIN_LINE_PART_BYTES {
            return Some(Preference::AfterLineBreak);
        }
        if !self.opportunity[j] {
            return None;
        }
        let after_space = self.text[..self.offsets[j]].chars().next_back().is_some_and(char::is_whitespace);
        Some(if after_space { Preference::BetweenWords } else { Preference::Opportunity })
    }

    /// `end` moved back over the whitespace clusters before it, not before `start`.
    fn trim_end(&self, start: usize, mut end: usize) -> usize {
        while end > start && self.space[end - 1] {
            end -= 1;
        }
        end
    }
}
