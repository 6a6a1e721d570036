"""The CSS esbuild emits, made right for the browser: which stylesheets load first (`initial`,
`order`), the URLs inside them (`urls`, `refs`, `written_urls`, `packages`), modern image formats
for backgrounds (`image_set`), metric-matched fallback fonts (`font_fallbacks`) and a check for
preprocessor syntax left in what we ship (`check`).
"""
