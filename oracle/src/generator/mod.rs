//! Program generator (work in progress).
