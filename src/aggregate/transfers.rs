//! Downloads of disk images and measured transfer speeds.

/// Responses above this many bytes have their transfer speed measured: smaller ones are
/// dominated by latency, not throughput.
pub const SPEED_MIN_BYTES: u64 = 1_000_000;

/// One visitor's GET responses of one image: full (200) responses and all bytes sent.
/// The file's size is learnt from the largest 200 response of anyone; a 200 of that size
/// is a completed download, and so are responses (200 cut short, 206 ranges) that
/// together sent at least that many bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Download {
    /// Largest 200 response, and how many 200s were that large.
    pub largest: u64,
    pub at_largest: u32,
    /// Bytes of all 200 and 206 responses.
    pub sent: u64,
}

impl Download {
    pub fn add(&mut self, full: bool, bytes: u64) {
        self.sent += bytes;
        if full {
            self.merge(Download {
                largest: bytes,
                at_largest: 1,
                sent: 0,
            });
        }
    }

    pub fn merge(&mut self, o: Download) {
        self.sent += o.sent;
        match o.largest.cmp(&self.largest) {
            std::cmp::Ordering::Greater => {
                (self.largest, self.at_largest) = (o.largest, o.at_largest)
            }
            std::cmp::Ordering::Equal => self.at_largest += o.at_largest,
            std::cmp::Ordering::Less => {}
        }
    }

    /// Completed downloads of a file of `size` bytes (known: > 0).
    pub fn completed(&self, size: u64) -> u64 {
        if self.largest == size {
            u64::from(self.at_largest)
        } else {
            u64::from(self.sent >= size)
        }
    }
}

/// One measured transfer: where it went and how fast (bytes per second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    pub asn: u32,
    pub ip_version: u8,
    pub rate: u64,
}

impl Transfer {
    /// A response of `bytes` served in `micros`, if it is measured: over
    /// [`SPEED_MIN_BYTES`], with a serve time (`%T` rounds fast ones down to 0).
    pub fn measured(bytes: u64, micros: u64, asn: u32, ip_version: u8) -> Option<Transfer> {
        (micros > 0 && bytes > SPEED_MIN_BYTES).then(|| Transfer {
            asn,
            ip_version,
            rate: (u128::from(bytes) * 1_000_000 / u128::from(micros)) as u64,
        })
    }
}
