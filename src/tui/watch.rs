//! Leaving when the terminal goes away.
//!
//! SIGTERM and SIGHUP set a flag that the event loop checks between keys. A terminal that has
//! gone (a closed window, a killed tmux session, a dropped ssh connection) can leave the event
//! loop stuck, though: crossterm's input reader retries a dead terminal forever, spinning a
//! core, and never gets back to the loop. So a watcher thread also looks for the terminal
//! itself, and if the loop has not ended a second after it was asked to, ends the process. No
//! edit is lost by that: each one is already in the recovery journal.

use std::fs::OpenOptions;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// How often the watcher looks.
const TICK: Duration = Duration::from_millis(100);
/// Ticks between two looks for the terminal.
const TTY_TICKS: u32 = 10;
/// Ticks the event loop gets to end by itself once asked.
const GRACE_TICKS: u32 = 10;

/// The flags shared between the event loop and the watcher.
#[derive(Clone, Default)]
pub struct Flags {
    /// Set by a signal or a lost terminal: the event loop should end.
    pub stop: Arc<AtomicBool>,
    /// Set by the event loop when it has ended: the watcher ends too.
    pub done: Arc<AtomicBool>,
}

/// Registers SIGTERM and SIGHUP and starts watching the controlling terminal; `give_up` runs
/// (on the watcher's thread) if the event loop does not end in time.
pub fn start(give_up: impl FnOnce() + Send + 'static) -> std::io::Result<Flags> {
    let flags = Flags::default();
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, flags.stop.clone())?;
    }
    // Without a controlling terminal to begin with (started by `setsid`, say) there is nothing
    // to lose, so only signals count.
    let watched = tty_present();
    let probe = move || !watched || tty_present();
    let shared = flags.clone();
    thread::Builder::new()
        .name("terminal watch".into())
        .spawn(move || watch(&shared, TICK, probe, give_up))?;
    Ok(flags)
}

/// Whether the controlling terminal is still there: opening `/dev/tty` fails once it has
/// hung up.
fn tty_present() -> bool {
    cfg!(not(unix)) || OpenOptions::new().read(true).open("/dev/tty").is_ok()
}

/// The watcher's loop: returns when the event loop is done, or after `give_up`.
fn watch(flags: &Flags, tick: Duration, probe: impl Fn() -> bool, give_up: impl FnOnce()) {
    let mut ticks = 0u32;
    let mut waited = 0u32;
    loop {
        thread::sleep(tick);
        if flags.done.load(Ordering::Relaxed) {
            return;
        }
        ticks = ticks.wrapping_add(1);
        if ticks.is_multiple_of(TTY_TICKS) && !probe() {
            flags.stop.store(true, Ordering::Relaxed);
        }
        if flags.stop.load(Ordering::Relaxed) {
            waited += 1;
            if waited > GRACE_TICKS {
                give_up();
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    const FAST: Duration = Duration::from_millis(1);

    #[test]
    fn a_lost_terminal_stops_the_loop_then_gives_up_if_it_is_stuck() {
        let flags = Flags::default();
        let (tx, rx) = mpsc::channel();
        let shared = flags.clone();
        let looks = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = looks.clone();
        let watcher = thread::spawn(move || {
            watch(
                &shared,
                FAST,
                move || counted.fetch_add(1, Ordering::Relaxed) < 2,
                move || tx.send(()).unwrap(),
            )
        });
        watcher.join().unwrap();
        assert!(
            flags.stop.load(Ordering::Relaxed),
            "the loop was asked to end"
        );
        // Looked for every TTY_TICKS: found, found, gone (stop), still gone, then given up.
        assert_eq!(looks.load(Ordering::Relaxed), 4);
        rx.try_recv().expect("gave up on a stuck loop");
    }

    #[test]
    fn a_loop_that_has_ended_is_not_cut_short() {
        let flags = Flags::default();
        flags.stop.store(true, Ordering::Relaxed);
        flags.done.store(true, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel();
        watch(&flags, FAST, || true, move || tx.send(()).unwrap());
        assert!(rx.try_recv().is_err(), "did not give up");
    }
}
