//! Forwarded lead emails: MIME in, a scored lead candidate out.
