//! A batch writes a note's text from the texts it kept ([`NoteTexts`]) exactly as the note
//! writes itself: the part of a budget's cut note after its amounts is kept per envelope, so
//! random cut notes over a few envelopes (amounts of any scale, ties, zero, negatives) in both
//! languages, mixed with notes kept whole and notes never kept, must read the same.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::work::NoteTexts;
use crate::engine::{BudgetCut, Note};
use crate::i18n::Lang;
use crate::rules::{OnOverrun, RuleSet};

/// Budgets over both funds, one per village, one paid in order, one only reporting.
fn rules() -> RuleSet {
    RuleSet::shipped_with_budgets(
        "[[budgets]]\nname = \"通村硬化\"\nname_en = \"Hardening\"\nfund = \"poverty\"\n\
         amount = \"496.5万\"\non_overrun = \"prorate\"\nclass = \"village\"\n\n\
         [[budgets]]\nname = \"B1\"\nfund = \"transport\"\namount = \"12.34\"\n\
         on_overrun = \"in_order\"\nper_village = true\n\n\
         [[budgets]]\nname = \"B2\"\nfund = \"poverty\"\namount = \"1\"\non_overrun = \"report\"\n",
    )
}

/// An amount of 0 to 4 decimals, negative now and then.
fn amount() -> impl Strategy<Value = Decimal> {
    (any::<bool>(), 0i64..2_000_000_000_000, 0u32..5).prop_map(|(negative, m, scale)| {
        let d = Decimal::new(m, scale);
        if negative {
            -d
        } else {
            d
        }
    })
}

fn cut() -> impl Strategy<Value = BudgetCut> {
    (
        0usize..3,
        0usize..2,
        any::<bool>(),
        0u8..3,
        // Few envelopes and sums asked, so that most notes find their text kept.
        prop::sample::select(vec![
            Decimal::new(4_965_000, 0),
            Decimal::new(496_500_000, 2),
            Decimal::new(1234, 2),
            Decimal::ZERO,
        ]),
        prop_oneof![
            3 => prop::sample::select(vec![Decimal::new(26_124_726_353, 0), Decimal::new(7, 1)]),
            1 => amount(),
        ],
    )
        .prop_map(
            |(budget, fund, per_village, how, envelope, asked)| BudgetCut {
                fund,
                budget,
                per_village,
                how: [OnOverrun::Prorate, OnOverrun::InOrder, OnOverrun::Report][usize::from(how)],
                asked,
                envelope,
            },
        )
}

