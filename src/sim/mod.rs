//! The world: a discrete-event simulation of a cluster (in progress).
