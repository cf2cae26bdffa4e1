//! A batch run whose input changes between its passes stops and writes nothing, and a run
//! that reads its input again takes the first read's verdicts on repeated ids.

use crate::i18n::Lang;
use crate::report::allocate::streamed::Plan;
use crate::rules::RuleSet;

fn rules() -> RuleSet {
    let shipped = include_str!("../../rules.toml");
    let prorate = shipped.replace(
        "amount = \"690万\"",
        "amount = \"690万\"\non_overrun = \"prorate\"",
    );
    assert_ne!(prorate, shipped);
    RuleSet::from_toml(&prorate, "rules.toml").unwrap()
}

/// A CSV run of `input` (named `plan.csv` in messages) to `output` on two workers, in English,
/// keeping going past bad rows.
fn csv_run<'a>(
    rules: &'a RuleSet,
    input: &std::path::Path,
    output: &std::path::Path,
) -> super::Options<'a> {
    super::Options {
        rules,
        inputs: vec![super::Input {
            label: "plan.csv".into(),
            path: Some(input.to_path_buf()),
            encoding: None,
        }],
        destination: super::Destination::File(output.to_path_buf()),
        keep_going: true,
        by: None,
        lang: Lang::En,
        progress: false,
        workers: 2,
        style: super::TextStyle {
            format: crate::report::TextFormat::Csv,
            excel: false,
            gbk: false,
        },
        sheet: None,
    }
}

mod between_readings {
    //! The file changes after the counting pass and before the pass that writes: the run
    //! stops with the reason, and the output file is never made.

    use super::super::{count_pass, write_pass, BatchError, Reading, Run, Tuning};
    use super::*;
    use crate::batch::read::{Ids, IdsLearnt};

    fn release(longer: bool, blank_line: bool) -> String {
        let mut csv = String::from("id,township,village,class,width_m,length_km,cost\n");
        if blank_line {
            csv.push('\n');
        }
        for v in 0..44 {
            let km = match v {
                43 => "1.925",
                7 if longer => "2.975",
                _ => "1.975",
            };
            csv.push_str(&format!("G{v},T{},V{v},group,3.5,{km},2000000\n", v % 6));
        }
        csv
    }

    fn changed_between_readings(changed: &str) -> (String, bool) {
        let rules = rules();
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (dir.path().join("plan.csv"), dir.path().join("out.csv"));
        std::fs::write(&input, release(false, false)).unwrap();
        let opts = csv_run(&rules, &input, &output);
        let reading = Reading {
            copies: &[],
            chunk: Tuning {
                chunk_records: 10,
                // Runs of plain lines are cut by bytes: about ten rows.
                chunk_bytes: 400,
                fused: true,
            },
            progress_base: 0,
            header: &crate::table::HeaderOptions::default(),
            ids: Ids::Check(None),
        };
        // As a run reads: the counting pass checks the ids and keeps what it found, the
        // pass that writes takes it.
        let learning = std::sync::Mutex::new(IdsLearnt::default());
        let counting = Reading {
            ids: Ids::Check(Some(&learning)),
            ..reading
        };
        let mut plan = Plan::new(&rules).unwrap();
        count_pass(&Run::plain(&opts), counting, &mut plan, 0, None).unwrap();
        let learnt = learning.into_inner().unwrap();
        let reading = Reading {
            ids: Ids::Known(&learnt),
            ..reading
        };
        assert!(plan.chunks() >= 4, "44 rows in chunks of about 10");
        std::fs::write(&input, changed).unwrap();
        let mut messages = Vec::new();
        let result = write_pass(
            &Run::plain(&opts),
            reading,
            Some(&plan),
            None,
            &mut messages,
        );
        let Err(BatchError::Changed(message)) = result else {
            panic!("the change is caught")
        };
        (message, output.exists())
    }

    #[test]
    fn a_row_that_asks_more_when_read_again_leaves_no_output() {
        let (message, written) = changed_between_readings(&release(true, false));
        assert_eq!(
            message,
            "plan.csv: the rows asked more of a budget than when they were first added up (did the input change while it was read?); nothing was allocated; nothing written"
        );
        assert!(!written);
    }

    #[test]
    fn an_id_that_repeats_only_when_read_again_leaves_no_output() {
        // G8 becomes a second G7, the same road otherwise: it asks the same, so only the ids
        // tell the change, and the verdicts of the first read no longer hold.
        let changed = release(false, false).replace("G8,", "G7,");
        let (message, written) = changed_between_readings(&changed);
        assert_eq!(
            message,
            "plan.csv: the input changed while it was read again to share out a budget (the ids of a block of rows from line 2 are not those read before); nothing written"
        );
        assert!(!written);
    }

