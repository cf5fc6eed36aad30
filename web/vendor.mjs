// Copies the built (dist) files of the console's front-end libraries from node_modules into
// src/precinct/web/static/vendor, so that `make run` needs no npm and the page loads nothing
// from the internet. Run after `npm ci`: `npm run vendor`. The copies are committed.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const target = join(here, "..", "src", "precinct", "web", "static", "vendor");

// package -> [source path inside the package, destination path inside vendor/]
const FILES = {
  leaflet: [
    ["dist/leaflet.js", "leaflet/leaflet.js"],
    ["dist/leaflet.css", "leaflet/leaflet.css"],
    ["dist/images", "leaflet/images"],
    ["LICENSE", "leaflet/LICENSE"],
  ],
  "leaflet.markercluster": [
    ["dist/leaflet.markercluster.js", "leaflet.markercluster/leaflet.markercluster.js"],
    ["dist/MarkerCluster.css", "leaflet.markercluster/MarkerCluster.css"],
    ["dist/MarkerCluster.Default.css", "leaflet.markercluster/MarkerCluster.Default.css"],
    ["MIT-LICENCE.txt", "leaflet.markercluster/LICENSE"],
  ],
  "chart.js": [
    ["dist/chart.umd.min.js", "chart.js/chart.umd.min.js"],
    ["LICENSE.md", "chart.js/LICENSE.md"],
  ],
};

rmSync(target, { recursive: true, force: true });
const versions = {};
for (const [pkg, files] of Object.entries(FILES)) {
  const root = join(modules, pkg);
  versions[pkg] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  for (const [from, to] of files) {
    const destination = join(target, to);
    mkdirSync(dirname(destination), { recursive: true });
    cpSync(join(root, from), destination, { recursive: true });
  }
}
writeFileSync(join(target, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendored into ${target}:`, versions);
