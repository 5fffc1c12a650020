use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use gatehouse_server::{AppState, Config};
use gatehouse_store::testing::TestDb;
use gatehouse_store::{Backend, Db, FileStore};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A running server with its own database and file folder.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub config: Config,
    pub db: TestDb,
    pub files: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
    /// The next seed for a generated picture: seeds 0, 1, 2… are checked to be different
    /// pictures to the duplicate check (gatehouse-checks' tests), so one test's accounts never
    /// share a photo by chance.
    pictures: AtomicU64,
    /// What `passport_application` uploaded, by (application id, slot).
    uploads: Mutex<HashMap<(String, String), Vec<u8>>>,
}

/// A response, read completely.
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json error with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.header("content-type"), "application/problem+json");
        assert_eq!(self.body["code"], code, "{}", self.body);
        assert_eq!(self.body["status"], status);
        for key in ["type", "title", "detail"] {
            assert!(self.body[key].is_string(), "{key} missing in {}", self.body);
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_with(backend, |_| {}).await
}

pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDb::new(backend).await;
    let files = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        database_url: db.url.clone(),
        data_dir: files.path().to_path_buf(),
        ..Config::default()
    };
    // Without Debian's opencv-data (and outside CI, which sets GATEHOUSE_SHARED_DATA) the
    // face checks are off rather than every test failing at start-up.
    if !std::path::Path::new(&config.faces.model).exists()
        && std::env::var_os("GATEHOUSE_SHARED_DATA").is_none()
    {
        eprintln!(
            "face model {} not installed: face checks off",
            config.faces.model
        );
        config.faces.model = String::new();
    }
    adjust(&mut config);
    let store = FileStore::local(&files.path().join("files")).expect("file store");
    let state = AppState::new(config.clone(), db.db.clone(), store).expect("state");
    let (base, server) = start(state).await;
    TestApp {
        base,
        client: reqwest::Client::new(),
        config,
        db,
        files,
        server,
        pictures: AtomicU64::new(0),
        uploads: Mutex::new(HashMap::new()),
    }
}

async fn start(state: AppState) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        gatehouse_server::serve(listener, state, std::future::pending())
            .await
            .unwrap();
    });
    (format!("http://{addr}"), server)
}

impl TestApp {
    /// Whether the face checks run (the model is installed).
    pub fn faces_on(&self) -> bool {
        !self.config.faces.model.is_empty()
    }

