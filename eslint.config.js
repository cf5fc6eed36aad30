// ESLint for the console's own ES modules (src/precinct/web/static/js); the vendored libraries are not linted.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["src/precinct/web/static/vendor/**", "web/**", "node_modules/**"] },
  {
    files: ["src/precinct/web/static/js/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      // Leaflet (with markercluster) and Chart.js are loaded as classic scripts from vendor/.
      globals: { ...globals.browser, L: "readonly", Chart: "readonly" },
    },
    rules: {
      ...js.configs.recommended.rules,
      "no-unused-vars": "error",
    },
  },
];
