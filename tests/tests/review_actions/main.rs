//! The review queue against moto: doubtful email parses wait for a person, and a
//! decision is single-use, however concurrent.

mod decisions;
mod queue;
