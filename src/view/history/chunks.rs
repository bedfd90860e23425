//! The recorder's per-step lists: [`Chunked`] in chunks of [`CHUNK`].
//!
//! The app's recorder is cloned into every checkpoint of the timeline, so
//! anything it keeps per step must be cheap to clone; a clone shares every
//! full chunk and copies the open one, on average half a chunk.

use crate::chunked::Chunked;

/// Items per full chunk: large enough that a million steps make a few
/// thousand chunks, small enough that the open one is cheap to copy.
pub const CHUNK: usize = 256;

/// An append-only list of the recorder, cheap to clone.
pub type Chunks<T> = Chunked<T, CHUNK>;
