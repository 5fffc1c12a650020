//! Registration-time linkage on a large identity graph in PostgreSQL: `record_identifiers` of a
//! new account's five identifiers, then `links`, through the real repository code, timed one
//! registration at a time. Also `links` alone for existing accounts, the index scans each
//! registration made, `EXPLAIN (ANALYZE, BUFFERS)` of both statements, and last `links` again
//! once one IP is held by a tenth of all accounts.
//!
//! `cargo bench -p gatehouse-store --bench linkage`; `GATEHOUSE_BENCH_ACCOUNTS` (default
//! 1,000,000) sets the graph size, `GATEHOUSE_BENCH_POSTGRES_URL` the server. The bench works in
//! a fresh `gatehouse_bench_<random>` database and drops it at the end, also on error, panic and
//! Ctrl-C. See bench/README.md for figures.

use std::error::Error;
use std::time::{Duration, Instant};

use chrono::Utc;
use gatehouse_core::ids::AccountId;
use gatehouse_core::linkage::{AccountStatus, IdentifierKind};
use gatehouse_store::models::{Account, Identifier};
use gatehouse_store::repo::{AccountRepo, IdentityRepo};
use gatehouse_store::Db;
use sqlx::{Connection, Executor, PgConnection, Row};

type BenchResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// As the server's `LINK_LIMIT` in gatehouse-server/src/service/linkage.rs.
const LINK_LIMIT: u32 = 1000;
const SAMPLES: usize = 2000;
/// Untimed first lookups: connections open and statements get prepared.
const WARMUP: usize = 100;
/// The hot-identifier phase can take ~200 ms a lookup (see bench/README.md): fewer lookups.
const HOT_SAMPLES: usize = 200;
const HOT_WARMUP: usize = 10;

/// The links query of src/sql/identities.rs, verbatim, with the server's limit; keep in step.
const LINKS_SQL: &str = "SELECT o.account_id, o.kind, o.masked, \
                    (SELECT a.status FROM accounts a WHERE a.id = o.account_id) AS status, \
                    m.last_seen AS mine_seen, o.last_seen AS theirs_seen \
             FROM identifiers m \
             JOIN identifiers o ON o.hash = m.hash AND o.account_id <> m.account_id \
             WHERE m.account_id = $1 \
             ORDER BY o.account_id, o.kind LIMIT 1000";
/// The upsert of src/sql/identities.rs, verbatim; keep in step.
const UPSERT_SQL: &str =
    "INSERT INTO identifiers (hash, account_id, kind, masked, first_seen, last_seen) \
                 VALUES ($1, $2, $3, $4, $5, $5) \
                 ON CONFLICT (hash, account_id) DO UPDATE SET last_seen = excluded.last_seen";

