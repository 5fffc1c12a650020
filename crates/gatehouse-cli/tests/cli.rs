//! The `gatehouse` binary as an operator uses it: fresh folder, no configuration.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use gatehouse_store::testing::TestDb;
use gatehouse_store::Backend;

fn gatehouse(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("GATEHOUSE_CONFIG")
        .env_remove("GATEHOUSE_DATABASE_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run gatehouse")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path, listen: &str, env: &[(&str, &str)]) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.current_dir(dir)
        .args(["serve", "--listen", listen])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    Server(cmd.spawn().expect("start server"))
}

fn wait_ready(dir: &Path, url: &str, env: &[(&str, &str)]) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if gatehouse(dir, &["healthcheck", "--url", url], env)
            .status
            .success()
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("server at {url} never became ready");
}

#[test]
fn migrate_keys_and_errors_in_a_fresh_folder() {
    let dir = tempfile::tempdir().unwrap();
    let first = gatehouse(dir.path(), &["migrate"], &[]);
    assert!(first.status.success(), "{first:?}");
    assert_eq!(
        stdout(&first),
        "applied 0001_init\napplied 0002_identity_graph\napplied 0003_sanctions\napplied 0004_images\napplied 0006_review\napplied 0007_webhooks\napplied 0008_readings\napplied 0009_liveness\n"
    );
    assert!(dir.path().join("gatehouse-data/gatehouse.db").exists());
    assert_eq!(
        stdout(&gatehouse(dir.path(), &["migrate"], &[])),
        "database is up to date\n"
    );

    let created = gatehouse(
        dir.path(),
        &[
            "keys",
            "create",
            "--name",
            "backend",
            "--scope",
            "integration",
        ],
        &[],
    );
    assert!(created.status.success());
    let key = stdout(&created);
    assert_eq!(key.lines().count(), 1, "the key alone: {key:?}");
    assert!(key.starts_with("ghk_") && key.trim().len() == 68);
    let list = stdout(&gatehouse(dir.path(), &["keys", "list"], &[]));
    assert!(list.contains("integration") && list.contains("backend") && list.contains("active"));
    assert!(!list.contains(key.trim()), "secrets are never listed");
    let id = list.split('\t').next().unwrap().to_owned();
    assert!(gatehouse(dir.path(), &["keys", "revoke", &id], &[])
        .status
        .success());
    let again = gatehouse(dir.path(), &["keys", "revoke", &id], &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("no active key"));

    let bad_scope = gatehouse(
        dir.path(),
        &["keys", "create", "--name", "x", "--scope", "root"],
        &[],
    );
    assert_eq!(bad_scope.status.code(), Some(2));
    let bad_config = gatehouse(
        dir.path(),
        &["migrate"],
        &[("GATEHOUSE_KYC__MAX_ATTEMPTS", "lots")],
    );
    assert_eq!(bad_config.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_config.stderr).contains("GATEHOUSE_KYC__MAX_ATTEMPTS"));
    let missing = gatehouse(dir.path(), &["--config", "nope.toml", "migrate"], &[]);
    assert_eq!(missing.status.code(), Some(1));
    let bad_db = gatehouse(
        dir.path(),
        &["migrate"],
        &[("GATEHOUSE_DATABASE_URL", "mysql://x")],
    );
    assert_eq!(bad_db.status.code(), Some(1));
}

/// Serves on the embedded default and on PostgreSQL; the operator key made by the CLI works
/// against the server; healthcheck follows the server's life.
#[tokio::test(flavor = "multi_thread")]
async fn serve_healthcheck_and_keys_share_the_configuration() {
    let pg = TestDb::new(Backend::Postgres).await;
    for database in [None, Some(pg.url.as_str())] {
        let dir = tempfile::tempdir().unwrap();
        let env: Vec<(&str, &str)> = database
            .iter()
            .map(|u| ("GATEHOUSE_DATABASE_URL", *u))
            .collect();
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let url = format!("http://{listen}");
        let key = stdout(&gatehouse(
            dir.path(),
            &["keys", "create", "--name", "ops", "--scope", "admin"],
            &env,
        ));
        let server = serve(dir.path(), &listen, &env);
        wait_ready(dir.path(), &url, &env);
        let with_listen: Vec<(&str, &str)> = env
            .iter()
            .copied()
            .chain([("GATEHOUSE_LISTEN", listen.as_str())])
            .collect();
        assert!(gatehouse(dir.path(), &["healthcheck"], &with_listen)
            .status
            .success());

        let keys: serde_json::Value = reqwest::Client::new()
            .get(format!("{url}/v1/admin/keys"))
            .bearer_auth(key.trim())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(keys["keys"][0]["name"], "ops", "{keys}");

        drop(server);
        let down = gatehouse(dir.path(), &["healthcheck", "--url", &url], &env);
        assert_eq!(down.status.code(), Some(1));
        if database.is_none() {
            assert!(dir.path().join("gatehouse-data/files").is_dir());
        }
    }
}

