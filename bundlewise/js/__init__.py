"""JavaScript as apps written for Vite expect it: JSX settings, asset URLs, `import.meta.env`,
inline module scripts, and checks that the built code will run."""
