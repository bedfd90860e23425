//! The session decoders under random and mutated input: 100,000 links and
//! files, built from real sessions by flipping, cutting, inserting and
//! swapping bytes, plus pure noise. Every one must come back as a typed
//! error or as a session that is valid and survives its own round trip;
//! a panic fails the test.

use super::link::{from_fragment, to_fragment};
use crate::rng::Rng;
use crate::sim::{reference, BranchRecord, LessonRef, Session, WorldConfig};

/// Cases per decoder.
const CASES: usize = 50_000;

/// Real sessions to start the mutations from.
fn seeds() -> Vec<Session> {
    let plain = Session::new(WorldConfig::default(), 7);
    let busy = Session {
        actions: reference::actions(),
        cursor: Some(4_321),
        ..Session::new(reference::config(), 3)
    };
    let rich = Session {
        lesson: Some(LessonRef {
            slug: "first-election".into(),
            caption: 2,
        }),
        branches: vec![BranchRecord {
            label: "Branch 2: crash N3 at step 12".into(),
            diverged_at: Some(12),
            actions: reference::actions().into_iter().take(3).collect(),
            cursor: Some(20),
        }],
        ..busy.clone()
    };
    vec![plain, busy, rich]
}

/// `text` changed at random in one to four places.
fn mutate(rng: &mut Rng, text: &str, alphabet: &[u8]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..rng.range_inclusive(1, 4) {
        let len = bytes.len();
        let at = rng.index(len.max(1)).min(len.saturating_sub(1));
        let any = alphabet[rng.index(alphabet.len())];
        match rng.index(5) {
            0 if len > 0 => bytes[at] = any,
            1 => bytes.truncate(at),
            2 => bytes.insert(at, any),
            3 if len > 1 => {
                let other = rng.index(len);
                bytes.swap(at, other);
            }
            _ => bytes.extend(std::iter::repeat_n(any, rng.index(64))),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// What a decoder returned must be an error or a session that holds up.
fn holds_up(decoded: Result<Session, String>) -> bool {
    match decoded {
        Err(message) => !message.is_empty(),
        Ok(s) => {
            s.validate().is_ok()
                && Session::from_json(&s.to_json()).as_ref() == Ok(&s)
                && from_fragment(&to_fragment(&s)).as_ref() == Ok(&s)
        }
    }
}

#[test]
fn a_hundred_thousand_mutated_links_and_files_give_typed_errors_or_sound_sessions() {
    let mut rng = Rng::new(2026);
    let sessions = seeds();
    let json_alphabet = b"{}[]\":,0123456789-+.eEtrufalsn \\\xc3\xa9abcxyz_";
    let link_alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=#%<>";
    let (mut opened, mut refused) = (0, 0);
    for i in 0..CASES {
        let s = &sessions[i % sessions.len()];
        let file = if i % 10 == 0 {
            // Pure noise now and then.
            let len = rng.index(300);
            (0..len)
                .map(|_| json_alphabet[rng.index(json_alphabet.len())] as char)
                .collect()
        } else {
            mutate(&mut rng, &s.to_json(), json_alphabet)
        };
        let from_file = Session::from_json(&file).map_err(|e| e.to_string());
        let link = mutate(&mut rng, &to_fragment(s), link_alphabet);
        let from_link = from_fragment(&link).map_err(|e| e.to_string());
        for decoded in [from_file, from_link] {
            if decoded.is_ok() {
                opened += 1;
            } else {
                refused += 1;
            }
            assert!(holds_up(decoded), "case {i}: {file:?} / {link:?}");
        }
    }
    assert_eq!(opened + refused, 2 * CASES);
    // The mutations are small enough that some still decode, and broken
    // enough that most do not: both paths are exercised.
    assert!(
        opened > 100 && refused > CASES,
        "opened {opened}, refused {refused}"
    );
}
