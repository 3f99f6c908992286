// Where the admin Lambda finds the web UI's built files: in this folder beside its bundle, written
// there at synth time (infra/ui-bundle.ts).
export const UI_ASSETS_DIR = 'ui';
