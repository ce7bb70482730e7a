//! An I/O error in words, for every step of the flow, as `strerror` gives
//! them: `Permission denied`, never `Permission denied (os error 13)`.

use std::io;

/// The words for `e`: the C library's text for an errno, so that messages
/// read as those of other tools.
pub fn describe(e: &io::Error) -> String {
    let text = e.to_string();
    match e.raw_os_error() {
        // std renders an OS error as strerror's text and the number.
        Some(errno) => match text.strip_suffix(&format!(" (os error {errno})")) {
            Some(words) => words.to_string(),
            None => text,
        },
        None => text,
    }
}

/// The words for an errno.
pub fn describe_errno(errno: i32) -> String {
    describe(&io::Error::from_raw_os_error(errno))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_are_plain_words() {
        let e = io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(describe(&e), "Permission denied");
        assert_eq!(describe_errno(libc::EBADF), "Bad file descriptor");
        let e = io::Error::other("a NUL byte in an argument");
        assert_eq!(describe(&e), "a NUL byte in an argument");
    }
}
