//! The building blocks of a store that several threads use at once (RATIONALE.md, "Calls in
//! parallel: link groups"):
//!
//! - [`AppendVec`]: a vector whose elements never move, so a reader needs no lock while another
//!   thread appends (instantiation appends entities while calls run elsewhere);
//! - [`GroupCell`] and [`Slot`]: an entity whose mutable state belongs to a *link group*, and is
//!   only touched by the thread holding that group's lock;
//! - [`GroupLock`]: that lock, with a fast path of one compare-and-swap and, when a thread that
//!   already holds a group must wait for another, a check that the wait cannot close a cycle
//!   (two threads each waiting for the other's group), which is refused instead of deadlocking.

use std::cell::{Cell, RefCell, UnsafeCell};
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// Elements in the first bucket of an [`AppendVec`]; bucket `b` holds `FIRST << b`.
const FIRST: usize = 16;
/// Buckets of an [`AppendVec`]: room for `FIRST * (2^BUCKETS - 1)` elements (over 4 billion,
/// more than a `u32` address can name).
const BUCKETS: usize = 28;

/// An append-only vector whose elements stay at their address for its whole life: elements live
/// in buckets of doubling size that are allocated once and never moved. `get` takes no lock and
/// costs two atomic loads; `push` takes a mutex.
pub(crate) struct AppendVec<T> {
    buckets: [AtomicPtr<MaybeUninit<T>>; BUCKETS],
    /// Elements published so far; an element is fully written before `len` covers it.
    len: AtomicUsize,
    push_lock: Mutex<()>,
}

// SAFETY: an `AppendVec<T>` owns its `T`s like a `Vec<T>`; shared access hands out `&T` only
// (from any thread, hence `T: Sync`), and elements are dropped by the owner (`T: Send`).
unsafe impl<T: Send + Sync> Send for AppendVec<T> {}
// SAFETY: as for `Send`: shared access only hands out `&T`, and `T: Sync`.
unsafe impl<T: Send + Sync> Sync for AppendVec<T> {}

/// The bucket and position in it of element `i`.
#[inline(always)]
fn locate(i: usize) -> (usize, usize) {
    let k = i / FIRST + 1;
    let b = (usize::BITS - 1 - k.leading_zeros()) as usize;
    (b, i - FIRST * ((1 << b) - 1))
}

impl<T> Default for AppendVec<T> {
    fn default() -> Self {
        AppendVec {
            buckets: std::array::from_fn(|_| AtomicPtr::new(std::ptr::null_mut())),
            len: AtomicUsize::new(0),
            push_lock: Mutex::new(()),
        }
    }
}

impl<T> AppendVec<T> {
    /// The number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// Element `i`, if there is one.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len() {
            return None;
        }
        let (b, at) = locate(i);
        // SAFETY: `i < len`, so bucket `b` was allocated and element `at` of it written before
        // `len` was published with `Release` (read above with `Acquire`); elements never move
        // or get dropped while `self` lives.
        unsafe { Some((*self.buckets[b].load(Ordering::Acquire).add(at)).assume_init_ref()) }
    }

    /// Appends `value`; returns its index. Panics past `u32::MAX` elements (addresses are u32).
    pub fn push(&self, value: T) -> usize {
        let _g = self.push_lock.lock().unwrap_or_else(|e| e.into_inner());
        let i = self.len.load(Ordering::Relaxed);
        assert!(i < u32::MAX as usize, "zerowasm: more than 2^32 entities in one runtime");
        let (b, at) = locate(i);
        let mut bucket = self.buckets[b].load(Ordering::Relaxed);
        if bucket.is_null() {
            let cap = FIRST << b;
            let fresh: Box<[MaybeUninit<T>]> = (0..cap).map(|_| MaybeUninit::uninit()).collect();
            bucket = Box::into_raw(fresh) as *mut MaybeUninit<T>;
            self.buckets[b].store(bucket, Ordering::Release);
        }
        // SAFETY: slot `at` of bucket `b` (capacity `FIRST << b > at`) is not yet published, so
        // no reader refers to it; the push lock makes this thread its only writer.
        unsafe { (*bucket.add(at)).write(value) };
        self.len.store(i + 1, Ordering::Release);
        i
    }

    /// The elements, in order.
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        (0..self.len()).map(move |i| self.get(i).expect("below len"))
    }
}

impl<T> std::ops::Index<usize> for AppendVec<T> {
    type Output = T;
    #[inline]
    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(x) => x,
            None => panic!("zerowasm: address {i} out of range"),
        }
    }
}

impl<T> Drop for AppendVec<T> {
    fn drop(&mut self) {
        let len = *self.len.get_mut();
        for (b, bucket) in self.buckets.iter_mut().enumerate() {
            let p = *bucket.get_mut();
            if p.is_null() {
                break;
            }
            let cap = FIRST << b;
            let start = FIRST * ((1 << b) - 1);
            let used = len.saturating_sub(start).min(cap);
            // SAFETY: the bucket was made by `Box<[MaybeUninit<T>]>` of `cap` elements in
            // `push`, of which the first `used` were written and are dropped here, once.
            unsafe {
                for at in 0..used {
                    (*p.add(at)).assume_init_drop();
                }
                drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, cap)));
            }
        }
    }
}

