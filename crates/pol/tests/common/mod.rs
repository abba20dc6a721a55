//! Helpers shared by the generated-program tests (`differential.rs`, `soundness.rs`).

#![allow(
    dead_code,
    reason = "each test binary compiles this module and uses a part of it"
)]

pub mod program_gen;

/// xorshift64*: deterministic and good enough to pick grammar productions. Seed it
/// with an odd number (`seed | 1`): zero is a fixed point.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}
