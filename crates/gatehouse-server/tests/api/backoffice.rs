//! The back-office pages: cookie sign-in, CSRF, expiry, roles, languages, audited images.

use gatehouse_server::service::staff;
use gatehouse_store::models::Role;
use gatehouse_store::Backend;
use reqwest::redirect::Policy;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{passport, spawn_with, TestApp};
use crate::review::STAFF_PASSWORD;

struct Browser {
    client: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

struct Page {
    status: u16,
    location: String,
    set_cookies: Vec<String>,
    text: String,
    content_type: String,
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: app.base.clone(),
            cookies: Vec::new(),
        }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = if cookie.is_empty() {
            req
        } else {
            req.header("cookie", cookie)
        };
        let resp = req.send().await.unwrap();
        let set_cookies: Vec<String> = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        Page {
            status: resp.status().as_u16(),
            location: header("location"),
            content_type: header("content-type"),
            set_cookies,
            text: resp.text().await.unwrap_or_default(),
        }
    }

    async fn get(&mut self, path: &str, lang: &str) -> Page {
        let req = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept-language", lang);
        self.send(req).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }
}

fn hidden_csrf(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

async fn sign_in(app: &TestApp, email: &str, role: Role) -> Browser {
    staff::create_user(&app.db.db, email, role, STAFF_PASSWORD, "test")
        .await
        .unwrap();
    let mut b = Browser::new(app);
    let login = b.get("/backoffice/login", "en").await;
    assert_eq!(login.status, 200);
    let csrf = hidden_csrf(&login.text);
    let done = b
        .post(
            "/backoffice/login",
            &[
                ("csrf", &csrf),
                ("email", email),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.text);
    assert_eq!(done.location, "/backoffice/queue");
    let session = done
        .set_cookies
        .iter()
        .find(|c| c.starts_with("gh_staff="))
        .expect("session cookie");
    for attr in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/backoffice",
        "Max-Age=28800",
    ] {
        assert!(session.contains(attr), "{attr} missing: {session}");
    }
    b
}

async fn the_case_page_journey(backend: Backend) {
    let app = spawn_with(backend, |c| c.review.appeal_cooldown_seconds = 0).await;
    let token = app.signed_in("applicant@example.com").await;
    let id = app
        .passport_application(&token, passport("2020-01-01"))
        .await;
    app.submit(&token, &id, &[]).await;
    let appeal = app
        .post_json(
            &format!("/v1/kyc/applications/{id}/appeals"),
            Some(&token),
            json!({"message": "Please look again <script>alert(1)</script>"}),
        )
        .await;
    let appeal_id = appeal.body["id"].as_str().unwrap();
    app.request(
        reqwest::Method::POST,
        &format!("/v1/kyc/appeals/{appeal_id}/submit"),
        Some(&token),
        &[],
        None,
    )
    .await;

    // Signed out: every page sends to the login.
    let mut anon = Browser::new(&app);
    for path in ["/backoffice/queue", "/backoffice/dashboard"] {
        let p = anon.get(path, "en").await;
        assert_eq!(p.status, 303);
        assert_eq!(p.location, "/backoffice/login");
    }
    // A login form without its CSRF cookie is refused.
    let forged = anon
        .post(
            "/backoffice/login",
            &[("csrf", "x"), ("email", "a@b.example"), ("password", "p")],
        )
        .await;
    assert_eq!(forged.status, 403);

    let mut alice = sign_in(&app, "alice@bank.example", Role::Reviewer).await;
    let queue = alice.get("/backoffice/queue", "en").await;
    assert_eq!(queue.status, 200);
    assert!(queue.content_type.starts_with("text/html"));
    assert!(queue.text.contains("Review queue"));
    let case_id = {
        let i = queue.text.find("data-case=\"").unwrap() + 11;
        queue.text[i..i + 36].to_owned()
    };
    let zh = alice.get("/backoffice/queue?kind=appeal", "zh-CN").await;
    assert!(zh.text.contains("待审队列"), "{}", zh.text);
    assert!(zh.text.contains(&case_id));

    let page = alice
        .get(&format!("/backoffice/cases/{case_id}"), "en")
        .await;
    assert_eq!(page.status, 200);
    assert!(!page.text.contains("<script>alert"), "escaped");
    assert!(page.text.contains("&lt;script&gt;"));
    assert!(page.text.contains("DOCUMENT_EXPIRED"));
    let csrf = hidden_csrf(&page.text);

    // Forms need the session's CSRF token.
    let no = alice
        .post(
            &format!("/backoffice/cases/{case_id}/claim"),
            &[("csrf", "wrong")],
        )
        .await;
    assert_eq!(no.status, 403);
    let claimed = alice
        .post(
            &format!("/backoffice/cases/{case_id}/claim"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(claimed.status, 303, "{}", claimed.text);
    let page = alice
        .get(&format!("/backoffice/cases/{case_id}"), "en")
        .await;
    assert!(page.text.contains("decision-form"));
    let img = {
        let i = page.text.find("<img class=\"doc\" src=\"").unwrap() + 22;
        page.text[i..i + page.text[i..].find('"').unwrap()].to_owned()
    };
    let file = alice.get(&img, "en").await;
    assert_eq!(file.status, 200);
    assert_eq!(file.content_type, "image/jpeg");

    // The same decision path as the API.
    let asked = alice
        .post(
            &format!("/backoffice/cases/{case_id}/decision"),
            &[
                ("csrf", &csrf),
                ("action", "request_info"),
                ("documents", "utility_bill"),
                ("note_to_applicant", "Send a utility bill, please."),
            ],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.text);
    let view = app
        .get(&format!("/v1/kyc/applications/{id}"), Some(&token))
        .await;
    assert_eq!(view.body["status"], "info_requested");
    let bad = alice
        .post(
            &format!("/backoffice/cases/{case_id}/decision"),
            &[("csrf", &csrf), ("action", "approve")],
        )
        .await;
    assert_eq!(bad.status, 409, "not claimed any more");
    assert!(bad.text.contains("Claim the case"));

    // An admin is staff but not a reviewer: no queue, no case, no images.
    let mut admin = sign_in(&app, "admin@bank.example", Role::Admin).await;
    for path in [
        "/backoffice/queue".to_owned(),
        format!("/backoffice/cases/{case_id}"),
        img.clone(),
    ] {
        assert_eq!(admin.get(&path, "en").await.status, 403, "{path}");
    }
    assert_eq!(admin.get("/backoffice/dashboard", "en").await.status, 200);
    // Neither is an applicant's token a way in.
    let mut applicant = Browser::new(&app);
    applicant.cookies.push(("gh_staff".into(), token.clone()));
    assert_eq!(applicant.get(&img, "en").await.status, 303);

    // Every image view is in the audit log.
    let admin_token = {
        let r = app
            .post_json(
                "/v1/staff/sessions",
                None,
                json!({"email": "admin@bank.example", "password": STAFF_PASSWORD}),
            )
            .await;
        r.body["token"].as_str().unwrap().to_owned()
    };
    let export = app.get("/v1/review/audit", Some(&admin_token)).await;
    let views = export.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "file.viewed")
        .count();
    assert_eq!(views, 1);

    // Sessions expire; signing out ends them.
    app.db
        .execute("UPDATE staff_sessions SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE user_id = (SELECT id FROM staff_users WHERE email = 'admin@bank.example')")
        .await
        .unwrap();
    assert_eq!(admin.get("/backoffice/dashboard", "en").await.status, 303);
    let out = alice.post("/backoffice/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(alice.get("/backoffice/queue", "en").await.status, 303);

    let dash = sign_in(&app, "bob@bank.example", Role::SeniorReviewer)
        .await
        .get("/backoffice/dashboard", "zh-CN")
        .await;
    assert!(dash.text.contains("超时案件"), "{}", dash.text);
}
both_backends!(the_case_page_journey);

async fn sla_breaches_are_flagged(backend: Backend) {
    let app = spawn_with(backend, |c| {
        c.review.appeal_cooldown_seconds = 0;
        c.review.sla_hours.appeal = 0;
    })
    .await;
    let token = app.signed_in("late@example.com").await;
    let id = app
        .passport_application(&token, passport("2020-01-01"))
        .await;
    app.submit(&token, &id, &[]).await;
    let appeal = app
        .post_json(
            &format!("/v1/kyc/applications/{id}/appeals"),
            Some(&token),
            json!({"message": "please"}),
        )
        .await;
    let appeal_id = appeal.body["id"].as_str().unwrap();
    app.request(
        reqwest::Method::POST,
        &format!("/v1/kyc/appeals/{appeal_id}/submit"),
        Some(&token),
        &[],
        None,
    )
    .await;
    let mut b = sign_in(&app, "late@bank.example", Role::Reviewer).await;
    let queue = b.get("/backoffice/queue", "en").await;
    assert!(queue.text.contains("class=\"breach\""), "{}", queue.text);
    let dash = b.get("/backoffice/dashboard", "en").await;
    assert!(
        dash.text
            .contains("<p style=\"font-size:28px;margin:0\" id=\"breaches\">1</p>"),
        "{}",
        dash.text
    );
    let r = app
        .post_json(
            "/v1/staff/sessions",
            None,
            json!({"email": "late@bank.example", "password": STAFF_PASSWORD}),
        )
        .await;
    let api = app
        .get("/v1/review/cases", Some(r.body["token"].as_str().unwrap()))
        .await;
    assert_eq!(api.body["cases"][0]["sla_breached"], true, "{}", api.body);
}
both_backends!(sla_breaches_are_flagged);
