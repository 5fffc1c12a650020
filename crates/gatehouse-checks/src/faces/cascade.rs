//! OpenCV's boosted Haar cascades in the "new" XML format (`opencv_storage/cascade`), as
//! Debian's `opencv-data` ships them: stages of weak classifiers (decision trees over Haar
//! features), each stage passing a window only when its summed leaf values reach the stage
//! threshold.

use super::xml::{self, Element};

/// Why a cascade file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CascadeError {
    #[error("cannot read the face model {path}: {source} (install Debian's opencv-data, or point faces.model at a Haar cascade XML; an empty faces.model turns face checks off)")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the face model is not a readable cascade: {0}")]
    Malformed(String),
    #[error("the face model is a {0} cascade; only BOOST cascades of HAAR features are supported")]
    Unsupported(String),
    #[error("the face model uses tilted (45°) Haar features, which are not supported")]
    Tilted,
}

/// One rectangle of a feature with its weight, in window pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedRect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub weight: f32,
}

/// A Haar feature: the weighted sum of two or three rectangle sums.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub rects: Vec<WeightedRect>,
}

/// A split of a weak classifier's tree. `left` and `right` are the next node's index within
/// the tree when positive, or minus a leaf's index when zero or negative (OpenCV's encoding).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    pub left: i32,
    pub right: i32,
    pub feature: usize,
    pub threshold: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Weak {
    pub nodes: Vec<Node>,
    pub leaves: Vec<f32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub threshold: f32,
    pub weaks: Vec<Weak>,
}

/// A loaded cascade, checked so that evaluating it cannot index out of bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Cascade {
    pub width: u32,
    pub height: u32,
    pub stages: Vec<Stage>,
    pub features: Vec<Feature>,
}

/// OpenCV lowers every stage threshold by this much, to absorb float rounding in training.
const THRESHOLD_EPS: f32 = 1e-5;
/// No real cascade's window is larger; bounds the work per window.
const MAX_WINDOW: u32 = 256;

impl Cascade {
    /// Reads the cascade file at `path`.
    pub fn load(path: &str) -> Result<Cascade, CascadeError> {
        let text = std::fs::read_to_string(path).map_err(|source| CascadeError::Io {
            path: path.to_owned(),
            source,
        })?;
        Cascade::parse(&text)
    }

    /// Parses a cascade from its XML text.
    pub fn parse(text: &str) -> Result<Cascade, CascadeError> {
        let malformed = CascadeError::Malformed;
        let root = xml::parse(text).map_err(malformed)?;
        if root.name != "opencv_storage" {
            return Err(malformed(format!("root element is <{}>", root.name)));
        }
        let cascade = root.child("cascade").ok_or_else(|| {
            malformed("no <cascade> element (old-format cascades are not read)".into())
        })?;
        let stage_type = text_of(cascade, "stageType")?;
        let feature_type = text_of(cascade, "featureType")?;
        if stage_type != "BOOST" || feature_type != "HAAR" {
            return Err(CascadeError::Unsupported(format!(
                "{stage_type}/{feature_type}"
            )));
        }
        let width: u32 = number(text_of(cascade, "width")?)?;
        let height: u32 = number(text_of(cascade, "height")?)?;
        if !(3..=MAX_WINDOW).contains(&width) || !(3..=MAX_WINDOW).contains(&height) {
            return Err(malformed(format!("window {width}×{height}")));
        }
        let features = element(cascade, "features")?
            .children
            .iter()
            .map(|f| feature(f, width, height))
            .collect::<Result<Vec<_>, _>>()?;
        let stages = element(cascade, "stages")?
            .children
            .iter()
            .map(|s| stage(s, features.len()))
            .collect::<Result<Vec<_>, _>>()?;
        if stages.is_empty() {
            return Err(malformed("no stages".into()));
        }
        Ok(Cascade {
            width,
            height,
            stages,
            features,
        })
    }
}

fn element<'a>(parent: &'a Element, name: &str) -> Result<&'a Element, CascadeError> {
    parent
        .child(name)
        .ok_or_else(|| CascadeError::Malformed(format!("<{}> has no <{name}>", parent.name)))
}

fn text_of<'a>(parent: &'a Element, name: &str) -> Result<&'a str, CascadeError> {
    Ok(element(parent, name)?.text.as_str())
}

fn number<T: std::str::FromStr>(text: &str) -> Result<T, CascadeError> {
    text.trim()
        .parse()
        .map_err(|_| CascadeError::Malformed(format!("{text:?} is not a number")))
}

fn numbers(text: &str) -> Result<Vec<f64>, CascadeError> {
    text.split_whitespace().map(number::<f64>).collect()
}

