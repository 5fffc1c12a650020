-- What Gatehouse read from the document photos of an attempt (MRZ or ID number, with the
-- text before correction, the corrections and the confidence), as JSON for reviewers.
ALTER TABLE attempts ADD COLUMN readings TEXT;