fn main() -> BenchResult<()> {
    let accounts: u64 = match std::env::var("GATEHOUSE_BENCH_ACCOUNTS") {
        Ok(v) => v.replace('_', "").parse()?,
        Err(_) => 1_000_000,
    };
    let admin_url = std::env::var("GATEHOUSE_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let rt = tokio::runtime::Runtime::new()?;
    let bench_db = rt.block_on(BenchDb::create(&admin_url))?;
    println!(
        "identity graph linkage: {accounts} accounts x 5 identifiers, database {}",
        bench_db.name
    );
    rt.block_on(async {
        tokio::select! {
            r = run(&bench_db.url, accounts) => r,
            _ = tokio::signal::ctrl_c() => Err("interrupted".into()),
        }
    })
    // `bench_db` drops the database here, also when `run` failed or panicked.
}

async fn run(url: &str, accounts: u64) -> BenchResult<()> {
    let db = Db::connect(url, 5).await?;
    db.migrate().await?;
    db.close().await;
    let mut conn = PgConnection::connect(url).await?;
    let server: String = sqlx::query_scalar(
        "SELECT split_part(version(), ' ', 2) || ', shared_buffers ' || \
         current_setting('shared_buffers') || ', work_mem ' || current_setting('work_mem')",
    )
    .fetch_one(&mut conn)
    .await?;
    println!(
        "server: PostgreSQL {server}; load average {}",
        load_average()
    );
    load(&mut conn, accounts).await?;
    describe_graph(&mut conn).await?;

    let last_new = registrations(&mut conn, url).await?;

    println!(
        "\nlinks alone for existing accounts, {SAMPLES} sequential lookups each after {WARMUP} \
         warm-up"
    );
    let n = SAMPLES + WARMUP;
    let random = account_ids(&mut conn, "SELECT id FROM accounts", n).await?;
    let linked = account_ids(
        &mut conn,
        "SELECT DISTINCT account_id FROM identifiers WHERE hash IN \
         (SELECT hash FROM identifiers GROUP BY hash HAVING count(*) > 1)",
        n,
    )
    .await?;
    print_header();
    print_row(
        "random accounts",
        &mut time_links(url, &random, WARMUP).await?,
    );
    print_row(
        "accounts with links",
        &mut time_links(url, &linked, WARMUP).await?,
    );

    let linked_id = *linked.first().ok_or("no linked account")?;
    explain_links(&mut conn, "an existing account with links", linked_id).await?;
    explain_links(&mut conn, "the last new registration", last_new).await?;
    explain_upserts(&mut conn, &linked_id.to_string()).await?;

    hot_identifier(&mut conn, url, accounts).await?;
    conn.close().await?;
    Ok(())
}

/// Times `SAMPLES` registrations after `WARMUP` untimed ones; returns the last new account.
async fn registrations(conn: &mut PgConnection, url: &str) -> BenchResult<AccountId> {
    // Existing hashes a new account may share.
    let mut pools = Vec::new();
    for kind in ["device", "ip", "document"] {
        let hashes: Vec<String> = sqlx::query_scalar(
            "SELECT hash FROM identifiers WHERE kind = $1 ORDER BY random() LIMIT $2",
        )
        .bind(kind)
        .bind((SAMPLES + WARMUP) as i64)
        .fetch_all(&mut *conn)
        .await?;
        pools.push(hashes);
    }
    println!(
        "\nregistration linkage: create account (untimed), record_identifiers(5), \
         links(limit {LINK_LIMIT});\n{SAMPLES} sequential registrations after {WARMUP} warm-up; \
         reuse odds: device 10%, ip 20%, document 2%"
    );
    let db = Db::connect(url, 5).await?;
    let mut rng = SplitMix(0x6761_7465_686f_7573);
    let (mut record, mut link, mut total) = (Vec::new(), Vec::new(), Vec::new());
    let (mut linked, mut found) = (0, 0);
    let mut last_new = AccountId::new();
    for i in 0..SAMPLES + WARMUP {
        if i == WARMUP {
            // Idle backends report their counts within 10 s; then the warm-up's are in.
            tokio::time::sleep(Duration::from_secs(11)).await;
            reset_stats(conn).await?;
        }
        let account = new_account(i);
        db.create_account(&account, "$argon2id$bench").await?;
        let identifiers = registration_identifiers(&mut rng, &pools);
        let now = Utc::now();
        let started = Instant::now();
        db.record_identifiers(account.id, &identifiers, now).await?;
        let recorded = Instant::now();
        let links = db.links(account.id, LINK_LIMIT).await?;
        let done = Instant::now();
        if i >= WARMUP {
            record.push(recorded - started);
            link.push(done - recorded);
            total.push(done - started);
            linked += usize::from(!links.is_empty());
            found += links.len();
        }
        last_new = account.id;
    }
    db.close().await;
    println!("registrations with at least one link: {linked}/{SAMPLES}, links returned: {found}");
    // Timings on a shared machine: other work shows here (1, 5, 15 minutes).
    println!("load average after the timed runs: {}", load_average());
    print_header();
    print_row("record_identifiers", &mut record);
    print_row("links", &mut link);
    print_row("record + links", &mut total);
    print_index_scans(conn, SAMPLES).await?;
    Ok(last_new)
}

/// `links` for each account in turn, through a fresh pool; the first `warmup` are not kept.
async fn time_links(url: &str, ids: &[AccountId], warmup: usize) -> BenchResult<Vec<Duration>> {
    let db = Db::connect(url, 5).await?;
    let mut times = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let started = Instant::now();
        db.links(*id, LINK_LIMIT).await?;
        if i >= warmup {
            times.push(started.elapsed());
        }
    }
    db.close().await;
    Ok(times)
}

