//! Escaped lone surrogates: the one thing `JSON.parse` accepts in a webhook body and
//! serde_json refuses, read as U+FFFD before the body is parsed.

use std::borrow::Cow;

/// The body with every escaped lone surrogate (`\ud83d` without its pair: a cut-off emoji,
/// which `JSON.parse` accepts and serde_json refuses) written as `\ufffd`, U+FFFD. Same
/// length, so nothing else moves; a body without one is returned as it is. Only escapes are
/// touched (`\\ud83d` is a backslash and text), and the signature has already been checked
/// on the bytes as received: this is a fixed, deterministic reading of exactly those bytes,
/// so redeliveries keep their event ids.
///
/// Every backslash is read as the start of an escape, from the first one on: inside strings
/// that is what it is, and a backslash outside a string makes the body invalid JSON at that
/// very byte whatever follows it, so the answer (and serde_json's error) is the same as with
/// a full tokenizer, at the cost of a search for backslashes.
pub fn mend_lone_surrogates(body: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while let Some(found) = find_backslash(body, i) {
        i = found;
        if body.get(i + 1) != Some(&b'u') {
            i += 2;
            continue;
        }
        match surrogate(body, i) {
            Some(Surrogate::Paired) => {
                i += 12;
                continue;
            }
            Some(Surrogate::Lone) => {
                let buf = out.get_or_insert_with(|| body.to_vec());
                buf[i + 2..i + 6].copy_from_slice(b"fffd");
            }
            None => {}
        }
        i += 6;
    }
    match out {
        Some(mended) => Cow::Owned(mended),
        None => Cow::Borrowed(body),
    }
}

/// The index of the first backslash in `body[from..]`. Chunks of 32 bytes are tested whole
/// first (a loop the compiler turns into vector compares), since most of a body has none.
fn find_backslash(body: &[u8], from: usize) -> Option<usize> {
    const CHUNK: usize = 32;
    let rest = body.get(from..)?;
    let mut chunks = rest.chunks_exact(CHUNK);
    let mut offset = from;
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |any, &b| any | (b == b'\\')) {
            return chunk.iter().position(|&b| b == b'\\').map(|p| offset + p);
        }
        offset += CHUNK;
    }
    chunks.remainder().iter().position(|&b| b == b'\\').map(|p| offset + p)
}

/// A `\uXXXX` escape that is a UTF-16 surrogate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surrogate {
    /// A high surrogate escape followed by a low one: one character, 12 bytes.
    Paired,
    /// A surrogate escape without its other half.
    Lone,
}

/// What the escape whose backslash is at `body[at]` is, when it is `\u` and a surrogate.
fn surrogate(body: &[u8], at: usize) -> Option<Surrogate> {
    fn unit(b: &[u8], at: usize) -> Option<u16> {
        let hex = b.get(at..at + 4)?;
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    }
    let escape_u = |at: usize| body.get(at) == Some(&b'\\') && body.get(at + 1) == Some(&b'u');
    if !escape_u(at) {
        return None;
    }
    let u = unit(body, at + 2)?;
    let paired = (0xD800..0xDC00).contains(&u)
        && escape_u(at + 6)
        && unit(body, at + 8).is_some_and(|l| (0xDC00..0xE000).contains(&l));
    if paired {
        Some(Surrogate::Paired)
    } else {
        (0xD800..0xE000).contains(&u).then_some(Surrogate::Lone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first reading: a tokenizer that tracks strings, kept as the reference.
    fn mend_with_tokenizer(body: &[u8]) -> Vec<u8> {
        let mut out = body.to_vec();
        let (mut i, mut in_string) = (0, false);
        while i < body.len() {
            match body[i] {
                b'"' => in_string = !in_string,
                b'\\' if in_string => {
                    if body.get(i + 1) == Some(&b'u') {
                        match surrogate(body, i) {
                            Some(Surrogate::Paired) => {
                                i += 12;
                                continue;
                            }
                            Some(Surrogate::Lone) => out[i + 2..i + 6].copy_from_slice(b"fffd"),
                            None => {}
                        }
                        i += 6;
                        continue;
                    }
                    i += 2;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        out
    }

    #[test]
    fn mending_reads_every_body_as_the_tokenizer_did() {
        let read = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).map_err(|e| e.to_string());
        let mut rng = fastrand::Rng::with_seed(0x5eed_d83d);
        let pieces: [&[u8]; 14] = [
            b"\\",
            b"\\\\",
            b"\\u",
            b"\\ud83d",
            b"\\ude00",
            b"\\uD83D",
            b"\\u00e4",
            b"\"",
            b"\\\"",
            b"a",
            b" ",
            b"d8",
            b"\\ud83d\\ude00",
            b"[",
        ];
        for round in 0..20_000 {
            let mut inner = Vec::new();
            for _ in 0..rng.usize(0..12) {
                inner.extend_from_slice(pieces[rng.usize(..pieces.len())]);
            }
            let body = if round % 2 == 0 { [b"[\"".as_slice(), &inner, b"\"]"].concat() } else { inner };
            let (new, old) = (mend_lone_surrogates(&body), mend_with_tokenizer(&body));
            assert_eq!(read(&new), read(&old), "{}", String::from_utf8_lossy(&body));
        }
        // Long runs without a backslash, and one in every position of a chunk.
        for at in 0..70 {
            let mut body = vec![b'"'; 1];
            body.extend(std::iter::repeat_n(b'x', at));
            body.extend_from_slice(b"\\ud83d\"");
            assert_eq!(mend_lone_surrogates(&body).as_ref(), mend_with_tokenizer(&body).as_slice(), "{at}");
        }
    }
}
