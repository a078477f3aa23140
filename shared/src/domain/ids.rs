/// A new time-ordered id (ULID): sorts by creation time, so lists read newest first
/// with a reverse `Query`.
pub fn new_id() -> String {
    ulid::Ulid::new().to_string()
}
