"""The circular's obligations inside the product (issue 14, Circular AIG N°01-2018).

- `attachments`: the content check of the files enlaces attach (PDF/XLSX/DOCX/CSV, ≤ 5 MB).
- `store`: the write path (sign-in/audit connection, one audited transaction per write,
  identity re-checked in the database): submit a review or a press release, validate or return
  it, serve an attachment to its own entity only. Its parts: `submissions` (the enlace's,
  with the double-submit guards), `decisions` (the asesor's), `scope` (who may write, checked
  in the database), `tables` (schema, limits, labels).
- `figures`: read-only queries (`queries/obligations__*.sql`) composed with the pure figures of
  `metrics.obligations` for the pages.
"""