fn inspect(args: &[&str], stdin: &str) -> (Option<i32>, serde_json::Value, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .arg("inspect")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn inspect_prints_what_the_checks_see() {
    let mrz = "  P<CHNZHANG<<SANFENG<<<<<<<<<<<<<<<<<<<<<<<<<\n\
               E123456782CHN9001022M3501014<<<<<<<<<<<<<<<2\n";
    let (code, json, _) = inspect(&["mrz"], mrz);
    assert_eq!(code, Some(0));
    assert_eq!(json["format"], "TD3");
    assert_eq!(json["valid"], true);
    assert_eq!(json["fields"]["surname"], "ZHANG");
    assert_eq!(json["fields"]["birth_date"], "900102");
    assert_eq!(json["checks"]["composite"], true);
    let (code, json, _) = inspect(&["mrz"], &mrz.replace("E123456782", "E123456792"));
    assert_eq!(code, Some(0), "an invalid MRZ is still an MRZ");
    assert_eq!(json["valid"], false);
    assert_eq!(json["checks"]["document_number"], false);
    let (code, _, stderr) = inspect(&["mrz"], "hello\n");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("not an MRZ"), "{stderr}");

    let (code, json, _) = inspect(&["id-number", "--country", "CN", "11010519491231002X"], "");
    assert_eq!(code, Some(0));
    assert_eq!(json["valid"], true);
    assert_eq!(json["birth_date"], "1949-12-31");
    assert_eq!(json["sex"], "F");
    assert!(json["region"].as_str().unwrap().contains("北京"));
    let (_, json, _) = inspect(&["id-number", "--country", "CN", "110105194912310021"], "");
    assert_eq!(json["valid"], false);
    assert!(!json["errors"].as_array().unwrap().is_empty());
    let (code, _, _) = inspect(&["id-number", "--country", "ZZ", "1"], "");
    assert_eq!(code, Some(1));

    let (_, json, _) = inspect(&["name-match", "张三丰", "ZHANG SANFENG"], "");
    assert_eq!(json["match"], true);
    assert!(json["score"].as_f64().unwrap() >= 0.8);
    let (_, json, _) = inspect(&["name-match", "ZHANG SANFENG", "ZHANG SANFEN"], "");
    assert_eq!(json["match"], false);
    assert!(json["why"].as_str().unwrap().contains("differs"));
}

#[test]
fn inspect_ip_geolocates_and_names_the_rule() {
    use gatehouse_checks::geoip::testing::build;
    use maxminddb_writer::metadata::IpVersion;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("geo.mmdb");
    let bytes = build(
        IpVersion::V6,
        &[(
            "203.0.113.0/24",
            serde_json::json!({"country": {"iso_code": "RU"},
                               "subdivisions": [{"iso_code": "MOW"}]}),
        )],
    );
    std::fs::write(&db, bytes).unwrap();
    let db = db.to_str().unwrap();
    let out = gatehouse(
        dir.path(),
        &["inspect", "ip", "--database", db, "203.0.113.5"],
        &[("GATEHOUSE_BLOCKED_COUNTRIES", "RU")],
    );
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["country"], "RU");
    assert_eq!(json["subdivision"], "RU-MOW");
    assert_eq!(json["rule"], "registration.ip.blocked:RU");
    let unknown = gatehouse(
        dir.path(),
        &["inspect", "ip", "--database", db, "10.0.0.1"],
        &[],
    );
    let json: serde_json::Value = serde_json::from_slice(&unknown.stdout).unwrap();
    assert_eq!(json["country"], serde_json::Value::Null);
    assert_eq!(json["rule"], "default.allow");
    let bad = gatehouse(
        dir.path(),
        &["inspect", "ip", "--database", db, "not-an-ip"],
        &[],
    );
    assert_eq!(bad.status.code(), Some(1));
    let no_db = gatehouse(dir.path(), &["inspect", "ip", "203.0.113.5"], &[]);
    assert_eq!(no_db.status.code(), Some(1));
}