/// Growth risk, measured last because it changes the graph: one IP held by a tenth of all
/// accounts (a proxy or carrier NAT missing from the shared networks). Its frequency enters
/// the planner's join estimate for every account, not only for its holders.
async fn hot_identifier(conn: &mut PgConnection, url: &str, accounts: u64) -> BenchResult<()> {
    const HOT: &str = "encode(sha256(convert_to('ip:hot', 'UTF8')), 'hex')";
    let holders = (accounts / 10).max(2);
    let step = Instant::now();
    conn.execute(
        format!(
            "UPDATE identifiers SET hash = {HOT} WHERE kind = 'ip' AND account_id IN \
               (SELECT id FROM accounts ORDER BY md5(id) LIMIT {holders})"
        )
        .as_str(),
    )
    .await?;
    conn.execute("VACUUM (ANALYZE) identifiers").await?;
    println!(
        "\nhot identifier: one IP now held by {holders} accounts ({:.1} s to set up); links alone, \
         {HOT_SAMPLES} lookups each after {HOT_WARMUP} warm-up",
        step.elapsed().as_secs_f64()
    );
    let n = HOT_SAMPLES + HOT_WARMUP;
    let not_held = format!("EXCEPT SELECT account_id FROM identifiers WHERE hash = {HOT}");
    let random = account_ids(conn, &format!("SELECT id FROM accounts {not_held}"), n).await?;
    let linked = account_ids(
        conn,
        &format!(
            "SELECT account_id FROM identifiers WHERE hash IN (SELECT hash FROM identifiers \
             GROUP BY hash HAVING count(*) BETWEEN 2 AND 5) {not_held}"
        ),
        n,
    )
    .await?;
    let held = format!("SELECT account_id FROM identifiers WHERE hash = {HOT}");
    let held = account_ids(conn, &held, n).await?;
    print_header();
    for (label, ids) in [
        ("random accounts, not holders", &random),
        ("accounts with links, not holders", &linked),
        ("holders of the hot IP", &held),
    ] {
        print_row(label, &mut time_links(url, ids, HOT_WARMUP).await?);
    }
    let id = *linked.first().ok_or("no linked account")?;
    explain_links(conn, "an account with links, hot IP in the graph", id).await
}

