// Stylesheets are imported for their side effect; esbuild collects them into each page's app.css.
declare module '*.css';
