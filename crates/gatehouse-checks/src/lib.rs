//! Gatehouse checks: pure functions over one attempt's data, files and context, each returning
//! findings with evidence. The [`pipeline::Pipeline`] runs them; the decision policy in
//! `gatehouse-core` turns their findings into an outcome.
//!
//! Adding a check is local: write a type implementing [`Check`], list its reason codes in
//! [`Check::reasons`], add their texts to `locales/*/reasons.toml`, and register it in
//! [`pipeline::Pipeline::standard`].

pub mod basic;
pub mod faces;
pub mod geoip;
pub mod identity;
pub mod idnum;
pub mod imaging;
pub mod links;
pub mod liveness;
pub mod mrz;
pub mod names;
pub mod ocr;
pub mod pdf;
pub mod pipeline;
pub mod policy;
pub mod proof_of_address;
pub mod region;
pub mod sanctions;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use gatehouse_core::application::{ApplicationData, Slot};
use gatehouse_core::country::CountryCode;
use gatehouse_core::policy::DocumentPolicy;
use gatehouse_core::reasons::{Finding, ReasonDef};
use gatehouse_core::region::RegionPolicy;

/// A file submitted with the attempt.
#[derive(Debug, Clone)]
pub struct SubmittedFile {
    /// MIME type judged from the bytes at upload.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Settings the checks read; filled from the server configuration.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// Minimum age in whole years on the day of submission.
    pub min_age: u32,
    /// Which documents are accepted from which country, per level.
    pub document_policy: DocumentPolicy,
    /// Where the service may be used, and by whom.
    pub region_policy: RegionPolicy,
    /// Thresholds of the image checks.
    pub images: imaging::ImageSettings,
    /// Thresholds of the face checks.
    pub faces: faces::FaceSettings,
}

impl Default for CheckSettings {
    fn default() -> Self {
        Self {
            min_age: 18,
            document_policy: DocumentPolicy::default(),
            region_policy: RegionPolicy::default(),
            images: imaging::ImageSettings::default(),
            faces: faces::FaceSettings::default(),
        }
    }
}

/// Where the submission came from, as the server resolved it (never the raw address).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientFacts {
    pub ip_country: Option<CountryCode>,
    /// ISO 3166-2 code such as `CN-GD`, when the database knows it.
    pub ip_subdivision: Option<String>,
    /// The address is in one of the verification context's blocked ranges.
    pub ip_in_blocked_cidr: bool,
}

/// Everything a check may look at.
#[derive(Debug, Clone)]
pub struct CheckInput<'a> {
    pub data: &'a ApplicationData,
    pub files: &'a BTreeMap<Slot, SubmittedFile>,
    /// The moment of submission (UTC); checks never read the clock themselves.
    pub now: DateTime<Utc>,
    pub settings: &'a CheckSettings,
    pub client: &'a ClientFacts,
    /// Other accounts this one shares identifiers with (document, person, device, ...).
    pub links: &'a [gatehouse_core::linkage::LinkFact],
    /// Sanctions list entries whose names are close to the applicant's (already above the
    /// configured threshold).
    pub sanctions_hits: &'a [sanctions::matcher::Hit],
    /// The attempt's pictures, decoded and measured once by the caller (see [`imaging`]).
    pub images: &'a BTreeMap<Slot, imaging::ImageReport>,
    /// What the document photos showed (MRZ, Chinese ID number), read by the service before
    /// the checks run.
    pub photo_reads: &'a [identity::photo::PhotoRead],
    /// The liveness provider's result for the application, when one has arrived.
    pub liveness: Option<&'a gatehouse_core::liveness::LivenessResult>,
}

impl CheckInput<'_> {
    /// The calendar day of submission, in UTC.
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
}

/// One automated check.
pub trait Check: Send + Sync {
    /// A short stable name, for logs and metrics.
    fn name(&self) -> &'static str;
    /// Every reason this check can raise.
    fn reasons(&self) -> &'static [ReasonDef];
    /// Runs the check. Must not panic on any input.
    fn run(&self, input: &CheckInput<'_>) -> Vec<Finding>;
}
