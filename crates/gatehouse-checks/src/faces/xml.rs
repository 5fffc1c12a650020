//! A minimal XML element reader for OpenCV's cascade files: elements, text, comments and the
//! declaration. Attributes are skipped (the cascade keeps nothing in them that evaluation
//! needs), entities are not expanded (the numbers and names in a cascade have none). It reads
//! untrusted files, so every failure is an error, never a panic, and nesting is bounded.

/// One element: its name, its text (concatenated, trimmed) and its child elements.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Deeper than any cascade nests; a guard against stack-exhausting input.
const MAX_DEPTH: usize = 32;

/// Parses `input` into its root element.
pub fn parse(input: &str) -> Result<Element, String> {
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut rest = input;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        push_text(&mut stack, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").ok_or("unterminated comment")?;
            rest = &body[end + 3..];
        } else if let Some(body) = rest.strip_prefix("<?") {
            let end = body.find("?>").ok_or("unterminated declaration")?;
            rest = &body[end + 2..];
        } else if rest.starts_with("<!") {
            let end = rest.find('>').ok_or("unterminated markup declaration")?;
            rest = &rest[end + 1..];
        } else if let Some(body) = rest.strip_prefix("</") {
            let end = body.find('>').ok_or("unterminated closing tag")?;
            let name = body[..end].trim();
            rest = &body[end + 1..];
            if stack.len() < 2 {
                return Err(format!("closing tag </{name}> without an opening one"));
            }
            let done = stack.pop().ok_or("unbalanced tags")?;
            if done.name != name {
                return Err(format!("<{}> closed by </{name}>", done.name));
            }
            stack
                .last_mut()
                .ok_or("unbalanced tags")?
                .children
                .push(done);
        } else {
            let end = rest.find('>').ok_or("unterminated tag")?;
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            let (tag, empty) = match tag.strip_suffix('/') {
                Some(t) => (t, true),
                None => (tag, false),
            };
            let name = tag.split_whitespace().next().unwrap_or("");
            if name.is_empty() {
                return Err("a tag without a name".into());
            }
            let element = Element {
                name: name.to_owned(),
                ..Element::default()
            };
            if empty {
                stack
                    .last_mut()
                    .ok_or("unbalanced tags")?
                    .children
                    .push(element);
            } else {
                if stack.len() > MAX_DEPTH {
                    return Err("elements nested too deeply".into());
                }
                stack.push(element);
            }
        }
    }
    if stack.len() != 1 {
        let open = stack.last().map(|e| e.name.clone()).unwrap_or_default();
        return Err(format!("<{open}> is never closed"));
    }
    let mut document = stack.pop().unwrap_or_default();
    match document.children.len() {
        1 => Ok(document.children.remove(0)),
        0 => Err("no root element".into()),
        _ => Err("more than one root element".into()),
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if let Some(top) = stack.last_mut() {
        if !top.text.is_empty() {
            top.text.push(' ');
        }
        top.text.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_elements_and_text() {
        let root = parse(
            "<?xml version=\"1.0\"?>\n<!-- note -->\n<a x=\"1\"><b>1 2\n 3</b><c/><b>4</b></a>",
        )
        .unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.children.len(), 3);
        assert_eq!(root.child("b").unwrap().text, "1 2\n 3");
        assert_eq!(root.children[2].text, "4");
    }

    #[test]
    fn broken_documents_are_errors() {
        for bad in [
            "<a><b></a>",
            "<a>",
            "</a>",
            "<a></a><b></b>",
            "<a><!-- x",
            "<a",
            "",
            "< >",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(&deep).unwrap_err().contains("deeply"));
    }
}
