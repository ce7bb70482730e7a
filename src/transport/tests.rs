//! Every transport, with and without `size`, moves data intact and tells
//! each end when the other has gone.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::thread;

use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
use nix::sys::socket::{Shutdown, shutdown};

use super::{Kind, PrivateDir, Transport};

const TOTAL: usize = 4 << 20;

/// Deterministic bytes, `len` of them from `seed`.
fn data(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// FNV-1a over `bytes`, continuing from `hash`.
fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Write `bytes` to `fd` in chunks of varying size no larger than `most`,
/// each chunk one `write`.
fn send(fd: OwnedFd, bytes: &[u8], most: usize) -> io::Result<()> {
    let mut out = File::from(fd);
    let mut at = 0;
    let mut step = 1;
    while at < bytes.len() {
        step = (step * 7 + 3) % most + 1;
        let end = (at + step).min(bytes.len());
        let n = out.write(&bytes[at..end])?;
        assert!(n > 0);
        at += n;
    }
    Ok(())
}

/// Read `fd` to end of file; the checksum and byte count.
fn receive(fd: OwnedFd) -> (u64, usize) {
    let mut input = File::from(fd);
    let mut buf = vec![0; 256 * 1024];
    let (mut hash, mut total) = (FNV_START, 0);
    loop {
        match input.read(&mut buf).unwrap() {
            0 => return (hash, total),
            n => {
                hash = fnv(hash, &buf[..n]);
                total += n;
            }
        }
    }
}

/// Move a few MB one way over `transport` and check they arrive intact.
fn carries(transport: Transport, most: usize) {
    let dir = PrivateDir::create().unwrap();
    let opened = transport.open(Some(&dir)).unwrap();
    let bytes = data(transport.size.unwrap_or(7), TOTAL);
    let expected = (fnv(FNV_START, &bytes), bytes.len());
    let writer = opened.ends.writer;
    let sender = thread::spawn(move || send(writer, &bytes, most).unwrap());
    let got = receive(opened.ends.reader);
    sender.join().unwrap();
    assert_eq!(got, expected, "{transport:?}");
}

fn transport(kind: Kind, size: Option<u64>) -> Transport {
    Transport {
        kind,
        size,
        duplex: false,
    }
}

#[test]
fn a_pipe_carries_data() {
    carries(transport(Kind::Pipe, None), 100_000);
    carries(transport(Kind::Pipe, Some(1 << 20)), 100_000);
    carries(transport(Kind::Pipe, Some(4096)), 100_000);
}

/// Block SIGPIPE in this thread only, so a write to a gone reader fails
/// with EPIPE; the pending signal goes with the thread.
fn block_sigpipe() {
    let mut set = SigSet::empty();
    set.add(Signal::SIGPIPE);
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None).unwrap();
}

/// A reader that closes early leaves the writer with EPIPE.
fn writer_sees_a_gone_reader(transport: Transport) {
    let dir = PrivateDir::create().unwrap();
    let opened = transport.open(Some(&dir)).unwrap();
    drop(opened.ends.reader);
    let writer = opened.ends.writer;
    let error = thread::spawn(move || {
        block_sigpipe();
        File::from(writer).write(b"lost").unwrap_err()
    })
    .join()
    .unwrap();
    assert_eq!(error.raw_os_error(), Some(libc::EPIPE), "{transport:?}");
}

/// A writer that closes leaves the reader with end of file.
fn reader_sees_a_gone_writer(transport: Transport) {
    let dir = PrivateDir::create().unwrap();
    let opened = transport.open(Some(&dir)).unwrap();
    File::from(opened.ends.writer).write_all(b"last").unwrap();
    let mut rest = Vec::new();
    File::from(opened.ends.reader)
        .read_to_end(&mut rest)
        .unwrap();
    assert_eq!(rest, b"last", "{transport:?}");
}

#[test]
fn a_pipe_tells_each_end_when_the_other_goes() {
    writer_sees_a_gone_reader(transport(Kind::Pipe, None));
    reader_sees_a_gone_writer(transport(Kind::Pipe, None));
}

#[test]
fn a_fifo_carries_data() {
    carries(transport(Kind::Fifo, None), 100_000);
    carries(transport(Kind::Fifo, Some(1 << 20)), 100_000);
}

#[test]
fn a_fifo_tells_each_end_when_the_other_goes() {
    writer_sees_a_gone_reader(transport(Kind::Fifo, None));
    reader_sees_a_gone_writer(transport(Kind::Fifo, None));
}

#[test]
fn a_stream_socket_carries_data() {
    carries(transport(Kind::Sock, None), 100_000);
    carries(transport(Kind::Sock, Some(256 * 1024)), 100_000);
    carries(transport(Kind::Sock, Some(4096)), 100_000);
}

#[test]
fn a_seqpacket_socket_carries_data() {
    // Each write is one message, which must fit the sending buffer.
    carries(transport(Kind::Seqpacket, None), 32 * 1024);
    carries(transport(Kind::Seqpacket, Some(256 * 1024)), 32 * 1024);
}

#[test]
fn a_socket_tells_each_end_when_the_other_goes() {
    for kind in [Kind::Sock, Kind::Seqpacket] {
        writer_sees_a_gone_reader(transport(kind, None));
        reader_sees_a_gone_writer(transport(kind, None));
    }
}

#[test]
fn a_one_way_socket_carries_nothing_back() {
    for kind in [Kind::Sock, Kind::Seqpacket] {
        let opened = transport(kind, None).open(None).unwrap();
        let (reader, writer) = (opened.ends.reader, opened.ends.writer);
        let error = thread::spawn(move || {
            block_sigpipe();
            File::from(reader).write(b"back").unwrap_err()
        })
        .join()
        .unwrap();
        assert_eq!(error.raw_os_error(), Some(libc::EPIPE), "{kind:?}");
        let mut back = Vec::new();
        File::from(writer).read_to_end(&mut back).unwrap();
        assert!(back.is_empty(), "{kind:?}");
    }
}

#[test]
fn a_duplex_socket_carries_data_both_ways() {
    for (kind, most) in [(Kind::Sock, 100_000), (Kind::Seqpacket, 32 * 1024)] {
        for size in [None, Some(128 * 1024)] {
            let duplex = Transport {
                kind,
                size,
                duplex: true,
            };
            let opened = duplex.open(None).unwrap();
            let (left, right) = (opened.ends.writer, opened.ends.reader);
            let rightward = data(1, TOTAL);
            let leftward = data(2, TOTAL);
            let expected = [
                (fnv(FNV_START, &rightward), TOTAL),
                (fnv(FNV_START, &leftward), TOTAL),
            ];
            // Each end writes and reads at once, in two threads, and says it
            // is done writing with shutdown(SHUT_WR) while still reading.
            let talk = |end: OwnedFd, bytes: Vec<u8>| {
                let reading = end.try_clone().unwrap();
                let writing = thread::spawn(move || {
                    let done = end.try_clone().unwrap();
                    send(end, &bytes, most).unwrap();
                    shutdown(done.as_raw_fd(), Shutdown::Write).unwrap();
                });
                let heard = thread::spawn(move || receive(reading));
                (writing, heard)
            };
            let (left_writing, left_heard) = talk(left, rightward);
            let (right_writing, right_heard) = talk(right, leftward);
            left_writing.join().unwrap();
            right_writing.join().unwrap();
            let got = [right_heard.join().unwrap(), left_heard.join().unwrap()];
            assert_eq!(got, expected, "{duplex:?}");
        }
    }
}
