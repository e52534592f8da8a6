//! Independent reference interpreter (work in progress).
