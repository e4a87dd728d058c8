-- QuickRef reference database. Built by desktop/reference/build.py, opened read-only.
-- Bump SCHEMA_VERSION in keys.py and user_version here together.
PRAGMA user_version = 2;

-- Key/value metadata: schema_version, data_version, build_time, inputs_digest, checksum, ...
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Every source a record cites, with its licence.
CREATE TABLE sources (
    id        TEXT PRIMARY KEY,
    title     TEXT NOT NULL,
    publisher TEXT NOT NULL,
    url       TEXT NOT NULL,
    licence   TEXT NOT NULL
) WITHOUT ROWID;

-- One row a code system: CPT, HCPCS, ICD-10-CM.
CREATE TABLE code_sets (
    system    TEXT PRIMARY KEY,
    release   TEXT NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources(id),
    codes     INTEGER NOT NULL,
    billable  INTEGER NOT NULL,
    effective_from    TEXT,                  -- ISO date the release took effect
    effective_through TEXT                   -- ISO date it stays in force (last day)
) WITHOUT ROWID;

CREATE TABLE codes (
    id               INTEGER PRIMARY KEY,
    system           TEXT NOT NULL,          -- CPT | HCPCS | ICD-10-CM
    code             TEXT NOT NULL,          -- as published: 96372, J3420, E53.8
    code_key         TEXT NOT NULL,          -- upper case, no dot: E538
    kind             TEXT NOT NULL,          -- procedure | drug | modifier | service | vaccine | category | code
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',  -- plain language (our own words for CPT)
    billable         INTEGER,                -- 1, 0 or NULL (not applicable)
    status           TEXT NOT NULL CHECK (status IN ('active', 'deleted', 'not_for_new_use')),
    effective        TEXT,                   -- ISO date where known
    terminated       TEXT,                   -- ISO date where known
    parent           TEXT,                   -- ICD-10-CM: parent code (with dot)
    block            TEXT,                   -- ICD-10-CM: block id (A00-A09)
    unit_amount      TEXT,                   -- HCPCS drugs: billing unit amount, decimal text
    unit             TEXT,                   -- mg | mcg | g | units | mL
    routes           TEXT NOT NULL DEFAULT '',  -- space separated: IM SC IV
    single_dose      INTEGER NOT NULL DEFAULT 0,  -- 1 when packaging = 'single_dose'
    packaging        TEXT CHECK (packaging IN ('single_dose', 'multi_dose', 'both')),  -- drugs
    curated          INTEGER NOT NULL DEFAULT 0, -- 1: reviewed injection content (ranked first)
    source_id        TEXT NOT NULL REFERENCES sources(id),
    vaccine_group    TEXT CHECK (vaccine_group IN
                         ('influenza', 'pneumococcal', 'hepatitis_b', 'covid19', 'other')),
    components       INTEGER,                -- vaccines: diseases protected against (90461)
    UNIQUE (system, code)
);
CREATE INDEX codes_key ON codes (code_key);
-- No index on parent: a child's code_key always extends its parent's, so children
-- are found by a code_key range (saves 1.4 MB).

-- Search terms a code answers to (brand names, abbreviations): from the curated sources.
CREATE TABLE terms (
    code_id  INTEGER NOT NULL REFERENCES codes(id),
    term     TEXT NOT NULL,
    term_key TEXT NOT NULL,                  -- lower case, words separated by one space
    PRIMARY KEY (code_id, term)
) WITHOUT ROWID;
CREATE INDEX terms_key ON terms (term_key);

-- Typed cross-references: use_instead | report_with | see_also
CREATE TABLE xrefs (
    from_id  INTEGER NOT NULL REFERENCES codes(id),
    ord      INTEGER NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('use_instead', 'report_with', 'see_also')),
    to_id    INTEGER NOT NULL REFERENCES codes(id),
    note     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (from_id, ord)
) WITHOUT ROWID;
CREATE INDEX xrefs_to ON xrefs (to_id);

-- Notes: curated (billing, payer, clinical, documentation, status) and ICD-10-CM
-- tabular notes (inclusion_term, includes, excludes1, excludes2, code_first,
-- use_additional_code, code_also, note).
CREATE TABLE notes (
    code_id   INTEGER NOT NULL REFERENCES codes(id),
    ord       INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    text      TEXT NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources(id),
    PRIMARY KEY (code_id, ord)
) WITHOUT ROWID;