/// State that belongs to one link group: read and written only by the thread holding that
/// group's [`GroupLock`] (or by the thread that creates it, before it is published).
pub(crate) struct GroupCell<T>(UnsafeCell<T>);

// SAFETY: access is serialised by the group lock (see the methods' contracts), so `T` moves
// between threads but is never used by two at once.
unsafe impl<T: Send> Sync for GroupCell<T> {}

impl<T> GroupCell<T> {
    pub fn new(value: T) -> Self {
        GroupCell(UnsafeCell::new(value))
    }
    /// # Safety
    /// The calling thread holds the lock of the group owning this cell, and no `&mut` from
    /// [`GroupCell::get_mut`] is alive.
    #[inline(always)]
    pub unsafe fn get(&self) -> &T {
        // SAFETY: the caller holds the owning group's lock and no `&mut` is alive (this
        // function's contract), so no one writes the value while the reference lives.
        unsafe { &*self.0.get() }
    }
    /// # Safety
    /// The calling thread holds the lock of the group owning this cell, and no other reference
    /// into the cell is alive.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    pub unsafe fn get_mut(&self) -> &mut T {
        // SAFETY: the caller holds the owning group's lock and no other reference into the
        // cell is alive (this function's contract), so this one is unique.
        unsafe { &mut *self.0.get() }
    }
}

/// An entity of the store: the instance that defined it (fixed) and its state (of the owner's
/// link group).
pub(crate) struct Slot<T> {
    pub owner: u32,
    pub cell: GroupCell<T>,
}

thread_local! {
    /// How many group locks (of any runtime) this thread holds; a thread holding none cannot
    /// close a wait cycle, so it waits without the cycle check.
    static HELD: Cell<u32> = const { Cell::new(0) };
    /// Scratch for the cycle check.
    static VISITED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// This thread's lock token: the address of its `HELD` (never 0; unique among live threads, and
/// a thread holds no lock when it exits, so reuse by a later thread is harmless). A
/// const-initialized thread-local costs no first-use check, unlike a counter's.
#[inline]
pub(crate) fn token() -> u64 {
    HELD.with(|h| h as *const Cell<u32> as u64)
}

/// Why a group lock was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LockError {
    /// This thread holds it already (a handle of the runtime used inside one of its own host
    /// functions, where the [`crate::Caller`] is the way in).
    Reentered,
    /// Waiting would deadlock: the holder waits (directly or through others) for a group this
    /// thread holds.
    WouldDeadlock,
}

/// The lock of one link group: who holds it (a thread token, 0 when free) and how many wait.
#[derive(Default)]
pub(crate) struct GroupLock {
    owner: AtomicU64,
    waiters: AtomicU32,
}

impl GroupLock {
    /// Whether the calling thread holds it.
    pub fn held_by_me(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == token()
    }
}

/// The waits of one runtime's threads for group locks: which group each waiting thread waits
/// for, to find cycles; and the condition variable they sleep on.
#[derive(Default)]
pub(crate) struct LockTable {
    waits: Mutex<Vec<(u64, u32)>>,
    wake: Condvar,
}

