//! Sanctions screening: importing list versions, the in-memory index built from the current
//! versions, screening applicants at submission, and re-screening approved applicants in the
//! background whenever the lists change.

use std::path::Path;
use std::sync::{Arc, RwLock};

use chrono::Utc;
use gatehouse_checks::sanctions::import::{self, ListEntity};
use gatehouse_checks::sanctions::matcher::{Hit, Index, Query};
use gatehouse_core::application::{ApplicationData, ApplicationStatus};
use gatehouse_store::models::{RescreenJob, SanctionsAlert, SanctionsVersion};
use gatehouse_store::repo::{ApplicationRepo, SanctionsRepo};
use gatehouse_store::Db;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// The list formats `gatehouse sanctions import --format` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    OfacCsv,
    UnXml,
    Ftm,
}

impl ListFormat {
    pub fn as_str(&self) -> &'static str {
        match self {
            ListFormat::OfacCsv => "ofac-csv",
            ListFormat::UnXml => "un-xml",
            ListFormat::Ftm => "ftm",
        }
    }
}

/// Why an import failed; nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Parse(String),
    #[error("cannot read {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{0}")]
    Usage(String),
    #[error("storage: {0}")]
    Store(#[from] gatehouse_store::StoreError),
}

/// A file to import, read whole.
pub struct ListFile {
    pub name: String,
    pub content: String,
}

impl ListFile {
    pub fn read(path: &Path) -> Result<Self, ImportError> {
        let bytes = std::fs::read(path).map_err(|error| ImportError::Read {
            path: path.display().to_string(),
            error,
        })?;
        // OFAC files are Windows-1252 in places; decode what is not UTF-8 byte by byte as
        // Latin-1 rather than refusing the list.
        let content = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
        };
        Ok(Self {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            content,
        })
    }

    fn provenance(&self) -> String {
        format!(
            "{} sha256:{}",
            self.name,
            hex::encode(Sha256::digest(self.content.as_bytes()))
        )
    }
}

/// One list's entities from one import, with the provenance of the files they came from.
pub struct ParsedList {
    pub source: String,
    pub entities: Vec<ListEntity>,
    pub files: Vec<String>,
}

