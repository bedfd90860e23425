//! Safety, linearizability and liveness checkers (in progress).
