//! Locks a login after repeated failed sign-ins, against password guessing.
//!
//! Kept in memory: it protects one process. Behind a load balancer with several instances,
//! each counts separately, which still bounds guessing to instances × limit per window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

pub struct LoginThrottle {
    max_failures: u32,
    lockout: Duration,
    /// Keyed by a hash of the login, so the table holds no e-mail addresses or phone numbers.
    failures: Mutex<HashMap<[u8; 32], (u32, Instant)>>,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, lockout: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            lockout,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn key(login: &str) -> [u8; 32] {
        Sha256::digest(login.as_bytes()).into()
    }

    /// Seconds until the login may try again, if it is locked now.
    pub fn locked_for(&self, login: &str) -> Option<u64> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let (count, since) = map.get(&Self::key(login))?;
        let elapsed = since.elapsed();
        (*count >= self.max_failures && elapsed < self.lockout)
            .then(|| (self.lockout - elapsed).as_secs().max(1))
    }

    pub fn record_failure(&self, login: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        // Forget stale entries now and then so the table cannot grow without bound.
        if map.len() > 100_000 {
            let lockout = self.lockout;
            map.retain(|_, (_, since)| since.elapsed() < lockout);
        }
        let entry = map.entry(Self::key(login)).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.lockout {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
        entry.1 = Instant::now();
    }

    pub fn record_success(&self, login: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&Self::key(login));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_success_clears() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            t.record_failure("a@b.c");
        }
        assert_eq!(t.locked_for("a@b.c"), None);
        t.record_failure("a@b.c");
        assert!(t.locked_for("a@b.c").unwrap() <= 60);
        assert_eq!(t.locked_for("other@b.c"), None);
        t.record_success("a@b.c");
        assert_eq!(t.locked_for("a@b.c"), None);
    }

    #[test]
    fn lock_expires() {
        let t = LoginThrottle::new(1, Duration::from_millis(0));
        t.record_failure("x");
        assert_eq!(t.locked_for("x"), None);
    }
}
