//! The pages' HTML, written with `format!`: every value from data goes through [`esc`].

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Utc};
use gatehouse_core::i18n::{label, reason_text, Lang};
use gatehouse_core::reasons::{Finding, Nature};
use gatehouse_store::models::{
    CaseKind, CaseStatus, FileRecord, ReviewCase, Role, SlotFiles, SupportingFile,
};
use serde_json::Value;

use super::i18n::t;
use super::PageStaff;
use crate::service::review::{breached, CaseDetail, Dashboard, QueueQuery, DOCUMENT_KINDS};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;margin:0;color:#1d2330;background:#f5f6f8;font-size:14px}
header{background:#1d2330;color:#fff;padding:8px 20px;display:flex;gap:18px;align-items:center}
header a{color:#fff;text-decoration:none}header .grow{flex:1}
header form{margin:0}header button{background:none;border:1px solid #667;color:#fff;border-radius:4px;padding:3px 8px;cursor:pointer}
main{padding:16px 20px;max-width:1400px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:0 0 8px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 14px;margin-bottom:14px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceef2;vertical-align:top}
th{color:#556;font-weight:600;background:#fafbfc}
.breach{background:#c62828;color:#fff;border-radius:3px;padding:1px 6px;font-weight:600}
.ok{color:#2e7d32}.tag{background:#e8eaf0;border-radius:3px;padding:1px 6px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:14px}
.side{display:flex;gap:12px;overflow-x:auto}.side>div{min-width:300px;flex:1;border:1px solid #eceef2;border-radius:6px;padding:8px}
img.doc{max-width:100%;max-height:260px;border:1px solid #ccd;border-radius:4px;background:#eee}
pre{white-space:pre-wrap;word-break:break-word;background:#f7f7f9;padding:6px;border-radius:4px;margin:0;font-size:12px}
.msg{border-left:3px solid #8895b3;padding:4px 10px;margin:6px 0}.msg.applicant{border-color:#2e7d32}
.note{border-left:3px solid #f9a825;padding:4px 10px;margin:6px 0;background:#fffbea}
label{display:block;margin:6px 0 2px;font-weight:600}textarea{width:100%;min-height:60px}
select[multiple]{width:100%;min-height:120px}
button.primary{background:#1e5bd7;color:#fff;border:0;border-radius:4px;padding:7px 14px;cursor:pointer}
.error{color:#c62828;font-weight:600}.muted{color:#778}
.filters{display:flex;gap:10px;align-items:end;flex-wrap:wrap}.filters label{margin:0}
";

fn layout(lang: Lang, title: &str, who: Option<&PageStaff>, body: &str) -> String {
    let mut nav = String::new();
    if let Some(p) = who {
        let _ = write!(
            nav,
            "<a href=\"/backoffice/queue\">{}</a><a href=\"/backoffice/dashboard\">{}</a>\
             <span class=\"grow\"></span><span>{} {} ({})</span>\
             <form method=\"post\" action=\"/backoffice/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\">{}</button></form>",
            t(lang, "nav_queue"),
            t(lang, "nav_dashboard"),
            t(lang, "signed_in_as"),
            esc(&p.staff.user.email),
            esc(p.staff.user.role.as_str()),
            esc(&p.staff.csrf),
            t(lang, "sign_out"),
        );
    } else {
        nav.push_str("<span class=\"grow\"></span>");
    }
    format!(
        "<!doctype html><html lang=\"{lang_tag}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · {app}</title><style>{STYLE}</style></head><body>\
         <header><strong>{app}</strong>{nav}\
         <a href=\"/backoffice/lang/en\">EN</a><a href=\"/backoffice/lang/zh-CN\">中文</a></header>\
         <main><h1>{title}</h1>{body}</main></body></html>",
        lang_tag = lang.tag(),
        title = esc(title),
        app = t(lang, "app_title"),
    )
}

pub fn message_page(lang: Lang, title: &str, detail: Option<&str>) -> String {
    let body = format!(
        "<section><p class=\"error\" role=\"alert\">{}</p><p><a href=\"/backoffice/queue\">{} · {}</a></p></section>",
        esc(detail.unwrap_or(title)),
        t(lang, "back"),
        t(lang, "nav_queue"),
    );
    layout(lang, title, None, &body)
}

pub fn login(lang: Lang, csrf: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    let body = format!(
        "<section style=\"max-width:360px\">{error}<form method=\"post\" action=\"/backoffice/login\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"email\">{email}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required style=\"width:100%\">\
         <label for=\"password\">{password}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required style=\"width:100%\">\
         <p><button class=\"primary\" type=\"submit\">{sign_in}</button></p></form></section>",
        csrf = esc(csrf),
        email = t(lang, "email"),
        password = t(lang, "password"),
        sign_in = t(lang, "sign_in"),
    );
    layout(lang, t(lang, "login_title"), None, &body)
}

fn csrf_field(p: &PageStaff) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(&p.staff.csrf)
    )
}

fn select(
    name: &str,
    label_text: &str,
    current: Option<&str>,
    options: &[(String, String)],
) -> String {
    let mut s = format!(
        "<div><label for=\"f-{name}\">{label_text}</label><select id=\"f-{name}\" name=\"{name}\">"
    );
    for (value, text) in options {
        let selected = if Some(value.as_str()) == current {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            s,
            "<option value=\"{}\"{selected}>{}</option>",
            esc(value),
            esc(text)
        );
    }
    s.push_str("</select></div>");
    s
}

pub fn queue(
    p: &PageStaff,
    q: &QueueQuery,
    cases: &[ReviewCase],
    names: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> String {
    let lang = p.lang;
    let mut statuses = vec![
        (String::new(), t(lang, "active").to_owned()),
        ("all".to_owned(), t(lang, "all").to_owned()),
    ];
    statuses.extend(
        CaseStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), s.as_str().to_owned())),
    );
    let mut kinds = vec![(String::new(), t(lang, "any").to_owned())];
    kinds.extend(
        CaseKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), k.as_str().to_owned())),
    );
    let assignees = vec![
        (String::new(), t(lang, "any").to_owned()),
        ("me".to_owned(), t(lang, "me").to_owned()),
        ("none".to_owned(), t(lang, "unassigned").to_owned()),
    ];
    let mut body = format!(
        "<section><form method=\"get\" action=\"/backoffice/queue\" class=\"filters\">{}{}{}\
         <div><label for=\"f-country\">{}</label><input id=\"f-country\" name=\"country\" size=\"4\" value=\"{}\"></div>\
         <div><button type=\"submit\">{}</button></div></form></section>",
        select("status", t(lang, "status"), q.status.as_deref(), &statuses),
        select("kind", t(lang, "kind"), q.kind.as_deref(), &kinds),
        select("assignee", t(lang, "assignee"), q.assignee.as_deref(), &assignees),
        t(lang, "country"),
        esc(q.country.as_deref().unwrap_or_default()),
        t(lang, "filter"),
    );
    body.push_str("<section>");
    if cases.is_empty() {
        let _ = write!(body, "<p class=\"muted\">{}</p>", t(lang, "no_cases"));
    } else {
        let _ = write!(
            body,
            "<table id=\"queue\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>",
            t(lang, "priority"),
            t(lang, "kind"),
            t(lang, "status"),
            t(lang, "country"),
            t(lang, "assignee"),
            t(lang, "created"),
            t(lang, "due"),
            t(lang, "sla"),
        );
        for c in cases {
            let sla = if breached(c, now) {
                format!("<span class=\"breach\">{}</span>", t(lang, "sla_breached"))
            } else {
                format!("<span class=\"ok\">{}</span>", t(lang, "sla_ok"))
            };
            let assignee = c
                .assignee
                .as_ref()
                .map(|a| names.get(a).cloned().unwrap_or_else(|| a.clone()))
                .unwrap_or_else(|| "—".into());
            let _ = write!(
                body,
                "<tr data-case=\"{id}\"><td>{}</td><td><span class=\"tag\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{sla}</td>\
                 <td><a href=\"/backoffice/cases/{id}\">{}</a></td></tr>",
                c.priority,
                esc(c.kind.as_str()),
                esc(c.status.as_str()),
                esc(c.country.as_deref().unwrap_or("—")),
                esc(&assignee),
                time(c.created_at),
                time(c.due_at),
                t(lang, "open_case"),
                id = esc(&c.id),
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("</section>");
    layout(lang, t(lang, "queue_title"), Some(p), &body)
}

pub fn dashboard(p: &PageStaff, d: &Dashboard) -> String {
    let lang = p.lang;
    let mut body = format!(
        "<div class=\"grid\"><section><h2>{}</h2><p style=\"font-size:28px;margin:0\" id=\"queue-size\">{}</p></section>\
         <section><h2>{}</h2><p style=\"font-size:28px;margin:0\" id=\"breaches\">{}</p></section>\
         <section><h2>{}</h2><table>",
        t(lang, "queue_size"),
        d.queue_size,
        t(lang, "breaches"),
        d.breaches,
        t(lang, "by_kind"),
    );
    for (k, n) in &d.by_kind {
        let _ = write!(body, "<tr><td>{}</td><td>{n}</td></tr>", esc(k));
    }
    let _ = write!(
        body,
        "</table></section></div><section><h2>{}</h2><table><tr><th>{}</th><th>{}</th></tr>",
        t(lang, "decisions_per_day"),
        t(lang, "day"),
        t(lang, "count"),
    );
    for (day, n) in &d.decisions_per_day {
        let _ = write!(body, "<tr><td>{}</td><td>{n}</td></tr>", esc(day));
    }
    body.push_str("</table></section>");
    layout(lang, t(lang, "dashboard_title"), Some(p), &body)
}

fn kv_table(value: &Value) -> String {
    let mut s = String::from("<table>");
    if let Value::Object(map) = value {
        for (k, v) in map {
            let text = match v {
                Value::String(x) => x.clone(),
                Value::Null => "—".into(),
                other => other.to_string(),
            };
            let _ = write!(s, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&text));
        }
    }
    s.push_str("</table>");
    s
}

fn file_url(case_id: &str, file_id: &str) -> String {
    format!("/backoffice/cases/{}/files/{}", esc(case_id), esc(file_id))
}

fn slot_files(lang: Lang, case_id: &str, files: &SlotFiles) -> String {
    let mut s = String::new();
    for (slot, f) in files {
        s.push_str(&one_file(lang, case_id, slot.as_str(), f));
    }
    s
}

fn one_file(lang: Lang, case_id: &str, what: &str, f: &FileRecord) -> String {
    let url = file_url(case_id, &f.id.to_string());
    if f.content_type.starts_with("image/") {
        format!(
            "<figure style=\"margin:0 0 8px\"><a href=\"{url}\"><img class=\"doc\" src=\"{url}\" alt=\"{w}\"></a><figcaption class=\"muted\">{w}</figcaption></figure>",
            w = esc(what)
        )
    } else {
        format!(
            "<p><a href=\"{url}\">{} — {}</a></p>",
            esc(what),
            t(lang, "view_file")
        )
    }
}

fn supporting(lang: Lang, case_id: &str, files: &[SupportingFile]) -> String {
    let mut s = String::new();
    for f in files {
        let url = file_url(case_id, &f.id.to_string());
        let what = format!("{} ({})", f.name, f.kind);
        if f.content_type.starts_with("image/") {
            let _ = write!(
                s,
                "<figure style=\"margin:0 0 8px\"><a href=\"{url}\"><img class=\"doc\" src=\"{url}\" alt=\"{w}\"></a><figcaption class=\"muted\">{w}</figcaption></figure>",
                w = esc(&what)
            );
        } else {
            let _ = write!(
                s,
                "<p><a href=\"{url}\">{} — {}</a></p>",
                esc(&what),
                t(lang, "view_file")
            );
        }
    }
    s
}

/// A reason text with its `{evidence}` placeholders shown as "…" (the catalogue has no
/// evidence; dropping them would leave "outside the photo ()").
fn without_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push('…');
                }
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn nature(n: Nature) -> &'static str {
    match n {
        Nature::Retry => "retry",
        Nature::Manual => "manual",
        Nature::Final => "final",
    }
}

fn findings_table(lang: Lang, findings: &[Finding]) -> String {
    if findings.is_empty() {
        return format!("<p class=\"muted\">{}</p>", t(lang, "no_findings"));
    }
    let mut s = format!(
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(lang, "code"),
        t(lang, "nature"),
        t(lang, "field"),
        t(lang, "message"),
        t(lang, "evidence"),
    );
    for f in findings {
        let text = reason_text(lang, &f.code, f.evidence.as_ref())
            .map(|r| r.message)
            .unwrap_or_default();
        let evidence = f
            .evidence
            .as_ref()
            .map(|e| serde_json::to_string_pretty(e).unwrap_or_default())
            .unwrap_or_default();
        let _ = write!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
            esc(&f.code),
            nature(f.nature),
            esc(f.field.as_deref().unwrap_or("")),
            esc(&text),
            esc(&evidence),
        );
    }
    s.push_str("</table>");
    s
}

fn action_label(lang: Lang, action: &str) -> &'static str {
    match action {
        "approve" => t(lang, "action_approve"),
        "reject_retry" => t(lang, "action_reject_retry"),
        "reject_final" => t(lang, "action_reject_final"),
        "request_info" => t(lang, "action_request_info"),
        _ => t(lang, "action_escalate"),
    }
}

pub fn case(p: &PageStaff, d: &CaseDetail, catalogue: &[(String, Nature)]) -> String {
    let lang = p.lang;
    let c = &d.case;
    let id = c.id.as_str();
    let csrf = csrf_field(p);
    let mine = c.assignee.as_deref() == Some(p.staff.user.id.as_str());
    let mut body = String::new();

    // Header: state, SLA, claim/release.
    let sla = if d.breached {
        format!("<span class=\"breach\">{}</span>", t(lang, "sla_breached"))
    } else {
        format!("<span class=\"ok\">{}</span>", t(lang, "sla_ok"))
    };
    let _ = write!(
        body,
        "<section id=\"case-header\"><table><tr><th>{}</th><td><span class=\"tag\">{}</span></td><th>{}</th><td id=\"case-status\">{}</td>\
         <th>{}</th><td>{}</td><th>{}</th><td>{} {sla}</td><th>{}</th><td>{}</td></tr></table><p>",
        t(lang, "kind"),
        esc(c.kind.as_str()),
        t(lang, "status"),
        esc(c.status.as_str()),
        t(lang, "application_status"),
        esc(d.application.status.as_str()),
        t(lang, "due"),
        time(c.due_at),
        t(lang, "assignee"),
        esc(&c.assignee.as_deref().map(|a| d.staff_name(a)).unwrap_or_else(|| "—".into())),
    );
    let claimable = c.status == CaseStatus::Open
        || (c.status == CaseStatus::Escalated && p.staff.user.role == Role::SeniorReviewer);
    if claimable {
        let _ = write!(
            body,
            "<form method=\"post\" action=\"/backoffice/cases/{id}/claim\" style=\"display:inline\">{csrf}<button class=\"primary\" type=\"submit\" id=\"claim\">{}</button></form> ",
            t(lang, "claim"),
            id = esc(id),
        );
    }
    if c.status == CaseStatus::InReview && mine {
        let _ = write!(
            body,
            "<form method=\"post\" action=\"/backoffice/cases/{id}/release\" style=\"display:inline\">{csrf}<button type=\"submit\">{}</button></form>",
            t(lang, "release"),
            id = esc(id),
        );
    }
    body.push_str("</p></section>");

    // Applicant data and images.
    let data = d.application.data.to_json();
    let account = d
        .account
        .as_ref()
        .map(|a| {
            serde_json::json!({"email": a.email, "phone": a.phone, "status": a.status.as_str(),
                               "id": a.id.to_string()})
        })
        .unwrap_or(Value::Null);
    let _ = write!(
        body,
        "<div class=\"grid\"><section><h2>{}</h2><h3>{}</h3>{}<h3>{}</h3>{}<h3>{}</h3>{}</section>\
         <section id=\"images\"><h2>{}</h2>{}</section></div>",
        t(lang, "applicant"),
        t(lang, "account"),
        kv_table(&account),
        t(lang, "person"),
        kv_table(&data["person"]),
        t(lang, "document"),
        kv_table(&data["document"]),
        t(lang, "images"),
        slot_files(lang, id, &d.application.files),
    );

    // Findings of the latest decision.
    let findings = d
        .application
        .last_decision
        .as_ref()
        .map(|x| x.findings.clone())
        .unwrap_or_default();
    let _ = write!(
        body,
        "<section id=\"findings\"><h2>{}</h2>{}</section>",
        t(lang, "findings"),
        findings_table(lang, &findings)
    );

    // Attempts side by side.
    if !d.attempts.is_empty() {
        let _ = write!(
            body,
            "<section id=\"attempts\"><h2>{}</h2><div class=\"side\">",
            t(lang, "attempts")
        );
        for a in &d.attempts {
            let data = a.data.to_json();
            let codes: Vec<&str> = a.decision.reasons.iter().map(|r| r.code.as_str()).collect();
            // What was read from the document photos (MRZ lines, ID number), with confidence.
            let readings = a
                .readings
                .as_ref()
                .and_then(|r| r.as_array())
                .map(|rs| {
                    rs.iter()
                        .map(|r| {
                            let lines: Vec<&str> = r["lines"]
                                .as_array()
                                .map(|l| l.iter().filter_map(|v| v.as_str()).collect())
                                .unwrap_or_default();
                            let text = if lines.is_empty() {
                                r["number"].as_str().unwrap_or("").to_owned()
                            } else {
                                lines.join("\n")
                            };
                            format!(
                                "<p class=\"muted\">{} · {} · {}</p><pre>{}</pre>",
                                esc(r["slot"].as_str().unwrap_or("")),
                                esc(r["status"].as_str().unwrap_or("")),
                                esc(&r["confidence"].to_string()),
                                esc(&text)
                            )
                        })
                        .collect::<String>()
                })
                .unwrap_or_default();
            let _ = write!(
                body,
                "<div><h3>{} {}</h3><p>{} {}<br>{}: <strong>{}</strong> {}</p>{}{}{}{}</div>",
                t(lang, "attempt"),
                a.number,
                t(lang, "submitted"),
                time(a.submitted_at),
                t(lang, "outcome"),
                esc(a.decision.outcome.as_str()),
                esc(&codes.join(", ")),
                kv_table(&data["document"]),
                kv_table(&data["person"]),
                slot_files(lang, id, &a.files),
                readings,
            );
        }
        body.push_str("</div></section>");
    }

    // Appeals and answers.
    for (a, files) in &d.appeals {
        let _ = write!(
            body,
            "<section class=\"appeal\"><h2>{} <span class=\"tag\">{}</span></h2><p class=\"muted\">{}</p><p>{}</p><h3>{}</h3>{}</section>",
            t(lang, "appeal"),
            esc(&a.status),
            time(a.created_at),
            esc(&a.message),
            t(lang, "appeal_files"),
            supporting(lang, id, files),
        );
    }
    if !d.info_files.is_empty() {
        let _ = write!(
            body,
            "<section id=\"info-files\"><h2>{}</h2>{}</section>",
            t(lang, "info_files"),
            supporting(lang, id, &d.info_files)
        );
    }
    if !d.links.is_empty() {
        let _ = write!(
            body,
            "<section id=\"links\"><h2>{}</h2><table>",
            t(lang, "linked_accounts")
        );
        for l in &d.links {
            let _ = write!(
                body,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&l.account_id.to_string()),
                esc(l.status.as_str()),
                esc(l.kind.as_str()),
                esc(&l.masked),
            );
        }
        body.push_str("</table></section>");
    }
    if !d.sanctions_hits.is_empty() {
        let _ = write!(
            body,
            "<section id=\"sanctions\"><h2>{}</h2><pre>{}</pre></section>",
            t(lang, "sanctions_hits"),
            esc(&serde_json::to_string_pretty(&d.sanctions_hits).unwrap_or_default())
        );
    }

    // Thread and internal notes.
    let _ = write!(
        body,
        "<div class=\"grid\"><section id=\"thread\"><h2>{}</h2>",
        t(lang, "thread")
    );
    for m in &d.messages {
        let who = if m.author == "reviewer" {
            format!(
                "{} · {}",
                t(lang, "from_reviewer"),
                d.staff_name(&m.author_id)
            )
        } else {
            t(lang, "from_applicant").to_owned()
        };
        let _ = write!(
            body,
            "<div class=\"msg {}\"><div class=\"muted\">{} · {}</div>{}</div>",
            esc(&m.author),
            esc(&who),
            time(m.created_at),
            esc(&m.body)
        );
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/backoffice/cases/{}/messages\">{csrf}<textarea name=\"body\" aria-label=\"{}\" required></textarea><button type=\"submit\">{}</button></form></section>",
        esc(id),
        t(lang, "thread"),
        t(lang, "send"),
    );
    let _ = write!(body, "<section id=\"notes\"><h2>{}</h2>", t(lang, "notes"));
    for n in &d.notes {
        let _ = write!(
            body,
            "<div class=\"note\"><div class=\"muted\">{} · {}</div>{}</div>",
            esc(&d.staff_name(&n.author_id)),
            time(n.created_at),
            esc(&n.body)
        );
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/backoffice/cases/{}/notes\">{csrf}<textarea name=\"body\" aria-label=\"{}\" required></textarea><button type=\"submit\">{}</button></form></section></div>",
        esc(id),
        t(lang, "notes"),
        t(lang, "add_note"),
    );

    // Decisions so far.
    if !d.decisions.is_empty() {
        let _ = write!(
            body,
            "<section id=\"decisions\"><h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            t(lang, "decisions"),
            t(lang, "action"),
            t(lang, "reasons"),
            t(lang, "status"),
            t(lang, "decided_by"),
            t(lang, "confirmed_by"),
            t(lang, "note_to_applicant"),
        );
        for x in &d.decisions {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                action_label(lang, &x.action),
                esc(&x.reasons.join(", ")),
                esc(&x.status),
                esc(&d.staff_name(&x.decided_by)),
                esc(&x
                    .confirmed_by
                    .as_deref()
                    .map(|c| d.staff_name(c))
                    .unwrap_or_default()),
                esc(x.note_to_applicant.as_deref().unwrap_or("")),
            );
        }
        body.push_str("</table></section>");
    }

    // The decision form, or the confirmation.
    let _ = write!(
        body,
        "<section id=\"decide\"><h2>{}</h2>",
        t(lang, "decide")
    );
    if c.status == CaseStatus::PendingConfirmation {
        let _ = write!(
            body,
            "<p><strong>{}</strong></p>",
            t(lang, "pending_confirmation")
        );
        if p.staff.user.role == Role::SeniorReviewer {
            let _ = write!(
                body,
                "<form method=\"post\" action=\"/backoffice/cases/{id}/confirm\">{csrf}<button class=\"primary\" type=\"submit\" id=\"confirm\">{}</button></form>\
                 <form method=\"post\" action=\"/backoffice/cases/{id}/decline\">{csrf}<label for=\"decline-note\">{}</label>\
                 <textarea id=\"decline-note\" name=\"internal_note\"></textarea><button type=\"submit\" id=\"decline\">{}</button></form>",
                t(lang, "confirm"),
                t(lang, "internal_note"),
                t(lang, "decline"),
                id = esc(id),
            );
        }
    } else if c.status == CaseStatus::InReview && mine {
        let mut actions = String::new();
        for a in [
            "approve",
            "reject_retry",
            "reject_final",
            "request_info",
            "escalate",
        ] {
            let _ = write!(
                actions,
                "<label style=\"font-weight:normal\"><input type=\"radio\" name=\"action\" value=\"{a}\" required> {}</label>",
                action_label(lang, a)
            );
        }
        let mut reasons = String::new();
        for (code, n) in catalogue {
            let text = reason_text(lang, code, None)
                .map(|r| r.message)
                .unwrap_or_default();
            let short: String = without_placeholders(&text).chars().take(70).collect();
            let _ = write!(
                reasons,
                "<option value=\"{}\">{} ({}) — {}</option>",
                esc(code),
                esc(code),
                nature(*n),
                esc(&short)
            );
        }
        let mut documents = String::new();
        for k in DOCUMENT_KINDS {
            let _ = write!(
                documents,
                "<label style=\"font-weight:normal\"><input type=\"checkbox\" name=\"documents\" value=\"{k}\"> {}</label>",
                label(lang, k).unwrap_or(k)
            );
        }
        let _ = write!(
            body,
            "<form method=\"post\" action=\"/backoffice/cases/{}/decision\" id=\"decision-form\">{csrf}\
             <fieldset><legend>{}</legend>{actions}</fieldset>\
             <label for=\"reasons\">{}</label><select id=\"reasons\" name=\"reasons\" multiple>{reasons}</select>\
             <fieldset><legend>{}</legend>{documents}</fieldset>\
             <label for=\"note_to_applicant\">{}</label><textarea id=\"note_to_applicant\" name=\"note_to_applicant\"></textarea>\
             <label for=\"internal_note\">{}</label><textarea id=\"internal_note\" name=\"internal_note\"></textarea>\
             <p><button class=\"primary\" type=\"submit\">{}</button></p></form>",
            esc(id),
            t(lang, "action"),
            t(lang, "reasons"),
            t(lang, "documents_wanted"),
            t(lang, "note_to_applicant"),
            t(lang, "internal_note"),
            t(lang, "submit_decision"),
        );
    } else if c.status != CaseStatus::Closed {
        let _ = write!(body, "<p class=\"muted\">{}</p>", t(lang, "claim_first"));
    } else {
        let _ = write!(body, "<p class=\"muted\">{}</p>", esc(c.status.as_str()));
    }
    body.push_str("</section>");
    let title = format!(
        "{} {}",
        t(lang, "case_title"),
        &id[id.len().saturating_sub(8)..]
    );
    layout(lang, &title, Some(p), &body)
}

#[cfg(test)]
mod tests {
    use super::without_placeholders;

    #[test]
    fn placeholders_show_as_an_ellipsis() {
        assert_eq!(
            without_placeholders("Part of the document is outside the photo ({where})."),
            "Part of the document is outside the photo (…)."
        );
        assert_eq!(
            without_placeholders("({width} × {height}) {{nested}} end"),
            "(… × …) … end"
        );
        assert_eq!(without_placeholders("no placeholders"), "no placeholders");
    }
}
