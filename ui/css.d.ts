// Style sheets the app imports: esbuild bundles them into app.css.
declare module '*.css';
