//! The socket transports: an `AF_UNIX` stream or seqpacket socketpair.

use std::io;
use std::os::fd::AsRawFd;

use nix::sys::socket::{AddressFamily, Shutdown, SockFlag, SockType, shutdown, socketpair};

use super::{Ends, Opened, buffer_size};

/// A socketpair of type `ty`, close-on-exec from birth. One way, the
/// writer's end is shut for reading and the reader's for writing, so data
/// flows only from writer to reader, a gone reader gives the writer
/// `EPIPE` and a gone writer gives the reader end of file. `duplex` keeps
/// both directions open on both ends. With `size`, the sending side(s) get
/// `SO_SNDBUF` and the receiving side(s) `SO_RCVBUF`.
pub fn open(ty: SockType, size: Option<u64>, duplex: bool) -> io::Result<Opened> {
    let (writer, reader) = socketpair(AddressFamily::Unix, ty, None, SockFlag::SOCK_CLOEXEC)?;
    if !duplex {
        shutdown(writer.as_raw_fd(), Shutdown::Read)?;
        shutdown(reader.as_raw_fd(), Shutdown::Write)?;
    }
    let granted = match size {
        Some(asked) if duplex => {
            buffer_size::set_socket(&[&writer, &reader], &[&writer, &reader], asked)?
        }
        Some(asked) => buffer_size::set_socket(&[&writer], &[&reader], asked)?,
        None => None,
    };
    Ok(Opened {
        ends: Ends { reader, writer },
        granted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::io::{Read, Write};

    #[test]
    fn seqpacket_keeps_message_boundaries() {
        let opened = open(SockType::SeqPacket, None, false).unwrap();
        let mut writer = File::from(opened.ends.writer);
        for len in [5, 3000, 1] {
            assert_eq!(writer.write(&vec![b'x'; len]).unwrap(), len);
        }
        drop(writer);
        let mut reader = File::from(opened.ends.reader);
        let mut buf = [0; 8192];
        let lens: Vec<usize> = std::iter::from_fn(|| match reader.read(&mut buf).unwrap() {
            0 => None,
            n => Some(n),
        })
        .collect();
        assert_eq!(lens, [5, 3000, 1]);
    }

    #[test]
    fn one_way_sizes_the_sending_and_receiving_sides_duplex_sizes_both() {
        use nix::sys::socket::{getsockopt, sockopt};
        let asked = 96 * 1024;
        let doubled = 2 * asked as usize;
        let sizes = |fd: &std::os::fd::OwnedFd| {
            let send = getsockopt(fd, sockopt::SndBuf).unwrap();
            let receive = getsockopt(fd, sockopt::RcvBuf).unwrap();
            (send == doubled, receive == doubled)
        };
        let one_way = open(SockType::Stream, Some(asked), false).unwrap();
        assert_eq!(one_way.granted, None);
        assert!(sizes(&one_way.ends.writer).0);
        assert!(sizes(&one_way.ends.reader).1);
        let duplex = open(SockType::SeqPacket, Some(asked), true).unwrap();
        assert_eq!(duplex.granted, None);
        assert_eq!(sizes(&duplex.ends.writer), (true, true));
        assert_eq!(sizes(&duplex.ends.reader), (true, true));
    }
}