    #[test]
    fn rows_that_moved_down_a_line_when_read_again_leave_no_output() {
        let (message, written) = changed_between_readings(&release(false, true));
        assert_eq!(
            message,
            "plan.csv: the input changed while it was read again to share out a budget (a block of rows began at line 3, not at line 2 as before); nothing written"
        );
        assert!(!written);
    }

    #[test]
    fn rows_gone_when_read_again_leave_no_output() {
        let all = release(false, false);
        let cut: Vec<&str> = all.lines().take(40).collect();
        let (message, written) = changed_between_readings(&(cut.join("\n") + "\n"));
        assert_eq!(
            message,
            "plan.csv: the rows asked less of a budget than when they were first added up (did the input change while it was read?); the allocation is incomplete; nothing written"
        );
        assert!(!written);
        // Every row gone: no chunk comes at all, which the writer notices at the end.
        let header = "id,township,village,class,width_m,length_km,cost\n";
        let (message, written) = changed_between_readings(header);
        assert_eq!(
            message,
            "the rows asked less of a budget than when they were first added up (did the input change while it was read?); the allocation is incomplete; nothing written"
        );
        assert!(!written);
    }
}

mod ids_learnt {
    //! A run that reads its input again takes the first read's verdicts on repeated ids
    //! instead of checking them again: the output and the messages are those of a run that
    //! checks them on every read, whatever the ids, the quoting and the chunks.

    use proptest::prelude::*;

    use super::super::{count_pass, write_pass, Reading, Run, Tuning};
    use super::*;
    use crate::batch::read::{Ids, IdsLearnt};

    /// The output file and the messages of a run over `csv`, ids checked on every read or
    /// learnt on the first.
    /// (The run's outcome too, and no file when none is made.)
    fn run(csv: &str, learn: bool, records: usize) -> (Option<Vec<u8>>, Vec<u8>, String) {
        let rules = rules();
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (dir.path().join("plan.csv"), dir.path().join("out.csv"));
        std::fs::write(&input, csv).unwrap();
        let opts = csv_run(&rules, &input, &output);
        let reading = Reading {
            copies: &[],
            chunk: Tuning {
                chunk_records: records,
                chunk_bytes: records * 40,
                fused: true,
            },
            progress_base: 0,
            header: &crate::table::HeaderOptions::default(),
            ids: Ids::Check(None),
        };
        let learning = std::sync::Mutex::new(IdsLearnt::default());
        let counting = Reading {
            ids: match learn {
                true => Ids::Check(Some(&learning)),
                false => Ids::Check(None),
            },
            ..reading
        };
        let mut plan = Plan::new(&rules).unwrap();
        count_pass(&Run::plain(&opts), counting, &mut plan, 0, None).unwrap();
        let learnt = learning.into_inner().unwrap();
        let writing = Reading {
            ids: match learn {
                true => Ids::Known(&learnt),
                false => Ids::Check(None),
            },
            ..reading
        };
        let mut messages = Vec::new();
        let report = write_pass(
            &Run::plain(&opts),
            writing,
            Some(&plan),
            None,
            &mut messages,
        );
        let outcome = match report {
            Ok(_) => "written".to_string(),
            Err(e) => format!("{e:?}"),
        };
        (std::fs::read(&output).ok(), messages, outcome)
    }

    fn row() -> impl Strategy<Value = String> {
        // Ids from a few, so they repeat; blank ones; a quoted village makes a record the
        // reader reads field by field rather than in a run of plain lines.
        (0..12u32, 0..4u32, prop::bool::ANY, 0..3u32).prop_map(|(id, town, quoted, kind)| {
            let id = match id {
                0 => " ".to_string(),
                11 => format!("\"G{town}\""),
                n => format!("G{n}"),
            };
            let village = match quoted {
                true => format!("\"V{town},x\""),
                false => format!("V{town}"),
            };
            let km = ["1.975", "0.5", "x"][kind as usize];
            format!("{id},T{town},{village},group,3.5,{km},2000000\n")
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn learnt_ids_give_the_output_and_messages_of_ids_checked_again(
            rows in prop::collection::vec(row(), 1..80),
            records in 1..12usize,
        ) {
            let csv = String::from("id,township,village,class,width_m,length_km,cost\n")
                + &rows.concat();
            let checked = run(&csv, false, records);
            let learnt = run(&csv, true, records);
            prop_assert_eq!(&learnt.0, &checked.0);
            prop_assert_eq!(&learnt.2, &checked.2);
            prop_assert_eq!(
                String::from_utf8_lossy(&learnt.1),
                String::from_utf8_lossy(&checked.1)
            );
        }
    }
}