fn note() -> impl Strategy<Value = Note> {
    prop_oneof![
        4 => (cut(), amount(), amount(), amount()).prop_map(|(cut, from, to, raised)| {
            Note::CutByBudget { cut, from, to, raised }
        }),
        1 => (0usize..2, prop::sample::select(vec![
            Decimal::new(30, 1),
            Decimal::new(300, 2),
            Decimal::new(45, 1),
        ]))
            .prop_map(|(fund, width)| Note::BelowMinimum {
                fund,
                width,
                min: Decimal::new(35, 1),
            }),
        1 => (0usize..2, amount(), amount()).prop_map(|(fund, nominal, paid)| {
            Note::CutByCost { fund, nominal, paid }
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn a_kept_cut_note_tail_reads_as_the_note_written_whole(
        notes in prop::collection::vec(note(), 1..40),
        zh in any::<bool>(),
    ) {
        let rules = rules();
        let lang = if zh { Lang::Zh } else { Lang::En };
        let mut kept = NoteTexts::default();
        for note in &notes {
            let mut fast = String::from("before;");
            kept.write(note, &mut fast, &rules, lang);
            let mut whole = String::from("before;");
            note.write_to(&mut whole, &rules, lang);
            prop_assert_eq!(fast, whole);
        }
    }
}

/// The notes cell of a row whose notes are `notes`, each written whole by the note itself: what
/// the batch's kept texts must read as.
fn cell_as_text(notes: &[Note], rules: &RuleSet, lang: Lang) -> String {
    let mut whole = String::new();
    crate::report::encode::notes(&mut whole, notes, lang, |n, out| {
        n.write_to(out, rules, lang)
    });
    whole
}

/// A note without amounts (most of a table's), over a few widths written two ways, or now and
/// then one with amounts, which no cell is kept for.
fn cell_note() -> impl Strategy<Value = Note> {
    let width = prop::sample::select(vec![
        Decimal::new(30, 1),
        Decimal::new(300, 2),
        Decimal::new(40, 1),
        Decimal::new(45, 1),
    ]);
    prop_oneof![
        3 => (0usize..2, width.clone()).prop_map(|(fund, width)| Note::BelowMinimum {
            fund,
            width,
            min: Decimal::new(35, 1),
        }),
        3 => (0usize..2, width).prop_map(|(fund, width)| Note::BetweenTiers {
            fund,
            width,
            min: Decimal::new(35, 1),
            next: Decimal::new(45, 1),
        }),
        2 => (0usize..2, 0usize..2).prop_map(|(fund, class)| Note::NoTier { fund, class }),
        1 => note(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_kept_notes_cell_reads_as_its_notes_joined_and_says_truly_whether_csv_quotes_it(
        rows in prop::collection::vec(prop::collection::vec(cell_note(), 0..5), 1..60),
        zh in any::<bool>(),
    ) {
        let rules = rules();
        let lang = if zh { Lang::Zh } else { Lang::En };
        let mut kept = NoteTexts::default();
        let mut scratch = String::from("left from an earlier row");
        for notes in &rows {
            let whole = cell_as_text(notes, &rules, lang);
            let (cell, csv_plain) = kept.cell(notes, &mut scratch, &rules, lang);
            prop_assert_eq!(cell, whole.as_str());
            if csv_plain {
                prop_assert!(crate::report::encode::csv_plain(cell));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A row's notes cell written onto its bytes ([`NoteTexts::write_cell`], for notes that
    /// hold amounts) reads as the cell made as text, after whatever the row held, with the
    /// texts kept or not; and each note written as bytes is the note written as text.
    #[test]
    fn a_notes_cell_written_onto_a_rows_bytes_reads_as_the_cell_made_as_text(
        rows in prop::collection::vec(prop::collection::vec(cell_note(), 0..5), 1..60),
        zh in any::<bool>(),
    ) {
        let rules = rules();
        let lang = if zh { Lang::Zh } else { Lang::En };
        let mut kept = NoteTexts::default();
        for notes in &rows {
            let whole = cell_as_text(notes, &rules, lang);
            let mut bytes = b"S1,".to_vec();
            kept.write_cell(notes, &mut bytes, &rules, lang);
            prop_assert_eq!(String::from_utf8(bytes).unwrap(), format!("S1,{whole}"));
            for note in notes {
                let (mut text, mut bytes) = (String::from("a;"), b"a;".to_vec());
                note.write_to(&mut text, &rules, lang);
                note.write_to(&mut bytes, &rules, lang);
                prop_assert_eq!(String::from_utf8(bytes).unwrap(), text);
            }
        }
    }
}

/// A note of any kind, amounts of any scale.
fn any_note() -> impl Strategy<Value = Note> {
    prop_oneof![
        3 => cell_note(),
        1 => amount().prop_map(|surplus| Note::SourcesExceed { surplus }),
        1 => (0usize..2, amount(), amount()).prop_map(|(fund, ceiling, approved)| {
            Note::Approved { fund, ceiling, approved }
        }),
        1 => (amount(), amount(), any::<bool>()).prop_map(|(disbursed, limit, of_subsidy)| {
            Note::OverDisbursed { disbursed, limit, of_subsidy }
        }),
        1 => (amount(), amount(), amount(), amount(), any::<bool>()).prop_map(
            |(cost, per_km, low, high, too_low)| Note::ImplausibleCost {
                cost,
                per_km,
                low,
                high,
                too_low,
            }
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Under rules whose names hold no quote and no line break
    /// ([`crate::engine::names_quote_free`]), no notes cell does: a batch then quotes one
    /// exactly when it holds a comma, without looking for the rest.
    #[test]
    fn under_names_free_of_quotes_no_notes_cell_holds_a_quote_or_a_line_break(
        notes in prop::collection::vec(any_note(), 0..6),
        zh in any::<bool>(),
    ) {
        let rules = rules();
        prop_assert!(crate::engine::names_quote_free(&rules));
        let lang = if zh { Lang::Zh } else { Lang::En };
        let cell = cell_as_text(&notes, &rules, lang);
        prop_assert!(!cell.bytes().any(|b| matches!(b, b'"' | b'\r' | b'\n')), "{}", cell);
    }
}

/// A quote, a CR or an LF in any name a note can hold (a fund's, a class's or a budget's, in
/// either language) is seen, so such rules take the full search for what CSV quotes.
#[test]
fn a_quote_or_a_line_break_in_any_name_a_note_holds_is_seen() {
    for bad in ["\"", "\r", "\n", "名\"称"] {
        let changes: [fn(&mut RuleSet, &str); 6] = [
            |r, b| r.funds[1].name.push_str(b),
            |r, b| r.funds[0].name_en = Some(format!("County{b}")),
            |r, b| r.classes[0].name.push_str(b),
            |r, b| r.classes[1].name_en = Some(format!("road{b}")),
            |r, b| r.budgets[0].name = Some(format!("通村{b}")),
            |r, b| r.budgets[2].name_en = Some(format!("B{b}2")),
        ];
        for (at, change) in changes.iter().enumerate() {
            let mut rules = rules();
            change(&mut rules, bad);
            assert!(
                !crate::engine::names_quote_free(&rules),
                "change {at} with {bad:?} not seen"
            );
        }
    }
    assert!(crate::engine::names_quote_free(&rules()));
    assert!(crate::engine::names_quote_free(&RuleSet::builtin()));
}