    /// Stops the server and starts a new one on the same database and files, with fresh
    /// connections, as after a process restart.
    pub async fn restart(&mut self) {
        self.server.abort();
        let db = Db::connect(&self.db.url, 2).await.unwrap();
        let store = FileStore::local(&self.files.path().join("files")).unwrap();
        let state = AppState::new(self.config.clone(), db, store).expect("state");
        let (base, server) = start(state).await;
        self.base = base;
        self.server = server;
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some((content_type, bytes)) = body {
            req = req.header("content-type", content_type).body(bytes);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body").to_vec();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            bytes,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.request(Method::GET, path, token, &[], None).await
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Reply {
        let bytes = serde_json::to_vec(&body).unwrap();
        self.request(method, path, token, &[], Some(("application/json", bytes)))
            .await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send_json(Method::POST, path, token, body).await
    }

    /// Registers `email` and signs in; returns the session token.
    pub async fn signed_in(&self, email: &str) -> String {
        let r = self
            .post_json(
                "/v1/accounts",
                None,
                json!({"email": email, "password": PASSWORD, "terms_version": "2026-01"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        self.login(email).await
    }

    pub async fn login(&self, login: &str) -> String {
        let r = self
            .post_json(
                "/v1/sessions",
                None,
                json!({"login": login, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.body["token"].as_str().unwrap().to_owned()
    }

    pub async fn upload(&self, token: &str, app_id: &str, slot: &str, bytes: Vec<u8>) -> Reply {
        self.request(
            Method::PUT,
            &format!("/v1/kyc/applications/{app_id}/files/{slot}"),
            Some(token),
            &[],
            Some(("image/jpeg", bytes)),
        )
        .await
    }

    pub async fn submit(&self, token: &str, app_id: &str, headers: &[(&str, &str)]) -> Reply {
        self.request(
            Method::POST,
            &format!("/v1/kyc/applications/{app_id}/submit"),
            Some(token),
            headers,
            None,
        )
        .await
    }

    /// Creates an application from `body` and uploads the files a passport needs.
    pub async fn passport_application(&self, token: &str, body: Value) -> String {
        let r = self
            .post_json("/v1/kyc/applications", Some(token), body.clone())
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_str().unwrap().to_owned();
        // Each application gets its own photos, as each applicant takes their own.
        let seed = self.pictures.fetch_add(1, Ordering::Relaxed);
        let front = document_photo_seeded(&body, seed);
        let up = self
            .upload(token, &id, "document_front", front.clone())
            .await;
        assert_eq!(up.status, 201, "{}", up.body);
        let face = selfie_seeded(seed);
        let up = self.upload(token, &id, "selfie", face.clone()).await;
        assert_eq!(up.status, 201, "{}", up.body);
        let mut uploads = self.uploads.lock().unwrap();
        uploads.insert((id.clone(), "document_front".into()), front);
        uploads.insert((id.clone(), "selfie".into()), face);
        id
    }

    /// The bytes `passport_application` uploaded to `slot` of application `id`.
    pub fn uploaded(&self, id: &str, slot: &str) -> Vec<u8> {
        self.uploads.lock().unwrap()[&(id.to_owned(), slot.to_owned())].clone()
    }
}

/// The reason codes of a decision or pre-check body (`{reasons: [{code, ...}]}`), in order.
/// A body without a reasons list fails the test.
pub fn reason_codes(body: &Value) -> Vec<String> {
    body["reasons"]
        .as_array()
        .unwrap_or_else(|| panic!("no reasons in {body}"))
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

pub const PASSWORD: &str = "a long passphrase 4 tests";

/// A real JPEG photo of a card that passes the image checks; `tag` picks the picture (the
/// same tag, the same bytes).
pub fn jpeg(tag: &[u8]) -> Vec<u8> {
    use gatehouse_checks::imaging::testing::{card_jpeg, seed_of};
    card_jpeg(seed_of(tag), 480, 320)
}

/// A selfie that passes the image and face checks; `tag` picks the picture.
pub fn selfie(tag: &[u8]) -> Vec<u8> {
    selfie_seeded(gatehouse_checks::imaging::testing::seed_of(tag))
}

/// The selfie generated from `seed`.
pub fn selfie_seeded(seed: u64) -> Vec<u8> {
    gatehouse_checks::faces::testing::selfie_jpeg(seed, 480, 640)
}

/// A photo of the document an application body describes: for a passport, its data page with
/// the machine-readable zone typed in the body or, failing that, the one its data makes.
pub fn document_photo(body: &Value, tag: &str) -> Vec<u8> {
    document_photo_seeded(
        body,
        gatehouse_checks::imaging::testing::seed_of(tag.as_bytes()),
    )
}

/// `document_photo` generated from `seed`.
pub fn document_photo_seeded(body: &Value, seed: u64) -> Vec<u8> {
    use gatehouse_checks::imaging::testing::card_jpeg;
    use gatehouse_checks::ocr::testing::{passport_jpeg, td3_lines};
    let doc = &body["document"];
    let person = &body["person"];
    if doc["type"] != "passport" {
        return card_jpeg(seed, 480, 320);
    }
    let typed: Vec<String> = doc["mrz"]
        .as_str()
        .map(|m| {
            m.lines()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let lines = if typed.len() == 2 {
        [typed[0].clone(), typed[1].clone()]
    } else {
        let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
        let alpha3 = |v: &Value| {
            let code = text(v);
            gatehouse_core::country::CountryCode::parse(&code)
                .map(|c| c.alpha3().to_owned())
                .unwrap_or(code)
        };
        let yymmdd = |v: &Value| {
            let d = text(v).replace('-', "");
            if d.len() == 8 {
                d[2..].to_owned()
            } else {
                "<<<<<<".to_owned()
            }
        };
        td3_lines(
            &alpha3(&doc["issuing_country"]),
            &text(&person["surname"]),
            &text(&person["given_names"]),
            &text(&doc["number"]),
            &alpha3(&person["nationality"]),
            &yymmdd(&person["date_of_birth"]),
            text(&person["sex"]).chars().next().unwrap_or('<'),
            &yymmdd(&doc["expiry_date"]),
        )
    };
    passport_jpeg(seed, &lines)
}

/// A complete, valid passport application body.
pub fn passport(expiry: &str) -> Value {
    json!({
        "person": {"given_names": "Wei", "surname": "Li", "native_name": "李伟",
                   "date_of_birth": "1990-01-02", "nationality": "CN",
                   "residence_country": "CN", "sex": "M"},
        "document": {"type": "passport", "issuing_country": "CHN",
                     "number": "E12345678", "expiry_date": expiry}
    })
}
