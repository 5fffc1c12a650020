//! `FileStore` against a real S3-protocol server: `s3s-fs` (an S3 server that keeps objects
//! as plain files under a root folder), served over HTTP/1 on a random loopback port by the
//! test itself. Wired the way s3s-fs's own binary does it: `FileSystem` + `S3ServiceBuilder`
//! + `SimpleAuth` + a hyper connection per accepted socket.

use std::net::SocketAddr;
use std::path::Path;

use bytes::Bytes;
use gatehouse_store::objects::S3Options;
use gatehouse_store::{FileStore, StoreError};
use hyper_util::rt::TokioIo;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use s3s_fs::FileSystem;
use tokio::net::TcpListener;

const BUCKET: &str = "gatehouse-test";
const ACCESS_KEY: &str = "gatehouse-test-access-key";
const SECRET_KEY: &str = "gatehouse-test-secret-key";

/// Starts an s3s-fs server rooted at `root` on 127.0.0.1:0 with one access key; returns its
/// address. The accept loop runs on the test's runtime and ends with it.
async fn start_s3_server(root: &Path) -> SocketAddr {
    let fs = FileSystem::new(root).expect("s3s-fs root");
    let service = {
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
        builder.build()
    };

    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(socket), service.clone());
            tokio::spawn(async move {
                let _ = conn.await;
            });
        }
    });
    addr
}

fn options(addr: SocketAddr, access_key: &str, secret_key: &str) -> S3Options {
    S3Options {
        endpoint: Some(format!("http://{addr}")),
        region: Some("us-east-1".into()),
        access_key_id: Some(access_key.into()),
        secret_access_key: Some(secret_key.into()),
    }
}

/// A temp root holding the test bucket: s3s-fs maps each bucket to a sub-folder of its root.
fn root_with_bucket() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(root.path().join(BUCKET)).expect("bucket folder");
    root
}

/// A few KB of bytes that are not all the same, so truncation or reordering would show.
fn payload() -> Bytes {
    (0..5000u32)
        .map(|i| (i.wrapping_mul(31) % 251) as u8)
        .collect::<Vec<u8>>()
        .into()
}

#[tokio::test]
async fn file_store_round_trips_through_a_real_s3_server() {
    let root = root_with_bucket();
    let addr = start_s3_server(root.path()).await;
    let store = FileStore::open(
        &format!("s3://{BUCKET}/some/prefix"),
        &options(addr, ACCESS_KEY, SECRET_KEY),
    )
    .expect("open s3 store");
    assert_eq!(store.description(), format!("s3://{BUCKET}"));

    store.ping().await.expect("ping");

    let bytes = payload();
    store
        .put("applications/abc/file1", bytes.clone())
        .await
        .expect("put");
    let read = store.get("applications/abc/file1").await.expect("get");
    assert_eq!(read, bytes);

    let missing = store.get("applications/abc/no-such-file").await;
    assert!(
        matches!(missing, Err(StoreError::NotFound)),
        "expected NotFound, got {missing:?}"
    );

    // The S3 server itself stored the object: bucket folder + URL prefix + key, on disk.
    let on_disk = root
        .path()
        .join(BUCKET)
        .join("some/prefix/applications/abc/file1");
    let stored = std::fs::read(&on_disk)
        .unwrap_or_else(|e| panic!("object not on disk at {}: {e}", on_disk.display()));
    assert_eq!(stored, bytes);
}

#[tokio::test]
async fn wrong_credentials_make_put_fail() {
    let root = root_with_bucket();
    let addr = start_s3_server(root.path()).await;
    let store = FileStore::open(
        &format!("s3://{BUCKET}/some/prefix"),
        &options(addr, ACCESS_KEY, "not-the-secret"),
    )
    .expect("open s3 store");

    // s3s answers 403 SignatureDoesNotMatch; object_store does not retry that.
    let result = store
        .put("applications/abc/file1", Bytes::from_static(b"nope"))
        .await;
    assert!(
        matches!(
            result,
            Err(StoreError::Objects(
                object_store::Error::PermissionDenied { .. }
            ))
        ),
        "expected permission denied, got {result:?}"
    );
    let ping = store.ping().await;
    assert!(
        matches!(ping, Err(StoreError::Objects(_))),
        "ping with wrong credentials must fail, got {ping:?}"
    );
    assert!(
        !root
            .path()
            .join(BUCKET)
            .join("some/prefix/applications/abc/file1")
            .exists(),
        "a rejected put must not store anything"
    );
}
