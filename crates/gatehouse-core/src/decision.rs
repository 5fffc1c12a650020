//! The decision policy: findings in, an outcome out.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::application::ApplicationStatus;
use crate::reasons::{Finding, Nature, ReasonDef};

/// Raised by the policy itself when the last allowed attempt still needs fixing.
pub const TOO_MANY_ATTEMPTS: ReasonDef = ReasonDef::new("TOO_MANY_ATTEMPTS", Nature::Final);

/// The result of one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    RejectedRetry,
    RejectedFinal,
    ManualReview,
}

impl Outcome {
    pub fn as_str(&self) -> &'static str {
        self.status().as_str()
    }

    /// The application status this outcome leaves the application in.
    pub fn status(&self) -> ApplicationStatus {
        match self {
            Outcome::Approved => ApplicationStatus::Approved,
            Outcome::RejectedRetry => ApplicationStatus::RejectedRetry,
            Outcome::RejectedFinal => ApplicationStatus::RejectedFinal,
            Outcome::ManualReview => ApplicationStatus::ManualReview,
        }
    }
}

/// A decision on one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    /// What the applicant is told: the findings that caused this outcome.
    pub reasons: Vec<Finding>,
    /// Every finding of the attempt, for reviewers (a retry may hide a pending manual one).
    pub findings: Vec<Finding>,
    /// 1-based number of this attempt.
    pub attempt: u32,
    /// Submissions still allowed after this one.
    pub attempts_left: u32,
}

/// Decides on the findings of attempt number `attempt` (1-based) out of `max_attempts`.
///
/// Precedence is final > retry > manual: an application that cannot succeed is not worth a
/// reviewer's time, and one with something the applicant can fix goes back to them before a
/// reviewer sees it, so reviewers only ever look at complete applications.
pub fn decide(findings: Vec<Finding>, attempt: u32, max_attempts: u32) -> Decision {
    let worst = [Nature::Final, Nature::Retry, Nature::Manual]
        .into_iter()
        .find(|n| findings.iter().any(|f| f.nature == *n));
    let mut outcome = match worst {
        None => Outcome::Approved,
        Some(Nature::Final) => Outcome::RejectedFinal,
        Some(Nature::Retry) => Outcome::RejectedRetry,
        Some(Nature::Manual) => Outcome::ManualReview,
    };
    let mut reasons: Vec<Finding> = match worst {
        Some(nature) => findings
            .iter()
            .filter(|f| f.nature == nature)
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let mut findings = findings;
    if outcome == Outcome::RejectedRetry && attempt >= max_attempts {
        let limit = TOO_MANY_ATTEMPTS
            .finding()
            .with_evidence(json!({ "max_attempts": max_attempts }));
        // The fixable reasons stay visible: the applicant should still learn what was wrong.
        reasons.insert(0, limit.clone());
        findings.push(limit);
        outcome = Outcome::RejectedFinal;
    }
    let attempts_left = match outcome {
        Outcome::RejectedRetry => max_attempts.saturating_sub(attempt),
        _ => 0,
    };
    Decision {
        outcome,
        reasons,
        findings,
        attempt,
        attempts_left,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RETRY: ReasonDef = ReasonDef::new("R", Nature::Retry);
    const FINAL: ReasonDef = ReasonDef::new("F", Nature::Final);
    const MANUAL: ReasonDef = ReasonDef::new("M", Nature::Manual);

    #[test]
    fn no_findings_approves() {
        let d = decide(vec![], 1, 5);
        assert_eq!(d.outcome, Outcome::Approved);
        assert!(d.reasons.is_empty());
    }

    #[test]
    fn precedence_is_final_then_retry_then_manual() {
        let all = vec![MANUAL.finding(), RETRY.finding(), FINAL.finding()];
        let d = decide(all.clone(), 1, 5);
        assert_eq!(d.outcome, Outcome::RejectedFinal);
        assert_eq!(d.reasons, vec![FINAL.finding()]);
        assert_eq!(d.findings.len(), 3);
        let d = decide(all[..2].to_vec(), 1, 5);
        assert_eq!(d.outcome, Outcome::RejectedRetry);
        assert_eq!(d.reasons, vec![RETRY.finding()]);
        assert_eq!(d.attempts_left, 4);
        assert_eq!(
            decide(all[..1].to_vec(), 1, 5).outcome,
            Outcome::ManualReview
        );
    }

    #[test]
    fn last_attempt_with_fixable_reasons_is_final() {
        let d = decide(vec![RETRY.finding()], 5, 5);
        assert_eq!(d.outcome, Outcome::RejectedFinal);
        assert_eq!(d.reasons[0].code, "TOO_MANY_ATTEMPTS");
        assert_eq!(d.reasons[1].code, "R");
        assert_eq!(d.attempts_left, 0);
        // The last attempt may still be approved.
        assert_eq!(decide(vec![], 5, 5).outcome, Outcome::Approved);
    }
}