fn feature(el: &Element, width: u32, height: u32) -> Result<Feature, CascadeError> {
    if el.child("tilted").is_some_and(|t| t.text.trim() != "0") {
        return Err(CascadeError::Tilted);
    }
    let rects = element(el, "rects")?
        .children
        .iter()
        .map(|r| {
            let v = numbers(&r.text)?;
            let [x, y, w, h, weight] = v[..] else {
                return Err(CascadeError::Malformed(format!(
                    "a feature rectangle {:?} is not \"x y w h weight\"",
                    r.text
                )));
            };
            let int = |v: f64| {
                (v >= 0.0 && v.fract() == 0.0 && v <= f64::from(MAX_WINDOW)).then_some(v as u32)
            };
            match (int(x), int(y), int(w), int(h)) {
                (Some(x), Some(y), Some(w), Some(h)) if x + w <= width && y + h <= height => {
                    Ok(WeightedRect {
                        x,
                        y,
                        w,
                        h,
                        weight: weight as f32,
                    })
                }
                _ => Err(CascadeError::Malformed(format!(
                    "a feature rectangle {:?} leaves the {width}×{height} window",
                    r.text
                ))),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !(1..=3).contains(&rects.len()) {
        return Err(CascadeError::Malformed(format!(
            "a feature has {} rectangles",
            rects.len()
        )));
    }
    Ok(Feature { rects })
}

fn stage(el: &Element, n_features: usize) -> Result<Stage, CascadeError> {
    let threshold: f32 = number(text_of(el, "stageThreshold")?)?;
    let weaks = element(el, "weakClassifiers")?
        .children
        .iter()
        .map(|w| weak(w, n_features))
        .collect::<Result<Vec<_>, _>>()?;
    if weaks.is_empty() {
        return Err(CascadeError::Malformed(
            "a stage without classifiers".into(),
        ));
    }
    Ok(Stage {
        threshold: threshold - THRESHOLD_EPS,
        weaks,
    })
}

fn weak(el: &Element, n_features: usize) -> Result<Weak, CascadeError> {
    let malformed = |what: &str| CascadeError::Malformed(format!("a weak classifier {what}"));
    let raw = numbers(text_of(el, "internalNodes")?)?;
    let leaves: Vec<f32> = numbers(text_of(el, "leafValues")?)?
        .into_iter()
        .map(|v| v as f32)
        .collect();
    if raw.is_empty() || raw.len() % 4 != 0 {
        return Err(malformed("has internal nodes that are not groups of \"left right feature threshold\" (categorical cascades are not read)"));
    }
    let n = raw.len() / 4;
    if leaves.len() != n + 1 {
        return Err(malformed("has a leaf count that does not match its nodes"));
    }
    let mut nodes = Vec::with_capacity(n);
    for chunk in raw.chunks_exact(4) {
        let index = |v: f64| (v.fract() == 0.0 && v.abs() <= 1e6).then_some(v as i32);
        let (Some(left), Some(right), Some(feature)) =
            (index(chunk[0]), index(chunk[1]), index(chunk[2]))
        else {
            return Err(malformed("has a non-integer index"));
        };
        let valid = |i: i32| {
            if i > 0 {
                (i as usize) < n
            } else {
                (i.unsigned_abs() as usize) < leaves.len()
            }
        };
        let feature = usize::try_from(feature)
            .ok()
            .filter(|f| *f < n_features)
            .ok_or_else(|| malformed("names a feature that does not exist"))?;
        if !valid(left) || !valid(right) {
            return Err(malformed("points outside its tree"));
        }
        nodes.push(Node {
            left,
            right,
            feature,
            threshold: chunk[3] as f32,
        });
    }
    // Every positive index must move forward, so evaluation always ends at a leaf.
    for (i, node) in nodes.iter().enumerate() {
        for next in [node.left, node.right] {
            if next > 0 && next as usize <= i {
                return Err(malformed("has a cycle"));
            }
        }
    }
    Ok(Weak { nodes, leaves })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A one-stage cascade on a 4×4 window: the top half darker than the bottom half.
    pub(crate) fn tiny(extra_feature: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?>\n<opencv_storage>\n<cascade type_id=\"opencv-cascade-classifier\">\
             <stageType>BOOST</stageType><featureType>HAAR</featureType>\
             <height>4</height><width>4</width>\
             <stageParams><maxWeakCount>1</maxWeakCount></stageParams>\
             <featureParams><maxCatCount>0</maxCatCount></featureParams>\
             <stageNum>1</stageNum><stages><_><maxWeakCount>1</maxWeakCount>\
             <stageThreshold>0.5</stageThreshold><weakClassifiers><_>\
             <internalNodes>0 -1 0 0.1</internalNodes><leafValues>-1. 1.</leafValues></_>\
             </weakClassifiers></_></stages>\
             <features><_><rects><_>0 0 4 4 -1.</_><_>0 2 4 2 2.</_></rects>{extra_feature}</_></features>\
             </cascade>\n</opencv_storage>\n"
        )
    }

    #[test]
    fn parses_a_cascade() {
        let c = Cascade::parse(&tiny("")).unwrap();
        assert_eq!((c.width, c.height), (4, 4));
        assert_eq!(c.stages.len(), 1);
        assert_eq!(c.stages[0].weaks[0].nodes[0].right, -1);
        assert_eq!(c.features[0].rects[1].weight, 2.0);
        assert!((c.stages[0].threshold - 0.5).abs() < 1e-4);
        assert!(Cascade::parse(&tiny("<tilted>0</tilted>")).is_ok());
    }

    #[test]
    fn refuses_what_it_cannot_evaluate() {
        assert!(matches!(
            Cascade::parse(&tiny("<tilted>1</tilted>")),
            Err(CascadeError::Tilted)
        ));
        let lbp = tiny("").replace("HAAR", "LBP");
        assert!(matches!(
            Cascade::parse(&lbp),
            Err(CascadeError::Unsupported(_))
        ));
        for (from, to) in [
            ("0 -1 0 0.1", "0 -1 7 0.1"),
            ("0 -1 0 0.1", "0 -5 0 0.1"),
            ("0 2 4 2 2.", "0 2 4 3 2."),
            ("-1. 1.", "-1."),
            ("<stageThreshold>0.5", "<stageThreshold>x"),
            ("</cascade>", ""),
        ] {
            let bad = tiny("").replace(from, to);
            assert!(
                matches!(Cascade::parse(&bad), Err(CascadeError::Malformed(_))),
                "{from} -> {to}"
            );
        }
        assert!(matches!(
            Cascade::load("/nonexistent/cascade.xml"),
            Err(CascadeError::Io { .. })
        ));
    }
}