CREATE TABLE questions (
    code_id   INTEGER NOT NULL REFERENCES codes(id),
    ord       INTEGER NOT NULL,
    question  TEXT NOT NULL,
    answer    TEXT NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources(id),
    PRIMARY KEY (code_id, ord)
) WITHOUT ROWID;

-- ICD-10-CM chapters and blocks. Kept apart from codes: some block ids (B10, C7A)
-- are also category codes.
CREATE TABLE icd_chapters (
    number TEXT PRIMARY KEY,
    title  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE icd_blocks (
    id      TEXT PRIMARY KEY,
    first   TEXT NOT NULL,
    last    TEXT NOT NULL,
    title   TEXT NOT NULL,
    chapter TEXT NOT NULL REFERENCES icd_chapters(number)
) WITHOUT ROWID;

-- Abbreviations and lay words: what people type -> words used in titles.
CREATE TABLE synonyms (
    term  TEXT NOT NULL,
    means TEXT NOT NULL,
    PRIMARY KEY (term, means)
) WITHOUT ROWID;

-- Words of the search index, for typo correction.
CREATE TABLE vocabulary (
    word TEXT PRIMARY KEY,
    freq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE checklist_templates (
    id        TEXT PRIMARY KEY,
    title     TEXT NOT NULL,
    code_id   INTEGER NOT NULL REFERENCES codes(id),
    source_id TEXT NOT NULL REFERENCES sources(id)
) WITHOUT ROWID;

CREATE TABLE checklist_steps (
    template_id  TEXT NOT NULL REFERENCES checklist_templates(id),
    ord          INTEGER NOT NULL,
    key          TEXT NOT NULL,
    label        TEXT NOT NULL,
    why          TEXT NOT NULL,
    required     INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('tick', 'yes_no', 'drug_dose', 'choice', 'vaccines')),
    stop_answer  TEXT,
    stop_message TEXT,
    switch_to    TEXT,
    required_for TEXT NOT NULL DEFAULT '',   -- space separated codes that make the step required
    options      TEXT,                   -- choice steps: JSON [[value, label], ...]
    PRIMARY KEY (template_id, ord),
    UNIQUE (template_id, key)
) WITHOUT ROWID;

-- Reviewed billing rules (resources/data/vaccine_admin.toml, claim_rules.toml), as JSON,
-- read by desktop/reference/billing/ruledata.py.
CREATE TABLE rule_data (
    name TEXT PRIMARY KEY,
    json TEXT NOT NULL
) WITHOUT ROWID;

-- NCCI procedure-to-procedure edits (practitioner), written by `db import` of a CMS PTP
-- file; only pairs whose two codes are in the data. modifier: 0 never together,
-- 1 allowed with a proper modifier, 9 not applicable.
CREATE TABLE ptp_edits (
    column1   TEXT NOT NULL,
    column2   TEXT NOT NULL,
    effective TEXT,
    deleted   TEXT,
    modifier  INTEGER NOT NULL CHECK (modifier IN (0, 1, 9)),
    rationale TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (column1, column2)
) WITHOUT ROWID;

-- Full-text indexes. Two, so that the small curated set is always ranked in full
-- and the ~98k ICD-10-CM rows can be served unranked for broad prefixes.
-- Both are contentless with rowid = codes.id: fts_curated holds curated rows,
-- fts_bulk every other row (ICD-10-CM, imported code files).
CREATE VIRTUAL TABLE fts_curated USING fts5 (
    code, title, description, terms,
    content = '',
    tokenize = "unicode61 remove_diacritics 2"
);
CREATE VIRTUAL TABLE fts_bulk USING fts5 (
    code, title, terms,
    content = '',
    tokenize = "unicode61 remove_diacritics 2"
);

-- CMS NCCI Medically Unlikely Edits, practitioner services: the most units of a code
-- one practitioner reports for one patient (per line or per day, by indicator).
CREATE TABLE mue (
    code_key  TEXT PRIMARY KEY,
    code      TEXT NOT NULL,
    units     INTEGER NOT NULL,
    indicator INTEGER NOT NULL CHECK (indicator IN (1, 2, 3)),
    rationale TEXT NOT NULL,
    effective TEXT NOT NULL,                 -- ISO date of the CMS quarter
    source_id TEXT NOT NULL REFERENCES sources(id)
) WITHOUT ROWID;
