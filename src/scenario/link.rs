//! Sessions in a URL fragment: `#s=<base64url of the session's JSON>`.
//!
//! A link is hostile input like a file: decoding checks the prefix, the
//! alphabet and the size before the JSON is read, and every failure is a
//! [`LinkError`] that leaves the current session untouched.

use crate::sim::session::{Session, SessionError, MAX_SESSION_BYTES};
use std::fmt;

/// The fragment prefix that marks a session.
pub const PREFIX: &str = "s=";

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The fragment does not start with `s=`.
    NotASessionLink,
    /// A character outside the URL-safe base64 alphabet, at this position.
    BadCharacter { position: usize },
    /// The encoded text has an impossible length (cut off while copying?).
    Truncated,
    /// The decoded session would be larger than sessions may be.
    TooLarge { bytes: usize },
    /// The decoded bytes are not text.
    NotText,
    /// The text is not a valid session.
    Session(SessionError),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NotASessionLink => write!(f, "the link does not contain a Raftlab session (it should end in #s=...)"),
            LinkError::BadCharacter { position } => write!(f, "the link has an invalid character at position {position}; it may have been changed when copied"),
            LinkError::Truncated => write!(f, "the link is incomplete; it may have been cut off when copied"),
            LinkError::TooLarge { bytes } => write!(f, "the session in the link is {bytes} bytes; the limit is {MAX_SESSION_BYTES}"),
            LinkError::NotText => write!(f, "the link's session is not readable text"),
            LinkError::Session(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// The fragment (without `#`) that carries `session`.
pub fn to_fragment(session: &Session) -> String {
    json_fragment(&session.to_json())
}

/// The fragment of a session already serialized ([`Session::to_json`]).
pub fn json_fragment(json: &str) -> String {
    format!("{PREFIX}{}", encode(json.as_bytes()))
}

/// The session in a fragment (with or without the leading `#`).
pub fn from_fragment(fragment: &str) -> Result<Session, LinkError> {
    let body = fragment
        .strip_prefix('#')
        .unwrap_or(fragment)
        .strip_prefix(PREFIX)
        .ok_or(LinkError::NotASessionLink)?;
    let decoded_len = body.len() / 4 * 3 + (body.len() % 4).saturating_sub(1);
    if decoded_len > MAX_SESSION_BYTES {
        return Err(LinkError::TooLarge { bytes: decoded_len });
    }
    let bytes = decode(body)?;
    let text = String::from_utf8(bytes).map_err(|_| LinkError::NotText)?;
    Session::from_json(&text).map_err(LinkError::Session)
}

/// URL-safe base64 without padding (RFC 4648 §5).
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Decodes URL-safe base64 without padding.
pub fn decode(text: &str) -> Result<Vec<u8>, LinkError> {
    // A character that cannot be in a link says more than a length that
    // cannot be right, so it is looked for first.
    if let Some(position) = text.bytes().position(|c| !ALPHABET.contains(&c)) {
        return Err(LinkError::BadCharacter { position });
    }
    if text.len() % 4 == 1 {
        return Err(LinkError::Truncated);
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let values: Vec<u32> = text
        .bytes()
        .enumerate()
        .map(|(position, c)| {
            ALPHABET
                .iter()
                .position(|a| *a == c)
                .map(|v| v as u32)
                .ok_or(LinkError::BadCharacter { position })
        })
        .collect::<Result<_, _>>()?;
    for chunk in values.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, v)| n | v << (18 - 6 * i));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{reference, WorldConfig};

    #[test]
    fn base64url_matches_the_rfc_4648_test_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(encode(&[0xfb, 0xff]), "-_8", "URL-safe alphabet");
    }

    #[test]
    fn a_session_survives_a_round_trip_through_a_link() {
        let session = Session {
            actions: reference::actions(),
            cursor: Some(1234),
            ..Session::new(WorldConfig::default(), 99)
        };
        let fragment = to_fragment(&session);
        assert!(
            fragment.starts_with("s=")
                && fragment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_=".contains(&b))
        );
        assert_eq!(from_fragment(&fragment).unwrap(), session);
        assert_eq!(from_fragment(&format!("#{fragment}")).unwrap(), session);
        // The decoded session replays to the same run: the same trace hash.
        let replay = |s: &Session| {
            let mut t = crate::sim::Timeline::new(s.clone(), ()).unwrap();
            t.seek(s.cursor.unwrap_or(0));
            (t.cursor(), t.world().trace_hash())
        };
        let decoded = from_fragment(&fragment).unwrap();
        assert_eq!(replay(&decoded), replay(&session));
        assert_eq!(replay(&decoded).0, 1234);
    }

    #[test]
    fn malformed_links_give_a_typed_error() {
        let good = to_fragment(&Session::new(WorldConfig::default(), 1));
        assert_eq!(from_fragment("#lesson=3"), Err(LinkError::NotASessionLink));
        assert!(matches!(
            from_fragment(&format!("{good}%")),
            Err(LinkError::BadCharacter { .. }) | Err(LinkError::Truncated)
        ));
        assert!(matches!(
            from_fragment(&good.replacen('A', "*", 1)),
            Err(LinkError::BadCharacter { .. })
        ));
        assert!(matches!(
            from_fragment(&good[..good.len() - 7]),
            Err(LinkError::Truncated) | Err(LinkError::Session(_)) | Err(LinkError::NotText)
        ));
        assert_eq!(from_fragment("s=A"), Err(LinkError::Truncated));
        assert!(matches!(
            from_fragment(&format!("s={}", "A".repeat(MAX_SESSION_BYTES * 2))),
            Err(LinkError::TooLarge { .. })
        ));
        assert_eq!(
            from_fragment(&format!("s={}", encode(&[0xff, 0xfe]))),
            Err(LinkError::NotText)
        );
        let not_session = format!("s={}", encode(b"{\"version\":2}"));
        assert!(matches!(
            from_fragment(&not_session),
            Err(LinkError::Session(SessionError::WrongVersion { .. }))
        ));
        for e in [
            LinkError::NotASessionLink,
            LinkError::Truncated,
            LinkError::NotText,
        ] {
            assert!(!e.to_string().is_empty());
        }
    }
}
