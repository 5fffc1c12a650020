//! The decision policy: findings in, an outcome out.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::application::ApplicationStatus;
use crate::reasons::{Finding, Nature, ReasonDef};

/// Raised by the policy itself when the last allowed attempt still needs fixing.
pub const TOO_MANY_ATTEMPTS: ReasonDef = ReasonDef::new("TOO_MANY_ATTEMPTS", Nature::Final);

/// Shown while an attempt waits for its liveness result; never a reason for a decision.
pub const LIVENESS_PENDING: ReasonDef = ReasonDef::new("LIVENESS_PENDING", Nature::Manual);

/// The result of one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    RejectedRetry,
    RejectedFinal,
    ManualReview,
    /// The checks found nothing to refuse, but the required liveness result has not
    /// arrived; the attempt is decided when it does (or when it times out).
    AwaitingLiveness,
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
            Outcome::AwaitingLiveness => ApplicationStatus::AwaitingLiveness,
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

/// Holds `decision` until the liveness result arrives, if nothing in it already settles the
/// attempt: an attempt the applicant must fix, or that cannot succeed, is decided at once (a
/// liveness result would not change that), while an approval or a review waits, so that
/// reviewers only see complete applications. The checks' findings are kept for the decision
/// made when the result arrives.
pub fn hold_for_liveness(decision: Decision, deadline: DateTime<Utc>) -> Decision {
    if !matches!(decision.outcome, Outcome::Approved | Outcome::ManualReview) {
        return decision;
    }
    Decision {
        outcome: Outcome::AwaitingLiveness,
        reasons: vec![LIVENESS_PENDING
            .finding()
            .with_field("liveness")
            // Shown to the applicant inside the fix text, so readable rather than RFC 3339.
            .with_evidence(
                json!({ "deadline": deadline.format("%Y-%m-%d %H:%M UTC").to_string() }),
            )],
        attempts_left: 0,
        ..decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RETRY: ReasonDef = ReasonDef::new("R", Nature::Retry);
    const FINAL: ReasonDef = ReasonDef::new("F", Nature::Final);
    const MANUAL: ReasonDef = ReasonDef::new("M", Nature::Manual);

    #[test]
    fn only_approvals_and_reviews_wait_for_liveness() {
        let deadline = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let held = hold_for_liveness(decide(vec![MANUAL.finding()], 1, 5), deadline);
        assert_eq!(held.outcome, Outcome::AwaitingLiveness);
        assert_eq!(held.reasons[0].code, "LIVENESS_PENDING");
        assert_eq!(held.findings, vec![MANUAL.finding()]);
        assert_eq!(
            hold_for_liveness(decide(vec![], 1, 5), deadline).outcome,
            Outcome::AwaitingLiveness
        );
        let retry = decide(vec![RETRY.finding(), MANUAL.finding()], 1, 5);
        assert_eq!(hold_for_liveness(retry.clone(), deadline), retry);
        let last = decide(vec![RETRY.finding()], 5, 5);
        assert_eq!(
            hold_for_liveness(last, deadline).outcome,
            Outcome::RejectedFinal
        );
    }

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
