// Builds the vendored page libraries in kg/view/assets/vendor/ from the versions pinned in
// package-lock.json, each with the licences of what it holds:
//   sigma-graphology.min.js   sigma.js + graphology as window.KGSigma (graph page, big graphs)
//   report-charts.min.js      d3 modules + topojson-client as window.KGCharts (report page)
//   world-110m.json           the world-atlas TopoJSON outline of the countries (report map)
//   npm ci && node build-vendor.mjs          # write the files and licences
//   node build-vendor.mjs --check            # exit 1 if the committed files differ from a rebuild
import { build } from "esbuild";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "kg", "view", "assets", "vendor");

const BUNDLES = [
  { entry: "sigma-entry.js", name: "sigma-graphology", licence: "MIT licensed" },
  { entry: "report-entry.js", name: "report-charts", licence: "ISC licensed" },
];
const DATA = [{ from: ["world-atlas", "countries-110m.json"], name: "world-110m.json", licenceName: "world-110m" }];

// the package folder (node_modules/NAME or node_modules/@scope/NAME) an input file comes from
function packageOf(input) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? m[1] : null;
}

function meta(name) {
  return JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8"));
}

function licences(packages, file) {
  const parts = [`Third-party code in ${file} (bundled by web/build-vendor.mjs).`, ""];
  for (const name of packages) {
    const dir = join(here, "node_modules", name);
    const info = meta(name);
    const path = ["LICENSE", "LICENSE.txt", "LICENSE.md", "license"].map((f) => join(dir, f)).find(existsSync);
    parts.push("=".repeat(78), `${name} ${info.version} (${info.license})`, "=".repeat(78));
    parts.push(path ? readFileSync(path, "utf8").trim() : `${info.license} licence; no licence file in the package.`, "");
  }
  return parts.join("\n");
}

async function bundle({ entry, name, licence }) {
  const result = await build({
    entryPoints: [join(here, "src", entry)],
    bundle: true, minify: true, format: "iife", target: "es2019", write: false, metafile: true,
    legalComments: "none", charset: "utf8",
  });
  const packages = [...new Set(Object.keys(result.metafile.inputs).map(packageOf).filter(Boolean))].sort();
  const versions = packages.map((p) => `${p}@${meta(p).version}`);
  const banner = `/* ${versions.join(", ")}: ${licence}, see ${name}.LICENSE.txt; built by web/build-vendor.mjs */\n`;
  return [
    [`${name}.min.js`, banner + result.outputFiles[0].text],
    [`${name}.LICENSE.txt`, licences(packages, `${name}.min.js`)],
  ];
}

function data({ from, name, licenceName }) {
  const text = JSON.stringify(JSON.parse(readFileSync(join(here, "node_modules", ...from), "utf8")));
  const note = licences([from[0]], name).replace(
    "(bundled by web/build-vendor.mjs).",
    "(copied by web/build-vendor.mjs). The shapes are Natural Earth's 1:110m countries, in the public domain.",
  );
  return [[name, text + "\n"], [`${licenceName}.LICENSE.txt`, note]];
}

const files = [...(await Promise.all(BUNDLES.map(bundle))).flat(), ...DATA.flatMap(data)];
if (process.argv.includes("--check")) {
  const stale = files.filter(([file, text]) => !existsSync(join(out, file)) || readFileSync(join(out, file), "utf8") !== text);
  if (stale.length) {
    console.error(`${stale.map(([f]) => f).join(", ")} in ${out} not what web/build-vendor.mjs builds from package-lock.json: run it and commit`);
    process.exit(1);
  }
  console.log(`vendored files up to date (${files.map(([f, t]) => `${f} ${t.length} bytes`).join(", ")})`);
} else {
  for (const [file, text] of files) writeFileSync(join(out, file), text);
  console.log(`wrote ${files.map(([f, t]) => `${f} (${t.length} bytes)`).join(", ")} in ${out}`);
}