/// Fills the graph with server-side SQL. The identifiers table's indexes and constraints are read
/// from the migrated schema, dropped, and rebuilt after the load (one sorted build each and one
/// foreign-key check instead of 5M row-by-row updates); the rebuilt schema is checked to match.
async fn load(conn: &mut PgConnection, n: u64) -> BenchResult<()> {
    let started = Instant::now();
    conn.execute("SET maintenance_work_mem = '1GB'").await?;
    let schema_before = identifiers_schema(conn).await?;
    for (name, is_constraint, _) in &schema_before {
        let sql = if *is_constraint {
            format!("ALTER TABLE identifiers DROP CONSTRAINT {name}")
        } else {
            format!("DROP INDEX {name}")
        };
        conn.execute(sql.as_str()).await?;
    }

    // Account g (1..n) was created g minutes after `base`, so the newest is from about now.
    let base_ms = Utc::now().timestamp_millis() - i64::try_from(n)? * 60_000;
    let step = Instant::now();
    conn.execute(
        format!(
            "CREATE UNLOGGED TABLE bench_accounts AS \
             SELECT g, substr(t, 1, 8) || '-' || substr(t, 9, 4) || '-7' || substr(r, 1, 3) \
                    || '-8' || substr(r, 4, 3) || '-' || substr(r, 7, 12) AS id, \
                    to_char(timestamp 'epoch' + ms * interval '1 millisecond', \
                            'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at \
             FROM generate_series(1, {n}::bigint) g, \
             LATERAL (SELECT {base_ms}::bigint + g * 60000 + g % 1000 AS ms, md5(g::text) AS r) x, \
             LATERAL (SELECT lpad(to_hex(ms), 12, '0') AS t) y"
        )
        .as_str(),
    )
    .await?;
    conn.execute(
        "INSERT INTO accounts (id, email, phone, password_hash, terms_version, \
                               terms_accepted_at, created_at, status) \
         SELECT id, 'user' || g || '@example.com', '+44' || lpad(g::text, 10, '0'), \
                '$argon2id$bench', '2026-01', at, at, \
                CASE WHEN g % 97 = 0 THEN 'banned' ELSE 'active' END \
         FROM bench_accounts ORDER BY g",
    )
    .await?;
    println!("load: accounts {:.1} s", step.elapsed().as_secs_f64());

    // Sharing: in every block of 100 accounts, 2-5 share one device and 2-5 others one IP
    // (about 1% of devices and IPs are shared); 2 in every 5000 share a document. LATERAL
    // keeps each account's five rows together, as one registration writes them.
    let step = Instant::now();
    let rows = conn
        .execute(
            "INSERT INTO identifiers (hash, account_id, kind, masked, first_seen, last_seen) \
             SELECT encode(sha256(convert_to(v.kind || ':' || v.value, 'UTF8')), 'hex'), \
                    s.id, v.kind, v.masked, s.at, s.at \
             FROM bench_accounts s CROSS JOIN LATERAL (VALUES \
               ('email', 'user' || s.g || '@example.com', 'u***@example.com'), \
               ('phone', '+44' || lpad(s.g::text, 10, '0'), '+44*******' || right(s.g::text, 2)), \
               ('device', CASE WHEN s.g % 100 < 2 + (s.g / 100) % 4 \
                               THEN 'shared-' || s.g / 100 ELSE 'own-' || s.g END, \
                          left(md5(s.g::text), 4) || '****'), \
               ('ip', CASE WHEN (s.g + 50) % 100 < 2 + ((s.g + 50) / 100) % 4 \
                           THEN 'shared-' || (s.g + 50) / 100 ELSE 'own-' || s.g END, \
                      '203.0.' || s.g % 256 || '.x'), \
               ('document', CASE WHEN s.g % 5000 < 2 THEN 'dup-' || s.g / 5000 \
                                 ELSE 'own-' || s.g END, \
                            'GB passport ' || left(md5(s.g::text), 2) || '****')) \
               v(kind, value, masked)",
        )
        .await?
        .rows_affected();
    println!(
        "load: {rows} identifier rows {:.1} s",
        step.elapsed().as_secs_f64()
    );

    let step = Instant::now();
    for (name, is_constraint, def) in schema_before.iter().rev() {
        let sql = if *is_constraint {
            format!("ALTER TABLE identifiers ADD CONSTRAINT {name} {def}")
        } else {
            def.clone()
        };
        conn.execute(sql.as_str()).await?;
    }
    let schema_after = identifiers_schema(conn).await?;
    if schema_after != schema_before {
        return Err(
            format!("rebuilt schema differs: {schema_before:?} != {schema_after:?}").into(),
        );
    }
    let rebuilt: Vec<&str> = schema_before.iter().map(|(n, _, _)| n.as_str()).collect();
    println!(
        "load: rebuilt {} {:.1} s",
        rebuilt.join(", "),
        step.elapsed().as_secs_f64()
    );

    // A settled graph, as autovacuum leaves it: statistics, visibility map, no pending checkpoint.
    let step = Instant::now();
    conn.execute("DROP TABLE bench_accounts").await?;
    conn.execute("VACUUM (ANALYZE) accounts, identifiers")
        .await?;
    conn.execute("CHECKPOINT").await?;
    println!(
        "load: vacuum analyze + checkpoint {:.1} s",
        step.elapsed().as_secs_f64()
    );
    println!("load: total {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The identifiers table's constraints and indexes: (name, is a constraint, definition), in an
/// order that can be dropped front to back and rebuilt back to front (foreign keys first).
async fn identifiers_schema(conn: &mut PgConnection) -> BenchResult<Vec<(String, bool, String)>> {
    let rows = sqlx::query(
        "SELECT conname::text AS name, true AS is_constraint, pg_get_constraintdef(oid) AS def, \
                CASE contype WHEN 'f' THEN 0 ELSE 2 END AS ord \
         FROM pg_constraint WHERE conrelid = 'identifiers'::regclass \
         UNION ALL \
         SELECT c.relname::text, false, pg_get_indexdef(i.indexrelid), 1 \
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE i.indrelid = 'identifiers'::regclass AND NOT EXISTS \
           (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid \
              AND k.conrelid = 'identifiers'::regclass) \
         ORDER BY ord, name",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("name")?,
                r.try_get("is_constraint")?,
                r.try_get("def")?,
            ))
        })
        .collect()
}

