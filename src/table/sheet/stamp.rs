//! What a table's file was when it was read or saved, so that a change made by someone else
//! is noticed before a save overwrites it. Size and modification time alone miss a change of
//! the same size whose time was put back (`touch -r`, `cp -p`, `rsync -t`) or that a coarse
//! clock (FAT, SMB) does not show: the file's identity (device and inode) and a hash of its
//! bytes catch those. The hash only tells accidental changes apart, so it is a fast one.

use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;
use std::rc::Rc;
use std::time::SystemTime;

/// A file as it was at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time.
    pub modified: SystemTime,
    /// Device and inode (both 0 where the system does not give them).
    pub file: (u64, u64),
    /// [`ContentHash`] of the bytes.
    pub hash: u64,
}

impl Stamp {
    /// The file at `path` as it is now, whose bytes are known to hash to `hash`.
    pub fn of(path: &Path, hash: u64) -> Option<Stamp> {
        let m = fs::metadata(path).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok()?,
            file: identity(&m),
            hash,
        })
    }

    /// The file at `path` as it is now, its bytes read to hash them.
    pub fn read(path: &Path) -> Option<Stamp> {
        let before = Stamp::of(path, 0)?;
        let mut hash = ContentHash::default();
        let mut file = File::open(path).ok()?;
        let mut buf = vec![0; 1 << 20];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hash.update(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        Some(Stamp {
            hash: hash.finish(),
            ..before
        })
    }

    /// Whether the file at `path` is still exactly this: same identity, size, time and
    /// bytes (the bytes are read only when all the rest agrees).
    pub fn still(&self, path: &Path) -> bool {
        Stamp::of(path, self.hash).as_ref() == Some(self)
            && Stamp::read(path).is_some_and(|now| now.hash == self.hash)
    }
}

#[cfg(unix)]
fn identity(m: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn identity(_m: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// A 64-bit hash of bytes fed in pieces of any size, a word at a time (each word mixed in
/// by a multiplication, which no later word can undo, and a rotation that spreads it).
#[derive(Debug, Clone)]
pub struct ContentHash {
    state: u64,
    pending: [u8; 8],
    held: usize,
}

impl Default for ContentHash {
    fn default() -> Self {
        ContentHash {
            state: 0xcbf2_9ce4_8422_2325,
            pending: [0; 8],
            held: 0,
        }
    }
}

impl ContentHash {
    fn mix(&mut self, word: u64) {
        self.state = (self.state ^ word)
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(29);
    }

    /// Feeds `bytes`.
    pub fn update(&mut self, mut bytes: &[u8]) {
        if self.held > 0 {
            let take = (8 - self.held).min(bytes.len());
            self.pending[self.held..self.held + take].copy_from_slice(&bytes[..take]);
            self.held += take;
            bytes = &bytes[take..];
            if self.held < 8 {
                return;
            }
            self.mix(u64::from_le_bytes(self.pending));
            self.held = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.mix(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.held = rest.len();
    }

    /// The hash of everything fed (the length is in it, so trailing zero bytes count).
    pub fn finish(mut self) -> u64 {
        let (held, mut last) = (self.held, [0; 8]);
        last[..held].copy_from_slice(&self.pending[..held]);
        self.mix(u64::from_le_bytes(last));
        self.mix(held as u64);
        self.state
    }
}

/// The hash of `bytes`.
pub fn hash_of(bytes: &[u8]) -> u64 {
    let mut h = ContentHash::default();
    h.update(bytes);
    h.finish()
}

/// A reader that hashes what is read through it.
pub struct Hashing<R> {
    /// The source.
    pub inner: R,
    /// The hash of what was read so far.
    pub hash: Rc<RefCell<ContentHash>>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.borrow_mut().update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_the_same_however_the_bytes_come() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = hash_of(&bytes);
        for piece in [1, 3, 7, 8, 9, 100] {
            let mut h = ContentHash::default();
            for c in bytes.chunks(piece) {
                h.update(c);
            }
            assert_eq!(h.finish(), whole, "pieces of {piece}");
        }
        // One byte changed anywhere, or one zero byte more, changes it.
        for at in [0, 5, 8, 500, 999] {
            let mut other = bytes.clone();
            other[at] ^= 1;
            assert_ne!(hash_of(&other), whole, "byte {at}");
        }
        assert_ne!(hash_of(b"ab"), hash_of(b"ab\0"));
        assert_ne!(hash_of(b"abcdefgh12"), hash_of(b"12abcdefgh"));
    }
}
