//! Helpers the unit tests of several modules share.

/// Runs `test` on a thread of its own, failing if it has not ended within a minute: code that
/// waits for ever fails its test instead of holding up the suite.
pub fn within_a_minute(test: impl FnOnce() + Send + 'static) {
    let (done, ended) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(test));
        let _ = done.send(ran);
    });
    match ended.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(Ok(())) => {}
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("still waiting after a minute"),
    }
}

/// Every folder `table::replace::sync_dir` was asked to sync, by any test (each test looks for
/// its own folder).
pub static FOLDERS_SYNCED: std::sync::Mutex<Vec<std::path::PathBuf>> =
    std::sync::Mutex::new(Vec::new());

/// How many times `folder` was synced so far.
pub fn times_synced(folder: &std::path::Path) -> usize {
    FOLDERS_SYNCED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .filter(|f| *f == folder)
        .count()
}
