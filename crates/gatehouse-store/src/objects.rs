//! Object storage for uploaded files: a local folder by default, S3-compatible in production.
//! The database stores object keys, never paths.

use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};

use crate::StoreError;

/// Settings for an S3-compatible store; unset values fall back to the standard `AWS_*`
/// environment variables.
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

/// Where uploaded files live.
#[derive(Clone, Debug)]
pub struct FileStore {
    inner: Arc<dyn ObjectStore>,
    description: String,
}

impl FileStore {
    /// Opens `file:///abs/folder` (created if missing) or `s3://bucket[/prefix]`.
    pub fn open(url: &str, s3: &S3Options) -> Result<Self, StoreError> {
        if let Some(folder) = url.strip_prefix("file://") {
            return Self::local(std::path::Path::new(folder));
        }
        let Some(rest) = url.strip_prefix("s3://") else {
            return Err(StoreError::Config(
                "storage URL must start with file:// or s3://".into(),
            ));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StoreError::Config("s3:// URL needs a bucket name".into()));
        }
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(endpoint) = &s3.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(region) = &s3.region {
            builder = builder.with_region(region);
        }
        if let Some(id) = &s3.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &s3.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder.build()?;
        let prefix = prefix.trim_matches('/');
        let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(store)
        } else {
            Arc::new(PrefixStore::new(store, prefix))
        };
        Ok(Self {
            inner,
            description: format!("s3://{bucket}"),
        })
    }

    /// A local folder, created if missing.
    pub fn local(folder: &std::path::Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(folder).map_err(|e| {
            StoreError::Config(format!(
                "cannot create storage folder {}: {e}",
                folder.display()
            ))
        })?;
        let store = LocalFileSystem::new_with_prefix(folder)?;
        Ok(Self {
            inner: Arc::new(store),
            description: "local folder".into(),
        })
    }

    /// For logs: the kind of store, without credentials.
    pub fn description(&self) -> &str {
        &self.description
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        self.inner
            .put(&Path::from(key), PutPayload::from_bytes(bytes))
            .await?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, StoreError> {
        match self.inner.get(&Path::from(key)).await {
            Ok(found) => Ok(found.bytes().await?),
            Err(object_store::Error::NotFound { .. }) => Err(StoreError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Reachability probe: asking for a key that does not exist must answer "not found".
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self
            .inner
            .head(&Path::from("_gatehouse/readiness-probe"))
            .await
        {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
