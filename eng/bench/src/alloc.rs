//! A counting global allocator: live and peak bytes allocated by the threads that count,
//! while a measurement is open ([`start`] to [`stop`]).
//!
//! Outside a measurement it only reads a flag nobody writes: counting every allocation of the
//! whole run made every allocation of the client's two threads bump one shared atomic, a cache
//! line bouncing between the cores, which slowed every contender (and most the one that
//! allocates most) in every section, not just the listing.
//!
//! The emulator runs in the same process on a runtime of its own whose threads call
//! [`ignore_this_thread`], so the figures are the client's allocations, not the server's.
//! An allocation made on a counted thread and freed on an ignored one (or the reverse) would
//! skew the figure; the client and the emulator share no heap objects while a measurement runs
//! (they talk over TCP), so in practice this does not happen.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// The system allocator, counting the bytes of counted threads.
#[derive(Debug)]
pub struct CountingAllocator;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static MEASURING: AtomicBool = AtomicBool::new(false);

thread_local! {
    // `const` and `Cell<bool>`: no lazy initialisation and no destructor, so it is safe to read
    // from inside the allocator.
    static IGNORED: Cell<bool> = const { Cell::new(false) };
}

/// Stops counting the allocations of the calling thread (the emulator's runtime threads).
pub fn ignore_this_thread() {
    IGNORED.with(|ignored| ignored.set(true));
}

fn counted() -> bool {
    MEASURING.load(Ordering::Relaxed) && IGNORED.try_with(|ignored| !ignored.get()).unwrap_or(false)
}

fn add(bytes: isize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

/// Opens a measurement: live and peak bytes count from zero.
pub fn start() {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    MEASURING.store(true, Ordering::SeqCst);
}

/// Closes the measurement; returns the highest live figure it saw, in bytes above its start
/// (frees of blocks allocated before it can only lower the figure).
pub fn stop() -> isize {
    MEASURING.store(false, Ordering::SeqCst);
    PEAK.load(Ordering::Relaxed)
}

// SAFETY: every method forwards to `System` with the arguments it was given; the counting only
// touches atomics and a destructor-free thread local.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() && counted() {
            add(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() && counted() {
            add(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) };
        if counted() {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() && counted() {
            add(new_size as isize - layout.size() as isize);
        }
        new
    }
}
