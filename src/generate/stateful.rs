//! Multi-step cases from the specs' `sequences`.

use super::case::{Call, Case, CaseId, Expect, Kind, Plan};
use crate::contract::{Expect as SpecExpect, ExpectWord, Operation};

/// One case per sequence of an operation.
pub fn cases(op: &Operation) -> Vec<Case> {
    op.sequences
        .iter()
        .enumerate()
        .map(|(i, seq)| {
            let steps = seq
                .steps
                .iter()
                .map(|s| {
                    let mut call = Call::success(&s.call, &s.fixture);
                    call.bind = s.bind.clone();
                    call.capture = s.capture.clone();
                    let expect = match &s.expect {
                        SpecExpect::Word(ExpectWord::Success) => Expect::Success,
                        SpecExpect::Word(ExpectWord::Documented) => Expect::Documented,
                        SpecExpect::Error { error } => Expect::Error(error.clone()),
                    };
                    (call, expect)
                })
                .collect();
            Case::new(
                CaseId::new(op, Kind::Stateful, seq.name.clone()),
                op.locate(&format!("/sequences/{i}")),
                if seq.description.is_empty() {
                    seq.name.replace('_', " ")
                } else {
                    seq.description.clone()
                },
                Plan::Sequence { steps },
            )
        })
        .collect()
}
