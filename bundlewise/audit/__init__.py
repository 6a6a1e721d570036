"""`bundlewise audit`: Web Vitals of the built pages in real Chromium, with causes and budgets.

    serving (the output folder on loopback, like production) → collect (one load: observer,
    network, filmstrip) → metrics (Lighthouse's definitions) + causes (why each shift) → budgets
    → report (table, JSON, Markdown, GitHub) and html (the visual report)

`run.audit` ties them together. Playwright is imported only when an audit runs, so the build
does not need it (`pip install 'bundlewise[audit]'`).
"""