impl LockTable {
    /// Takes lock `g` of `locks` (the runtime's groups' locks, by group id) for this thread,
    /// waiting while another thread holds it.
    ///
    /// Errors: [`LockError::Reentered`] if this thread holds it; [`LockError::WouldDeadlock`]
    /// if waiting would close a cycle of threads waiting for each other's groups.
    pub fn lock<'l>(&self, g: u32, locks: &impl Fn(u32) -> &'l GroupLock) -> Result<(), LockError> {
        let me = token();
        let l = locks(g);
        let mine = l.owner.load(Ordering::Relaxed);
        if mine == me {
            return Err(LockError::Reentered);
        }
        if l.owner.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed).is_err() {
            self.lock_slow(g, me, locks)?;
        }
        HELD.with(|h| h.set(h.get() + 1));
        Ok(())
    }

    /// Takes lock `g` if it is free; never waits. Returns whether it did.
    pub fn try_lock<'l>(&self, g: u32, locks: &impl Fn(u32) -> &'l GroupLock) -> bool {
        let ok = locks(g).owner.compare_exchange(0, token(), Ordering::Acquire, Ordering::Relaxed).is_ok();
        if ok {
            HELD.with(|h| h.set(h.get() + 1));
        }
        ok
    }

    #[cold]
    fn lock_slow<'l>(&self, g: u32, me: u64, locks: &impl Fn(u32) -> &'l GroupLock) -> Result<(), LockError> {
        let l = locks(g);
        let holding = HELD.with(|h| h.get()) > 0;
        let mut waits = self.waits.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            // `SeqCst` pairs with `unlock`: either this CAS sees the release, or the releasing
            // thread sees `waiters > 0` and wakes us (it must take `waits` to notify, which we
            // hold until `wait` releases it).
            l.waiters.fetch_add(1, Ordering::SeqCst);
            if l.owner.compare_exchange(0, me, Ordering::SeqCst, Ordering::Relaxed).is_ok() {
                l.waiters.fetch_sub(1, Ordering::SeqCst);
                return Ok(());
            }
            if holding && Self::closes_cycle(&waits, me, g, locks) {
                l.waiters.fetch_sub(1, Ordering::SeqCst);
                return Err(LockError::WouldDeadlock);
            }
            waits.push((me, g));
            waits = self.wake.wait(waits).unwrap_or_else(|e| e.into_inner());
            waits.retain(|(t, _)| *t != me);
            l.waiters.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Whether `me` waiting for group `g` closes a cycle: `g`'s holder waits for a group whose
    /// holder waits ... for a group `me` holds.
    fn closes_cycle<'l>(waits: &[(u64, u32)], me: u64, g: u32, locks: &impl Fn(u32) -> &'l GroupLock) -> bool {
        VISITED.with(|v| {
            let mut visited = v.borrow_mut();
            visited.clear();
            let mut holder = locks(g).owner.load(Ordering::SeqCst);
            while holder != 0 {
                if holder == me {
                    return true;
                }
                if visited.contains(&holder) {
                    return false;
                }
                visited.push(holder);
                let Some((_, next)) = waits.iter().find(|(t, _)| *t == holder) else { return false };
                holder = locks(*next).owner.load(Ordering::SeqCst);
            }
            false
        })
    }

    /// Releases lock `l`, which this thread holds.
    pub fn unlock(&self, l: &GroupLock) {
        debug_assert!(l.held_by_me());
        HELD.with(|h| h.set(h.get() - 1));
        l.owner.store(0, Ordering::SeqCst);
        if l.waiters.load(Ordering::SeqCst) > 0 {
            let _w = self.waits.lock().unwrap_or_else(|e| e.into_inner());
            self.wake.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn append_vec_keeps_addresses_and_values() {
        let v: AppendVec<u64> = AppendVec::default();
        let mut addrs = Vec::new();
        for i in 0..10_000u64 {
            assert_eq!(v.push(i * 3), i as usize);
            addrs.push(&v[i as usize] as *const u64);
        }
        for (i, a) in addrs.iter().enumerate() {
            assert_eq!(&v[i] as *const u64, *a, "element {i} moved");
            assert_eq!(v[i], i as u64 * 3);
        }
        assert_eq!(v.len(), 10_000);
        assert!(v.get(10_000).is_none());
        assert_eq!(v.iter().count(), 10_000);
    }

    #[test]
    fn append_vec_drops_its_elements_once() {
        let counter = Arc::new(());
        {
            let v = AppendVec::default();
            for _ in 0..100 {
                v.push(counter.clone());
            }
            assert_eq!(Arc::strong_count(&counter), 101);
        }
        assert_eq!(Arc::strong_count(&counter), 1);
    }

    #[test]
    fn readers_see_pushes_of_other_threads() {
        let v: Arc<AppendVec<usize>> = Arc::default();
        std::thread::scope(|s| {
            let w = v.clone();
            s.spawn(move || {
                for i in 0..50_000 {
                    w.push(i);
                }
            });
            s.spawn(|| {
                let mut seen = 0;
                while seen < 50_000 {
                    let n = v.len();
                    for i in seen..n {
                        assert_eq!(v[i], i);
                    }
                    seen = n;
                }
            });
        });
    }

    #[test]
    fn a_wait_that_would_deadlock_is_refused() {
        let table = Arc::new(LockTable::default());
        let locks: Arc<[GroupLock; 2]> = Arc::new(Default::default());
        let get = |l: &Arc<[GroupLock; 2]>| {
            let l = l.clone();
            move |g: u32| -> &'static GroupLock {
                // SAFETY: (test only) the array outlives the scoped threads below.
                unsafe { &*(&l[g as usize] as *const GroupLock) }
            }
        };
        let f = get(&locks);
        table.lock(0, &f).unwrap();
        assert_eq!(table.lock(0, &f), Err(LockError::Reentered));
        let (t2, l2) = (table.clone(), locks.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        let other = std::thread::spawn(move || {
            let f = get(&l2);
            t2.lock(1, &f).unwrap();
            tx.send(()).unwrap();
            // Waits for group 0, which the main thread holds.
            let r = t2.lock(0, &f);
            t2.unlock(&l2[0]);
            t2.unlock(&l2[1]);
            r
        });
        rx.recv().unwrap();
        // Wait until the other thread is blocked on group 0.
        while locks[0].waiters.load(Ordering::SeqCst) == 0 {
            std::thread::yield_now();
        }
        assert_eq!(table.lock(1, &f), Err(LockError::WouldDeadlock));
        table.unlock(&locks[0]);
        assert_eq!(other.join().unwrap(), Ok(()));
    }
}