/// Parses the files and groups the entities by list (OFAC's SDN and consolidated lists are
/// separate sources). Pure: nothing is stored.
pub fn parse(format: ListFormat, files: &[ListFile]) -> Result<Vec<ParsedList>, ImportError> {
    let parse_err = |e: import::ParseError| ImportError::Parse(e.to_string());
    let mut out = Vec::new();
    match format {
        ListFormat::OfacCsv => {
            // Files are recognised by name: sdn/cons_prim (primary), alt, add.
            for (list, primary, alt, add) in [
                ("ofac_sdn", "sdn", "alt", "add"),
                ("ofac_cons", "cons_prim", "cons_alt", "cons_add"),
            ] {
                let find = |stem: &str| {
                    files.iter().find(|f| {
                        let n = f.name.to_ascii_lowercase();
                        n == format!("{stem}.csv") || n == stem
                    })
                };
                let Some(p) = find(primary) else { continue };
                let a = find(alt);
                let d = find(add);
                let names = [
                    p.name.as_str(),
                    a.map(|f| f.name.as_str()).unwrap_or(alt),
                    d.map(|f| f.name.as_str()).unwrap_or(add),
                ];
                let entities = import::parse_ofac(
                    &p.content,
                    a.map(|f| f.content.as_str()),
                    d.map(|f| f.content.as_str()),
                    list,
                    names,
                )
                .map_err(parse_err)?;
                if entities.is_empty() {
                    return Err(ImportError::Parse(format!("{}: no entities", p.name)));
                }
                let provenance = [Some(p), a, d]
                    .into_iter()
                    .flatten()
                    .map(ListFile::provenance)
                    .collect();
                out.push(ParsedList {
                    source: list.to_owned(),
                    entities,
                    files: provenance,
                });
            }
            if out.is_empty() {
                return Err(ImportError::Usage(
                    "ofac-csv needs sdn.csv or cons_prim.csv (with alt/add files beside them)"
                        .into(),
                ));
            }
        }
        ListFormat::UnXml => {
            for f in files {
                let entities =
                    import::parse_un(&f.content).map_err(|e| parse_err(e.in_file(&f.name)))?;
                if entities.is_empty() {
                    return Err(ImportError::Parse(format!("{}: no entities", f.name)));
                }
                out.push(ParsedList {
                    source: "un".to_owned(),
                    entities,
                    files: vec![f.provenance()],
                });
            }
        }
        ListFormat::Ftm => {
            for f in files {
                let entities =
                    import::parse_ftm(&f.content).map_err(|e| parse_err(e.in_file(&f.name)))?;
                if entities.is_empty() {
                    return Err(ImportError::Parse(format!("{}: no entities", f.name)));
                }
                // One source per dataset named in the entities.
                let mut by_list: std::collections::BTreeMap<String, Vec<ListEntity>> =
                    Default::default();
                for e in entities {
                    by_list.entry(e.list.clone()).or_default().push(e);
                }
                for (source, entities) in by_list {
                    out.push(ParsedList {
                        source,
                        entities,
                        files: vec![f.provenance()],
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Stores each parsed list as a new version (one transaction each).
pub async fn store(
    db: &Db,
    format: ListFormat,
    parsed: Vec<ParsedList>,
) -> Result<Vec<SanctionsVersion>, ImportError> {
    let mut versions = Vec::new();
    for ParsedList {
        source,
        entities,
        files,
    } in parsed
    {
        let version = SanctionsVersion {
            id: gatehouse_core::ids::AttemptId::new().to_string(),
            source,
            format: format.as_str().to_owned(),
            files,
            entity_count: entities.len() as u64,
            imported_at: crate::service::now(),
        };
        let rows: Vec<(String, String)> = entities
            .iter()
            .map(|e| {
                serde_json::to_string(e)
                    .map(|json| (e.entity_id.clone(), json))
                    .map_err(|e| ImportError::Parse(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        db.import_version(&version, &rows).await?;
        versions.push(version);
    }
    Ok(versions)
}

/// The index over the current versions and which versions it holds.
pub struct Screening {
    current: RwLock<(Vec<String>, Arc<Index>)>,
    pub threshold: f64,
}

impl Screening {
    pub fn empty(threshold: f64) -> Self {
        Self {
            current: RwLock::new((Vec::new(), Arc::new(Index::build(Vec::<ListEntity>::new())))),
            threshold,
        }
    }

    /// Builds the index from the current versions in the database.
    pub async fn build(db: &Db) -> Result<(Vec<String>, Index), ApiError> {
        let versions = db.current_versions().await?;
        let mut candidates = Vec::new();
        for v in &versions {
            for json in db.version_entities(&v.id).await? {
                let entity: ListEntity = serde_json::from_str(&json).map_err(ApiError::internal)?;
                candidates.push(entity);
            }
        }
        let ids = versions.into_iter().map(|v| v.id).collect();
        let index = tokio::task::spawn_blocking(move || Index::build(candidates))
            .await
            .map_err(ApiError::internal)?;
        Ok((ids, index))
    }

    /// Rebuilds when the database's current versions differ; returns the new version ids.
    pub async fn refresh(&self, db: &Db) -> Result<Option<Vec<String>>, ApiError> {
        let ids: Vec<String> = db
            .current_versions()
            .await?
            .into_iter()
            .map(|v| v.id)
            .collect();
        if ids == self.versions() {
            return Ok(None);
        }
        let (ids, index) = Self::build(db).await?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = (ids.clone(), Arc::new(index));
        tracing::info!(versions = ids.len(), "sanctions index rebuilt");
        Ok(Some(ids))
    }

    pub fn versions(&self) -> Vec<String> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
    }

    pub fn index(&self) -> Arc<Index> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clone()
    }

    /// Screens a name; hits at or above `threshold` (the configured one if `None`).
    pub fn screen(&self, query: &Query, threshold: Option<f64>, limit: usize) -> Vec<Hit> {
        self.index()
            .screen(query, threshold.unwrap_or(self.threshold), limit)
    }
}

/// The query for an applicant: typed name (and native name, screened separately), birth date,
/// nationality; always a person.
pub fn applicant_queries(data: &ApplicationData) -> Vec<Query> {
    let p = &data.person;
    let mut out = Vec::new();
    let name = [p.given_names.as_ref(), p.surname.as_ref()]
        .into_iter()
        .flatten()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let base = Query {
        name: String::new(),
        birth_date: p.date_of_birth.map(|d| d.to_string()),
        nationality: p.nationality.map(|c| c.as_str().to_owned()),
        kind: Some(gatehouse_checks::sanctions::matcher::EntityKind::Person),
    };
    if !name.trim().is_empty() {
        out.push(Query {
            name,
            ..base.clone()
        });
    }
    if let Some(native) = &p.native_name {
        out.push(Query {
            name: native.as_str().to_owned(),
            ..base
        });
    }
    out
}

/// Screens an applicant with every query; the best hit per entity.
pub fn screen_applicant(screening: &Screening, data: &ApplicationData) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    for q in applicant_queries(data) {
        for h in screening.screen(&q, None, 10) {
            match hits
                .iter_mut()
                .find(|x| x.list == h.list && x.entity_id == h.entity_id)
            {
                Some(existing) if existing.score >= h.score => {}
                Some(existing) => *existing = h,
                None => hits.push(h),
            }
        }
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits
}

/// Page size of a re-screening step; the cursor is saved after each page.
const PAGE: u32 = 200;

/// Runs (or resumes) re-screening of approved applications against the current versions:
/// one page per call, so a restart loses at most a page of work. Returns whether work remains.
pub async fn rescreen_step(
    db: &Db,
    screening: &Screening,
    review: &crate::config::Review,
) -> Result<bool, ApiError> {
    let versions = screening.versions();
    if versions.is_empty() {
        return Ok(false);
    }
    let now = crate::service::now();
    let mut job = match db.latest_rescreen_job().await? {
        Some(j) if j.versions == versions => j,
        _ => {
            let job = RescreenJob {
                id: gatehouse_core::ids::AttemptId::new().to_string(),
                versions,
                status: "running".into(),
                cursor: None,
                screened: 0,
                hits: 0,
                started_at: now,
                updated_at: now,
            };
            db.save_rescreen_job(&job).await?;
            tracing::info!(job = %job.id, "sanctions re-screening started");
            job
        }
    };
    if job.status == "done" {
        return Ok(false);
    }
    let before = job
        .cursor
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    let page = db
        .list_applications(Some(ApplicationStatus::Approved), PAGE, before)
        .await?;
    for application in &page {
        let hits = screen_applicant(screening, &application.data);
        if !hits.is_empty() {
            job.hits += 1;
            let alert = SanctionsAlert {
                id: gatehouse_core::ids::AttemptId::new().to_string(),
                account_id: application.account_id,
                application_id: application.id,
                origin: format!("rescreen:{}", job.id),
                hits: serde_json::to_value(&hits).map_err(ApiError::internal)?,
                status: "open".into(),
                created_at: now,
            };
            db.add_sanctions_alert(&alert).await?;
            crate::service::review::open_rescreen_case(
                db,
                review,
                application,
                &alert.id,
                &alert.hits,
            )
            .await?;
        }
        job.screened += 1;
        job.cursor = Some(application.id.to_string());
    }
    let more = page.len() as u32 == PAGE;
    if !more {
        job.status = "done".into();
        tracing::info!(job = %job.id, screened = job.screened, hits = job.hits, "sanctions re-screening finished");
    }
    job.updated_at = Utc::now();
    db.save_rescreen_job(&job).await?;
    Ok(more)
}

/// A hit as the API and the CLI print it.
/// The score is rounded to three decimals for reading.
pub fn hit_json(h: &Hit) -> serde_json::Value {
    let mut report = h.report();
    report["score"] = serde_json::Value::from((h.score * 1000.0).round() / 1000.0);
    report
}