#[test]
fn sanctions_import_and_screen() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.ftm.json");
    std::fs::write(
        &list,
        "{\"id\":\"p1\",\"schema\":\"Person\",\"datasets\":[\"demo\"],\
          \"properties\":{\"name\":[\"Ivan Petrovich Sidorov\"],\"birthDate\":[\"1970-03-04\"]}}\n\
         {\"id\":\"c1\",\"schema\":\"Company\",\"datasets\":[\"demo\"],\
          \"properties\":{\"name\":[\"Sidorov Trading LLC\"]}}\n",
    )
    .unwrap();
    let list = list.to_str().unwrap();
    let none = gatehouse(
        dir.path(),
        &["sanctions", "screen", "--name", "Ivan Sidorov"],
        &[],
    );
    assert_eq!(none.status.code(), Some(1), "no list imported yet");
    let imported = gatehouse(
        dir.path(),
        &["sanctions", "import", "--format", "ftm", list],
        &[],
    );
    assert!(imported.status.success(), "{imported:?}");
    let line: serde_json::Value = serde_json::from_str(stdout(&imported).trim()).unwrap();
    assert_eq!(line["entities"], 2);
    assert_eq!(line["source"], "ftm:demo");

    let out = gatehouse(
        dir.path(),
        &[
            "sanctions",
            "screen",
            "--name",
            "Ivan Sidorov",
            "--dob",
            "1970-03-04",
        ],
        &[],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["hits"][0]["entity_id"], "p1", "{json}");
    assert_eq!(json["hits"][0]["list"], "ftm:demo");

    let batch = dir.path().join("q.jsonl");
    std::fs::write(
        &batch,
        "{\"name\":\"Ivan Sidorov\"}\n{\"name\":\"Nobody Known\"}\n",
    )
    .unwrap();
    let out = gatehouse(
        dir.path(),
        &["sanctions", "screen", "--batch", batch.to_str().unwrap()],
        &[],
    );
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains("\"p1\""));
    assert_eq!(lines[1], "{\"hits\":[]}");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"id\":\"x\"\n").unwrap();
    let failed = gatehouse(
        dir.path(),
        &[
            "sanctions",
            "import",
            "--format",
            "ftm",
            broken.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("broken.json:1"));
}

fn gatehouse_stdin(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("GATEHOUSE_CONFIG")
        .env_remove("GATEHOUSE_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run gatehouse");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Staff users from the CLI (password on stdin), then the audit chain: intact, then tampered
/// with in SQL, which `audit verify` names.
async fn users_and_a_tampered_audit_log(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(backend).await;
    let env = [("GATEHOUSE_DATABASE_URL", db.url.as_str())];
    for (email, role) in [
        ("alice@bank.example", "reviewer"),
        ("sam@bank.example", "senior-reviewer"),
        ("ada@bank.example", "admin"),
    ] {
        let o = gatehouse_stdin(
            dir.path(),
            &["users", "create", "--email", email, "--role", role],
            &env,
            "a long staff passphrase\n",
        );
        assert!(o.status.success(), "{o:?}");
        assert!(stdout(&o).contains(email));
    }
    let weak = gatehouse_stdin(
        dir.path(),
        &[
            "users",
            "create",
            "--email",
            "w@bank.example",
            "--role",
            "reviewer",
        ],
        &env,
        "short\n",
    );
    assert_eq!(weak.status.code(), Some(1));
    let dup = gatehouse_stdin(
        dir.path(),
        &[
            "users",
            "create",
            "--email",
            "alice@bank.example",
            "--role",
            "admin",
        ],
        &env,
        "a long staff passphrase\n",
    );
    assert_eq!(dup.status.code(), Some(1));
    let list = stdout(&gatehouse(dir.path(), &["users", "list"], &env));
    assert!(list.contains("senior_reviewer") && list.contains("ada@bank.example"));

    let ok = gatehouse(dir.path(), &["audit", "verify"], &env);
    assert!(ok.status.success(), "{ok:?}");
    assert_eq!(stdout(&ok), "audit log intact: 3 entries\n");

    // The table refuses changes; someone with the database's keys drops the guard and edits
    // entry 2.
    assert!(db
        .execute("UPDATE audit_log SET actor = 'x' WHERE seq = 2")
        .await
        .is_err());
    match backend {
        Backend::Sqlite => {
            db.execute("DROP TRIGGER audit_log_no_update")
                .await
                .unwrap();
        }
        Backend::Postgres => {
            db.execute("DROP TRIGGER audit_log_append_only ON audit_log")
                .await
                .unwrap();
        }
    }
    let changed = db
        .execute(
            "UPDATE audit_log SET after_state = '{\"email\":\"mallory@bank.example\",\"role\":\"senior_reviewer\"}' WHERE seq = 2",
        )
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let broken = gatehouse(dir.path(), &["audit", "verify"], &env);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stdout(&broken).starts_with("audit log broken at entry 2:"),
        "{}",
        stdout(&broken)
    );
}