async fn describe_graph(conn: &mut PgConnection) -> BenchResult<()> {
    let rows = sqlx::query(
        "SELECT kind, count(*) AS hashes, sum(holders)::bigint AS holders, max(holders) AS most \
         FROM (SELECT kind, hash, count(*) AS holders FROM identifiers \
               GROUP BY kind, hash HAVING count(*) > 1) s \
         GROUP BY kind ORDER BY kind",
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let (kind, hashes, holders, most): (String, i64, i64, i64) = (
            r.try_get("kind")?,
            r.try_get("hashes")?,
            r.try_get("holders")?,
            r.try_get("most")?,
        );
        println!("graph: {kind}: {hashes} shared hashes held by {holders} accounts (at most {most} each)");
    }
    let sizes: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname || ' ' || pg_size_pretty(pg_relation_size(c.oid)) FROM pg_class c \
         WHERE c.relname IN ('accounts', 'identifiers') OR c.oid IN (SELECT indexrelid FROM \
           pg_index WHERE indrelid IN ('accounts'::regclass, 'identifiers'::regclass)) \
         ORDER BY c.relname",
    )
    .fetch_all(&mut *conn)
    .await?;
    println!("graph: sizes: {}", sizes.join(", "));
    Ok(())
}

async fn account_ids(conn: &mut PgConnection, from: &str, n: usize) -> BenchResult<Vec<AccountId>> {
    let ids: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM ({from}) s(id) ORDER BY random() LIMIT $1"
    ))
    .bind(n as i64)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.iter().map(|s| s.parse()).collect::<Result<_, _>>()?)
}

fn new_account(i: usize) -> Account {
    let now = Utc::now();
    Account {
        id: AccountId::new(),
        email: Some(format!("new{i}@bench.example")),
        phone: Some(format!("+33{i:09}")),
        terms_version: "2026-01".into(),
        terms_accepted_at: now,
        risk_disclosure_version: None,
        referral_code: None,
        created_at: now,
        status: AccountStatus::Active,
    }
}

/// A new account's e-mail, phone, device, IP and document; some reuse an existing hash.
fn registration_identifiers(rng: &mut SplitMix, pools: &[Vec<String>]) -> Vec<Identifier> {
    let [devices, ips, documents] = pools else {
        unreachable!("three pools")
    };
    let mut pick = |kind, odds: u64, pool: &[String], masked: &str| {
        let hash = if !pool.is_empty() && rng.next() % 100 < odds {
            pool[(rng.next() % pool.len() as u64) as usize].clone()
        } else {
            rng.hash()
        };
        Identifier {
            kind,
            hash,
            masked: masked.into(),
        }
    };
    vec![
        pick(IdentifierKind::Email, 0, &[], "n***@bench.example"),
        pick(IdentifierKind::Phone, 0, &[], "+33*******12"),
        pick(IdentifierKind::Device, 10, devices, "a1b2****"),
        pick(IdentifierKind::Ip, 20, ips, "198.51.100.x"),
        pick(IdentifierKind::Document, 2, documents, "GB passport 12****"),
    ]
}

/// Zeroes the database's scan counters once no other backend holds unreported counts.
async fn reset_stats(conn: &mut PgConnection) -> BenchResult<()> {
    conn.execute("SELECT pg_stat_force_next_flush()").await?;
    conn.execute("SELECT 1").await?;
    conn.execute("SELECT pg_stat_reset()").await?;
    Ok(())
}

