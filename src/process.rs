//! Figures about this process: its peak memory, the CPU time it and its
//! finished children used, and how many worker threads to start. A leaf:
//! it knows nothing of records or indexes.
//!
//! The figures come from `getrusage`, which the kernel keeps for every
//! process; elsewhere than Linux they are 0.

/// The number of threads to use: `requested`, or every core for 0.
pub fn effective_threads(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

/// Lowers the CPU priority of the calling thread, and of every thread it
/// starts afterwards, to `nice` as nice(1) counts it (0 normal, 19 lowest),
/// so that a search answered beside an index run goes first. A priority is
/// only ever lowered: a `nice` under the current one changes nothing.
/// Elsewhere than Linux it does nothing.
pub fn lower_priority(nice: i32) -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        // Linux keeps a nice value per thread; threads inherit their
        // creator's, so this runs before any worker thread starts.
        // SAFETY: plain system calls on the calling thread.
        let current = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        if nice <= current {
            return Ok(());
        }
        if unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, nice) } != 0 {
            return Err(format!(
                "cannot lower the CPU priority to {nice}: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
    Ok(())
}

/// The nice value of the calling thread (0 elsewhere than Linux).
pub fn priority() -> i32 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: a plain system call on the calling thread.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
    }
    #[cfg(not(target_os = "linux"))]
    0
}

/// The most memory this process has held at once (its peak resident set),
/// in MB.
pub fn peak_memory_mb() -> f64 {
    usage(Who::Process).map_or(0.0, |usage| usage.peak_kilobytes / 1024.0)
}

/// CPU time, user and system, used by this process and by its children
/// that have finished and been waited for, in seconds.
pub fn cpu_seconds() -> f64 {
    [Who::Process, Who::Children]
        .into_iter()
        .filter_map(usage)
        .map(|usage| usage.cpu_seconds)
        .sum()
}

#[derive(Clone, Copy)]
enum Who {
    Process,
    Children,
}

/// The two figures of `getrusage` scrutiny reports.
struct Usage {
    cpu_seconds: f64,
    peak_kilobytes: f64,
}

#[cfg(target_os = "linux")]
fn usage(who: Who) -> Option<Usage> {
    let who = match who {
        Who::Process => libc::RUSAGE_SELF,
        Who::Children => libc::RUSAGE_CHILDREN,
    };
    // SAFETY: rusage is plain data, for which all zeroes is a valid value;
    // getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut usage) } != 0 {
        return None;
    }
    let time = |value: libc::timeval| value.tv_sec as f64 + value.tv_usec as f64 / 1e6;
    Some(Usage {
        cpu_seconds: time(usage.ru_utime) + time(usage.ru_stime),
        // Linux gives the peak resident set in kilobytes.
        peak_kilobytes: usage.ru_maxrss as f64,
    })
}

#[cfg(not(target_os = "linux"))]
fn usage(_: Who) -> Option<Usage> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_lowered_priority_holds_for_threads_started_after_and_is_never_raised() {
        std::thread::spawn(|| {
            let before = priority();
            lower_priority(before + 3).unwrap();
            assert_eq!(priority(), before + 3);
            let child = std::thread::spawn(priority).join().unwrap();
            assert_eq!(child, before + 3);
            lower_priority(before).unwrap();
            assert_eq!(priority(), before + 3, "not raised again");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn figures_grow_with_the_work_done() {
        let before = cpu_seconds();
        let mut sum = 0u64;
        for number in 0..30_000_000u64 {
            sum = sum.wrapping_add(number * number);
        }
        std::hint::black_box(sum);
        assert!(cpu_seconds() > before);
        let held = vec![1u8; 64 << 20];
        std::hint::black_box(&held);
        assert!(peak_memory_mb() >= 64.0, "{}", peak_memory_mb());
        assert_eq!(effective_threads(3), 3);
        assert!(effective_threads(0) >= 1);
    }
}
