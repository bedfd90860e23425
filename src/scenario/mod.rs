//! Scripted lessons and session encoding (in progress).