#[tokio::test]
async fn users_and_a_tampered_audit_log_sqlite() {
    users_and_a_tampered_audit_log(Backend::Sqlite).await;
}

#[tokio::test]
async fn users_and_a_tampered_audit_log_postgres() {
    users_and_a_tampered_audit_log(Backend::Postgres).await;
}

fn fixture(name: &str) -> String {
    format!(
        "{}/../gatehouse-checks/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn inspect_read_mrz_reads_a_document_photo() {
    let td3 = fixture("td3.jpg");
    let (code, json, stderr) = inspect(&["read-mrz", &td3], "");
    assert_eq!(code, Some(0), "{stderr}");
    // The JSON of `inspect mrz` for the lines read ...
    let lines = json["raw_lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(json["format"], "TD3");
    assert_eq!(json["valid"], true);
    assert_eq!(json["fields"]["surname"], "HOLMGREN");
    assert_eq!(json["fields"]["given_names"], "SARA ELIN");
    assert_eq!(json["fields"]["document_number"], "X0O4512Z0");
    assert_eq!(json["checks"]["composite"], true);
    assert!(json["errors"].is_array());
    // ... plus what the reading adds.
    assert!(json["corrections"].is_array());
    let confidence = json["confidence"].as_f64().unwrap();
    assert!(confidence > 0.5 && confidence <= 1.0, "{confidence}");
    assert!(json["elapsed_ms"].as_u64().is_some());

    let (code, _, stderr) = inspect(&["read-mrz", &fixture("no-mrz.jpg")], "");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no MRZ found"), "{stderr}");

    let not_image = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_image.path(), b"P<UTO not an image").unwrap();
    let (code, _, stderr) = inspect(&["read-mrz", not_image.path().to_str().unwrap()], "");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("not a readable image"), "{stderr}");

    let (code, _, stderr) = inspect(&["read-mrz", "/nonexistent/photo.jpg"], "");
    assert_eq!(code, Some(1));
    assert!(stderr.contains("cannot read"), "{stderr}");
}

/// A document photo of unknown side shows its faces but needs none; `--side front` asks for
/// the portrait.
#[test]
fn inspect_image_asks_for_a_portrait_only_on_a_front() {
    use gatehouse_checks::faces::testing::{background, default_detector};
    use gatehouse_checks::imaging::testing::encode_jpeg;
    if default_detector().is_none() {
        return;
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), encode_jpeg(&background(7, 480, 320, 1.0))).unwrap();
    let path = file.path().to_str().unwrap();
    let codes = |json: &serde_json::Value| -> Vec<String> {
        json["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let (code, json, stderr) = inspect(&["image", "--kind", "document", path], "");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(json["metrics"]["faces"].is_object(), "{json}");
    assert!(!codes(&json).contains(&"DOCUMENT_PORTRAIT_NOT_FOUND".to_owned()));
    let (_, json, _) = inspect(
        &["image", "--kind", "document", "--side", "front", path],
        "",
    );
    assert!(
        codes(&json).contains(&"DOCUMENT_PORTRAIT_NOT_FOUND".to_owned()),
        "{json}"
    );
    let (code, _, stderr) = inspect(&["image", "--side", "sideways", path], "");
    assert_ne!(code, Some(0));
    assert!(stderr.contains("--side"), "{stderr}");
}