/// Index and sequential scans since [`reset_stats`], per lookup. Backends report their counts
/// when they exit, or within 10 s when idle (a closing pool may leave one behind), so the caller
/// closes its pool first and this waits for the exits, at most 11 s.
async fn print_index_scans(conn: &mut PgConnection, lookups: usize) -> BenchResult<()> {
    let deadline = Instant::now() + Duration::from_secs(11);
    loop {
        let others: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_one(&mut *conn)
        .await?;
        if others == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rows = sqlx::query(
        "SELECT relname || '.' || indexrelname AS name, idx_scan, idx_tup_fetch \
         FROM pg_stat_user_indexes WHERE relname IN ('accounts', 'identifiers') \
         UNION ALL SELECT relname || ' (sequential)', seq_scan, seq_tup_read \
         FROM pg_stat_user_tables WHERE relname IN ('accounts', 'identifiers') ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    println!("scans per registration (account insert, record_identifiers, links):");
    for r in &rows {
        let (name, scans, tuples): (String, i64, i64) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        println!(
            "  {name:<38} {:>6.2} scans, {:>6.2} rows",
            scans as f64 / lookups as f64,
            tuples as f64 / lookups as f64
        );
    }
    Ok(())
}

/// The custom plan a connection uses for its first five runs of the statement, then the
/// generic plan it may settle on (PostgreSQL 15 has no `EXPLAIN (GENERIC_PLAN)`).
async fn explain_links(
    conn: &mut PgConnection,
    label: &str,
    account_id: AccountId,
) -> BenchResult<()> {
    let sql = format!("EXPLAIN (ANALYZE, BUFFERS) {LINKS_SQL}");
    let custom = explain(conn, &sql, &[&account_id.to_string()]).await?;
    println!("\nEXPLAIN (ANALYZE, BUFFERS) links for {label}, custom plan:\n{custom}");
    conn.execute(format!("PREPARE bench_links(text) AS {LINKS_SQL}").as_str())
        .await?;
    conn.execute("SET plan_cache_mode = force_generic_plan")
        .await?;
    // A parsed AccountId is safe to inline.
    let sql = format!("EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_links('{account_id}')");
    let generic = explain(conn, &sql, &[]).await;
    conn.execute("RESET plan_cache_mode; DEALLOCATE bench_links")
        .await?;
    println!("\nthe same, generic plan:\n{}", generic?);
    Ok(())
}

/// The upsert on its insert path (a new hash) and its update path (a hash the account holds),
/// rolled back.
async fn explain_upserts(conn: &mut PgConnection, account_id: &str) -> BenchResult<()> {
    let held: String = sqlx::query_scalar(
        "SELECT hash FROM identifiers WHERE account_id = $1 AND kind = 'device'",
    )
    .bind(account_id)
    .fetch_one(&mut *conn)
    .await?;
    let now = Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let mut tx = conn.begin().await?;
    let sql = format!("EXPLAIN (ANALYZE, BUFFERS) {UPSERT_SQL}");
    let fresh = SplitMix(7).hash();
    for (label, hash) in [("new hash", fresh.as_str()), ("held hash", held.as_str())] {
        let plan = explain(
            &mut tx,
            &sql,
            &[hash, account_id, "device", "a1b2****", &now],
        )
        .await?;
        println!("\nEXPLAIN (ANALYZE, BUFFERS) upsert of a {label} (rolled back):\n{plan}");
    }
    tx.rollback().await?;
    Ok(())
}

async fn explain(conn: &mut PgConnection, sql: &str, binds: &[&str]) -> BenchResult<String> {
    let mut query = sqlx::query(sql);
    for b in binds {
        query = query.bind(*b);
    }
    let lines: Vec<String> = query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    Ok(lines.join("\n"))
}

fn print_header() {
    println!(
        "  {:<32} {:>8} {:>8} {:>8} {:>8} {:>8}  (ms)",
        "", "p50", "p90", "p99", "max", "mean"
    );
}

fn print_row(label: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // Nearest rank: the smallest sample with at least q of all samples at or below it.
    let at =
        |q: f64| ms(times[((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1]);
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "  {label:<32} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
        at(0.50),
        at(0.90),
        at(0.99),
        at(1.0),
        mean
    );
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".into(),
        |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}

/// A small deterministic generator (splitmix64): every run makes the same choices.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 64 hex digits, like an HMAC-SHA256 that matches nothing stored.
    fn hash(&mut self) -> String {
        let (a, b, c, d) = (self.next(), self.next(), self.next(), self.next());
        format!("{a:016x}{b:016x}{c:016x}{d:016x}")
    }
}

/// The bench's own database, dropped (with its connections) when this goes out of scope.
struct BenchDb {
    admin_url: String,
    name: String,
    url: String,
}

impl BenchDb {
    async fn create(admin_url: &str) -> BenchResult<Self> {
        let name = format!("gatehouse_bench_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::connect(admin_url).await.map_err(|e| {
            format!(
                "PostgreSQL not reachable at {admin_url} (set GATEHOUSE_BENCH_POSTGRES_URL): {e}"
            )
        })?;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        admin.close().await?;
        let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
        Ok(Self {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Its own thread and runtime: this may run while the bench's runtime unwinds.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                admin.execute(sql.as_str()).await?;
                admin.close().await
            })?;
            Ok::<_, Box<dyn Error + Send + Sync>>(())
        })
        .join();
        match dropped {
            Ok(Ok(())) => println!("\ndropped database {}", self.name),
            Ok(Err(e)) => eprintln!("could not drop database {}: {e}", self.name),
            Err(_) => eprintln!("could not drop database {}: the drop panicked", self.name),
        }
    }
}
